//! Repeat callers: open calls from one number, each within the window of the one before, show
//! on the desk as one row (the newest, with the count) — also for an agent who sees no number;
//! a filtered view shows each call; the drawer lists the others; „Erledigt“ on the row closes
//! them all in one transaction and Undo restores them all; the window is an audited admin
//! setting that refolds at once.

mod common;

use app::domain::Role;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{
    calls::{NewCall, insert_call},
    requests::{server_fn, set_masking},
};
use serde_json::{Value, json};
use sqlx::PgPool;

const NUMBER: &str = "+493011111111";

fn from(number: Option<&'static str>, minutes_ago: i64, topic: &'static str) -> NewCall<'static> {
    NewCall {
        received_at: Utc::now() - Duration::minutes(minutes_ago),
        number,
        topic,
        ..NewCall::default()
    }
}

/// The rows of the desk's everyday view as (id, repeats), and its total.
async fn desk(pool: &PgPool, login: &common::Login, query: Value) -> (Vec<(i64, i64)>, Value) {
    let (status, page) = server_fn(
        pool,
        login,
        "list_calls",
        json!({ "query": query, "at": "first" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let rows = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|call| {
            (
                call["id"].as_i64().expect("id"),
                call["repeats"].as_i64().expect("repeats"),
            )
        })
        .collect();
    (rows, page["total"]["count"].clone())
}

async fn statuses(pool: &PgPool, ids: &[i64]) -> Vec<String> {
    sqlx::query_scalar("select status::text from calls where id = any($1) order by id")
        .bind(ids)
        .fetch_all(pool)
        .await
        .expect("statuses")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_run_of_calls_from_one_number_is_one_row_and_closes_together(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    set_masking(&pool, &admin, "visible", "hidden", "visible").await;
    let alone = insert_call(&pool, from(Some(NUMBER), 9 * 60, "Rezept")).await;
    let first = insert_call(&pool, from(Some(NUMBER), 3 * 60, "Termin verschieben")).await;
    let second = insert_call(&pool, from(Some(NUMBER), 60, "Termin, bitte Rückruf")).await;
    let newest = insert_call(&pool, from(Some(NUMBER), 10, "Noch einmal: Termin")).await;
    let other = insert_call(&pool, from(Some("+498912345678"), 120, "Befund")).await;
    let anonymous = insert_call(&pool, from(None, 30, "Frage")).await;
    let anonymous_too = insert_call(&pool, from(None, 20, "Frage")).await;

    let (rows, total) = desk(&pool, &agent, json!({})).await;
    assert_eq!(
        rows,
        vec![
            (newest, 3),
            (anonymous_too, 1),
            (anonymous, 1),
            (other, 1),
            (alone, 1)
        ],
        "the run of three is its newest call; six hours before it is another run"
    );
    assert_eq!(total, json!(5));
    let (_, page) = server_fn(
        &pool,
        &agent,
        "list_calls",
        json!({ "query": {}, "at": "first" }),
    )
    .await;
    assert_eq!(
        page["items"][0]["caller_number"],
        Value::Null,
        "the number stays hidden"
    );

    let (rows, _) = desk(&pool, &agent, json!({ "search": "Termin" })).await;
    assert_eq!(
        rows,
        vec![(newest, 1), (second, 1), (first, 1)],
        "a search shows each call"
    );

    let (status, detail) = server_fn(&pool, &agent, "call_detail", json!({ "id": newest })).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let others: Vec<i64> = detail["repeats"]
        .as_array()
        .expect("repeats")
        .iter()
        .map(|call| call["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(
        others,
        vec![second, first],
        "the drawer lists the others, newest first"
    );
    assert_eq!(detail["repeats"][0]["topic"], "Termin, bitte Rückruf");
    let (_, detail) = server_fn(&pool, &agent, "call_detail", json!({ "id": first })).await;
    assert_eq!(
        detail["repeats"].as_array().map(Vec::len),
        Some(2),
        "from any call of the run"
    );

    let (status, closed) = server_fn(
        &pool,
        &agent,
        "close_repeats",
        json!({ "id": newest, "version": 1 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(
        closed["closed"].as_array().map(Vec::len),
        Some(3),
        "{closed}"
    );
    assert_eq!(closed["closed"][0]["status"], "NEW");
    assert_eq!(statuses(&pool, &[first, second, newest]).await, ["DONE"; 3]);
    assert_eq!(
        statuses(&pool, &[alone]).await,
        ["NEW"],
        "another run stays open"
    );
    let audited = common::count(
        &pool,
        &format!(
            "select count(*) from actions_audit where action_type = 'status_change'
              and call_id in ({first}, {second}, {newest})"
        ),
    )
    .await;
    assert_eq!(audited, 3, "each call's trail says it was closed");
    let (rows, _) = desk(&pool, &agent, json!({ "statuses": ["NEW", "IN_PROGRESS"] })).await;
    assert!(
        rows.iter()
            .all(|(id, _)| ![first, second, newest].contains(id)),
        "{rows:?}"
    );
    let (rows, _) = desk(&pool, &agent, json!({})).await;
    for id in [first, second, newest] {
        assert!(
            rows.contains(&(id, 1)),
            "done calls show each on its own: {rows:?}"
        );
    }

    let (status, restored) = server_fn(
        &pool,
        &agent,
        "restore_statuses",
        json!({ "steps": closed["closed"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(
        restored["changed"].as_array().map(Vec::len),
        Some(3),
        "{restored}"
    );
    assert_eq!(statuses(&pool, &[first, second, newest]).await, ["NEW"; 3]);
    let (rows, _) = desk(&pool, &agent, json!({})).await;
    assert_eq!(rows[0], (newest, 3), "undo folds them again");

    let later = insert_call(&pool, from(Some(NUMBER), 1, "Dringend Rückruf")).await;
    let version: i32 = sqlx::query_scalar("select version from calls where id = $1")
        .bind(newest)
        .fetch_one(&pool)
        .await
        .expect("version");
    let (status, answer) = server_fn(
        &pool,
        &agent,
        "close_repeats",
        json!({ "id": newest, "version": version }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a newer call joined: {answer}"
    );
    assert_eq!(
        statuses(&pool, &[first, second, newest, later]).await,
        ["NEW"; 4]
    );
    let (rows, _) = desk(&pool, &agent, json!({})).await;
    assert_eq!(rows[0], (later, 4));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_window_is_an_audited_admin_setting_that_refolds_at_once(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    let earlier = insert_call(&pool, from(Some(NUMBER), 3 * 60, "Termin")).await;
    let later = insert_call(&pool, from(Some(NUMBER), 60, "Termin")).await;
    let (rows, _) = desk(&pool, &agent, json!({})).await;
    assert_eq!(rows, vec![(later, 2)], "four hours by default");

    let (status, saved) = server_fn(
        &pool,
        &admin,
        "admin/save_repeat_settings",
        json!({ "settings": { "window_minutes": 60 } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (rows, _) = desk(&pool, &agent, json!({})).await;
    assert_eq!(
        rows,
        vec![(later, 1), (earlier, 1)],
        "two hours apart: two rows"
    );
    let diff: Value = sqlx::query_scalar(
        "select diff from actions_audit where action_type = 'repeat_settings_changed'",
    )
    .fetch_one(&pool)
    .await
    .expect("audited");
    assert_eq!(
        diff,
        json!({ "window_minutes": { "old": 240, "new": 60 }, "refolded_calls": 2 })
    );

    for window in [-1, 1441] {
        let (status, answer) = server_fn(
            &pool,
            &admin,
            "admin/save_repeat_settings",
            json!({ "settings": { "window_minutes": window } }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["Invalid"]["reason"], "repeat_window", "{answer}");
    }
    let (status, _) = server_fn(
        &pool,
        &agent,
        "admin/save_repeat_settings",
        json!({ "settings": { "window_minutes": 240 } }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, settings) = server_fn(&pool, &admin, "admin/repeat_settings", json!({})).await;
    assert_eq!(settings, json!({ "window_minutes": 60 }));
}

//! Retention before and around the purge: calls past the period are hidden from every read at
//! once; a shorter period hides and purges sooner; a purge without the database says so; a
//! period longer than the policy is refused at start.

mod common;

use std::{process::Command, time::Duration};

use app::{
    domain::{PurgeTrigger, Role},
    retention::{self, PurgeError, PurgeOptions, overview},
};
use axum::http::{StatusCode, header};
use chrono::{TimeDelta, Utc};
use common::{
    calls::{NewCall, insert_call},
    requests::{get, server_fn},
};
use serde_json::json;
use sqlx::PgPool;

fn options() -> PurgeOptions {
    PurgeOptions {
        trigger: PurgeTrigger::Command,
        dry_run: false,
        import_dir: None,
        yield_to_readers: false,
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn calls_past_the_period_are_hidden_before_the_purge_runs(pool: PgPool) {
    let old = insert_call(
        &pool,
        NewCall {
            received_at: Utc::now() - TimeDelta::days(31),
            ..NewCall::default()
        },
    )
    .await;
    let young = insert_call(
        &pool,
        NewCall {
            received_at: Utc::now() - TimeDelta::days(29),
            ..NewCall::default()
        },
    )
    .await;
    let agent = common::login(&pool, Role::Agent).await;

    let (_, page) = server_fn(
        &pool,
        &agent,
        "list_calls",
        json!({ "query": {}, "at": "first" }),
    )
    .await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [young], "{page}");
    assert_eq!(page["total"]["count"], 1);
    let (status, _) = server_fn(&pool, &agent, "call_detail", json!({ "id": old })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server_fn(
        &pool,
        &agent,
        "reveal_field",
        json!({ "id": old, "field": "caller_number", "reason": "Rückruf" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server_fn(
        &pool,
        &agent,
        "set_call_status",
        json!({ "id": old, "version": 1, "status": "DONE", "comment": null }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = server_fn(
        &pool,
        &agent,
        "add_call_note",
        json!({ "id": old, "note": "Noch da?" }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let bearer = (header::AUTHORIZATION, agent.bearer.as_str());
    let (status, _) = get(&pool, &format!("/api/v1/calls/{old}"), bearer.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(&pool, "/api/v1/calls", bearer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(&format!("\"id\":{old},")), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_shorter_period_hides_and_purges_sooner(pool: PgPool) {
    let ten_days = insert_call(
        &pool,
        NewCall {
            received_at: Utc::now() - TimeDelta::days(10),
            ..NewCall::default()
        },
    )
    .await;
    let a_week = (*pool.connect_options()).clone().options([
        ("role", app::db::RUNTIME_ROLE),
        ("anrufe.retention_days", "7"),
    ]);
    let week = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_lazy_with(a_week);
    assert_eq!(overview::past_retention(&week).await.expect("past"), 1);
    let report = retention::purge(&week, &options(), |_| {})
        .await
        .expect("purge");
    assert_eq!(report.counts.calls, 1);
    let stored: Option<i64> = sqlx::query_scalar("select id from calls where id = $1")
        .bind(ten_days)
        .fetch_optional(&pool)
        .await
        .expect("query");
    assert_eq!(stored, None);
    let days: i32 = sqlx::query_scalar("select retention_days from purge_runs")
        .fetch_one(&pool)
        .await
        .expect("run");
    assert_eq!(days, 7);
}

#[tokio::test]
async fn a_purge_without_the_database_says_so() {
    let unreachable = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy("postgres://anrufe_app@127.0.0.1:1/anrufe")
        .expect("lazy pool");
    let error = retention::purge(&unreachable, &options(), |_| {})
        .await
        .expect_err("no database");
    assert!(matches!(error, PurgeError::Database(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("the database could not be reached"),
        "{error}"
    );
}

#[test]
fn a_period_longer_than_the_policy_is_refused_at_start() {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATA_KEYS_FILE", common::data_keys_file())
        .arg("migrate")
        .env("DATABASE_URL", "postgres://anrufe_app@127.0.0.1:1/anrufe")
        .env("RETENTION_DAYS", "45")
        .output()
        .expect("server binary");
    assert!(!output.status.success());
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains(
            "a retention period of 45 days is longer than the policy's maximum of 30 days"
        ),
        "{text}"
    );
}

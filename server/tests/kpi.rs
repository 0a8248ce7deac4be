//! The desk's tiles against calls whose figures are worked out by hand: open calls and the
//! longest-waiting one, calls marked done today (through the service, which stamps `done_at`)
//! and their median time, each over the calls the reader may see.

mod common;

use app::{
    audit::Actor,
    db::calls::Restricted,
    domain::{CallId, CallStatus, Role, Version},
    kpi::tiles,
    service,
};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{
    calls::{NewCall, insert_call, restrict},
    requests::server_fn,
};
use serde_json::json;
use sqlx::PgPool;

fn received(minutes_ago: i64, status: &'static str) -> NewCall<'static> {
    NewCall {
        received_at: Utc::now() - Duration::minutes(minutes_ago),
        status,
        ..NewCall::default()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_tiles_count_what_the_reader_may_see(pool: PgPool) {
    let agent = common::login(&pool, Role::Agent).await;
    let waiting = insert_call(&pool, received(180, "NEW")).await;
    insert_call(&pool, received(30, "IN_PROGRESS")).await;
    let restricted = insert_call(&pool, received(300, "NEW")).await;
    restrict(&pool, restricted).await;
    // Done yesterday: not today's.
    let yesterday = insert_call(&pool, received(60 * 30, "DONE")).await;
    sqlx::query("update calls set done_at = now() - interval '1 day' where id = $1")
        .bind(yesterday)
        .execute(&pool)
        .await
        .expect("done yesterday");
    let runtime = common::runtime(&pool);
    // Marked done now, after 120, 40 and 10 minutes: the median is 40 minutes.
    for minutes in [120, 40, 10] {
        let id = insert_call(&pool, received(minutes, "NEW")).await;
        service::set_status(
            &runtime,
            Actor::User(agent.user_id),
            CallId(id),
            Version(1),
            CallStatus::Done,
            None,
        )
        .await
        .expect("done");
    }

    let now = Utc::now();
    let mut conn = runtime.acquire().await.expect("connection");
    let seen = tiles::read(&mut conn, Restricted::Hidden, now)
        .await
        .expect("tiles");
    assert_eq!((seen.open, seen.done_today), (2, 3), "{seen:?}");
    let oldest: chrono::DateTime<Utc> =
        sqlx::query_scalar("select received_at from calls where id = $1")
            .bind(waiting)
            .fetch_one(&pool)
            .await
            .expect("the oldest open call");
    assert_eq!(seen.oldest_open, Some(oldest));
    let median = seen.median_seconds_to_done_today.expect("a median");
    assert!((40 * 60..40 * 60 + 30).contains(&median), "{median} s");

    let all = tiles::read(&mut conn, Restricted::Shown, now)
        .await
        .expect("tiles");
    assert_eq!(all.open, 3, "an admin counts the restricted call too");
    assert!(all.oldest_open < seen.oldest_open);

    // Reopened: no longer done today.
    let reopened: i64 = sqlx::query_scalar(
        "select id from calls where done_at is not null order by received_at desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a call done today");
    service::set_status(
        &runtime,
        Actor::User(agent.user_id),
        CallId(reopened),
        Version(2),
        CallStatus::InProgress,
        None,
    )
    .await
    .expect("reopened");
    let (status, answer) = server_fn(&pool, &agent, "desk_tiles", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["open"], 3);
    assert_eq!(answer["done_today"], 2);
}

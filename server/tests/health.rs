//! `/healthz` and `/readyz` as a load balancer asks them: without login, in JSON, and `/readyz`
//! naming what keeps an instance from serving (the database away, no live listener, an importer
//! that has not shown it works).

mod common;

use std::time::Duration;

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
};
use common::{body_text, send};
use server::{jobs::importing, live::LiveHub};
use sqlx::{Connection, PgConnection, PgPool};

async fn ask(app: &Router, path: &str) -> (StatusCode, serde_json::Value) {
    let response = send(
        app.clone(),
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await;
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON from {path}: {text}")),
    )
}

/// Asks `/readyz` until its answer is `wanted` (the listener connects and notices a lost
/// connection in the background) for at most 5 s; returns that answer.
async fn readiness_until(
    app: &Router,
    wanted: &str,
    holds: impl Fn(StatusCode, &serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..50 {
        let (status, body) = ask(app, "/readyz").await;
        if holds(status, &body) {
            return body;
        }
        last = body;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("/readyz did not say {wanted}: {last}");
}

async fn ready_until(app: &Router, status: StatusCode) -> serde_json::Value {
    readiness_until(app, status.as_str(), |answered, _| answered == status).await
}

#[sqlx::test(migrations = "../migrations")]
async fn an_instance_is_ready_once_its_listener_receives_and_its_importer_has_worked(pool: PgPool) {
    let live = LiveHub::default();
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), 5, 1, chrono::Utc::now()).expect("demo files");
    let (_task, importing) = importing::spawn(pool.clone(), importer_of(&pool, dir.path()));
    let app = common::app_importing(pool.clone(), live.clone(), importing);

    let (status, body) = ask(&app, "/healthz").await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &"ok".into()));

    // Nothing listens for changes yet.
    let (status, body) = ask(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "not_ready");
    for check in ["stopping", "database", "migrations"] {
        assert_eq!(body["checks"][check]["ok"], true, "{check}: {body}");
    }
    assert_eq!(body["checks"]["live_listener"]["ok"], false, "{body}");

    live.spawn_listener(common::runtime(&pool));
    let body = readiness_until(&app, "ready after an import pass", |status, body| {
        status == StatusCode::OK
            && body["checks"]["importer"]["detail"]
                .as_str()
                .is_some_and(|detail| detail.starts_with("last pass or batch "))
    })
    .await;
    assert_eq!(body["status"], "ready");
}

fn importer_of(pool: &PgPool, dir: &std::path::Path) -> importer::Importer {
    importer::Importer::new(pool.clone(), dir, common::tombstones().key)
}

async fn calls(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from calls")
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Polls `holds` every 100 ms for at most `seconds`.
async fn eventually(seconds: u64, what: &str, holds: impl AsyncFn() -> bool) {
    let started = std::time::Instant::now();
    while !holds().await {
        assert!(started.elapsed() < Duration::from_secs(seconds), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn one_instance_imports_and_another_takes_over_when_it_is_gone(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), 5, 1, chrono::Utc::now()).expect("demo files");
    let (first_task, first) = importing::spawn(pool.clone(), importer_of(&pool, dir.path()));
    let (second_task, second) = importing::spawn(pool.clone(), importer_of(&pool, dir.path()));

    eventually(5, "one of them imports", async || {
        first.leading() || second.leading()
    })
    .await;
    eventually(5, "the calls are imported", async || {
        calls(&pool).await == 5
    })
    .await;
    for _ in 0..20 {
        assert!(!(first.leading() && second.leading()), "never both at once");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (leader_task, standby) = if first.leading() {
        (first_task, &second)
    } else {
        (second_task, &first)
    };
    assert!(!standby.leading());

    // The importing instance is gone: its connection closes, the other takes over.
    leader_task.abort();
    let _ = leader_task.await;
    let takeover = std::time::Instant::now();
    eventually(10, "the other takes over", async || standby.leading()).await;
    assert!(
        takeover.elapsed() < importing::STANDBY_RETRY * 3,
        "taken over within seconds"
    );
    // New calls (other events, written over the same days' files) come in through it.
    importer::demo::write_demo_files(dir.path(), 5, 2, chrono::Utc::now()).expect("demo files");
    eventually(10, "the new leader imports", async || {
        calls(&pool).await == 10
    })
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn without_its_database_an_instance_is_alive_but_not_ready_until_it_returns(pool: PgPool) {
    let live = LiveHub::default();
    live.spawn_listener(common::runtime(&pool));
    let app = common::app_with_live(pool.clone(), live);
    ready_until(&app, StatusCode::OK).await;

    // The database stops taking connections, and the open ones are ended.
    let database: String = sqlx::query_scalar("select current_database()")
        .fetch_one(&pool)
        .await
        .expect("database name");
    // From the cluster's own database: none may refuse connections to the one it is on.
    let cluster = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let mut superuser = PgConnection::connect(&cluster).await.expect("the cluster");
    sqlx::query(&format!(
        r#"alter database "{database}" with allow_connections false"#
    ))
    .execute(&mut superuser)
    .await
    .expect("refuse connections");
    sqlx::query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1")
        .bind(&database)
        .execute(&mut superuser)
        .await
        .expect("end the open ones");

    let body = ready_until(&app, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["checks"]["database"]["ok"], false, "{body}");
    assert_eq!(body["checks"]["migrations"]["ok"], false, "{body}");
    let (status, _) = ask(&app, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "alive without its database");
    readiness_until(&app, "the listener is lost", |status, body| {
        status == StatusCode::SERVICE_UNAVAILABLE && body["checks"]["live_listener"]["ok"] == false
    })
    .await;

    sqlx::query(&format!(
        r#"alter database "{database}" with allow_connections true"#
    ))
    .execute(&mut superuser)
    .await
    .expect("take connections again");
    let body = ready_until(&app, StatusCode::OK).await;
    assert_eq!(body["checks"]["live_listener"]["ok"], true, "{body}");
}

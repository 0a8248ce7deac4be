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
use server::live::LiveHub;
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
    let heartbeat =
        importer::Importer::new(pool.clone(), "/nonexistent", common::tombstones().key).heartbeat();
    let app = common::app_importing(pool.clone(), live.clone(), heartbeat);

    let (status, body) = ask(&app, "/healthz").await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &"ok".into()));

    // Nothing listens yet, and the importer has not passed.
    let (status, body) = ask(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"]["database"]["ok"], true, "{body}");
    assert_eq!(body["checks"]["migrations"]["ok"], true, "{body}");
    assert_eq!(body["checks"]["live_listener"]["ok"], false, "{body}");
    assert_eq!(
        body["checks"]["importer"]["detail"], "has not finished a pass yet",
        "{body}"
    );

    live.spawn_listener(common::runtime(&pool));
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), 5, 1, chrono::Utc::now()).expect("demo files");
    let importing = importer::Importer::new(pool.clone(), dir.path(), common::tombstones().key);
    let app = common::app_importing(pool.clone(), live.clone(), importing.heartbeat());
    importing.run_once().await.expect("import");

    let body = ready_until(&app, StatusCode::OK).await;
    assert_eq!(body["status"], "ready");
    let importer = body["checks"]["importer"]["detail"]
        .as_str()
        .expect("detail");
    assert!(importer.starts_with("last pass or batch "), "{body}");
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

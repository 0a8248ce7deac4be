//! A restart loses nothing: on SIGTERM the `server` binary drains (not ready, still serving, no
//! new live connections), then closes the live connections with "service restart" and exits.

mod common;

use std::time::{Duration, Instant};

use app::domain::Role;
use axum::http::{StatusCode, header};
use common::process::{free_port, serving, spawn};
use futures_util::StreamExt;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::{self, Message, client::IntoClientRequest};

const GRACE_SECONDS: u64 = 2;

async fn status(client: &reqwest::Client, url: &str) -> Option<(StatusCode, String)> {
    let response = client.get(url).send().await.ok()?;
    let status = response.status();
    Some((status, response.text().await.unwrap_or_default()))
}

#[sqlx::test(migrations = "../migrations")]
async fn on_sigterm_the_server_drains_closes_live_connections_and_exits(pool: PgPool) {
    let agent = common::login(&pool, Role::Agent).await;
    let data = tempfile::tempdir().expect("data dir");
    let address = format!("127.0.0.1:{}", free_port());
    let mut server = spawn(
        serving(&pool, data.path(), &address)
            .await
            .env("SHUTDOWN_GRACE_SECONDS", GRACE_SECONDS.to_string()),
        data.path().join("server.log"),
    );
    let client = reqwest::Client::new();
    server.ready(&client, &address).await;
    let ready = format!("http://{address}/readyz");
    let socket_request = || {
        let mut request = format!("ws://{address}{}", app::live::LIVE_PATH)
            .into_client_request()
            .expect("request");
        (request.headers_mut()).insert(header::COOKIE, agent.cookie.parse().expect("cookie"));
        request
    };
    let (mut socket, _) = tokio_tungstenite::connect_async(socket_request())
        .await
        .expect("a live connection");

    // Taken before the signal is sent: the grace period cannot start earlier, however late this
    // process runs again after sending it.
    let signalled = Instant::now();
    server.terminate();

    // Draining: not ready, still serving, no new live connections.
    let mut draining = None;
    while signalled.elapsed() < Duration::from_secs(GRACE_SECONDS) {
        if let Some((StatusCode::SERVICE_UNAVAILABLE, body)) = status(&client, &ready).await {
            draining = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body: serde_json::Value =
        serde_json::from_str(&draining.expect("not ready while draining")).expect("JSON");
    assert_eq!(body["checks"]["stopping"]["ok"], false, "{body}");
    let health = status(&client, &format!("http://{address}/healthz")).await;
    assert_eq!(health.map(|(status, _)| status), Some(StatusCode::OK));
    match tokio_tungstenite::connect_async(socket_request()).await {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        }
        other => panic!("a new live connection while draining: {other:?}"),
    }

    // After the grace period: the open connection is told to reconnect, and the process ends.
    let closed = tokio::time::timeout(Duration::from_secs(GRACE_SECONDS + 5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("the connection ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("closed in time")
    .expect("a close frame");
    assert_eq!(u16::from(closed.code), 1012, "{closed:?}");
    assert!(
        signalled.elapsed() >= Duration::from_secs(GRACE_SECONDS),
        "closed only after the grace period"
    );
    let exit = server.exit(Duration::from_secs(15)).await;
    assert!(exit.success(), "{exit}\n{}", server.tail());
}

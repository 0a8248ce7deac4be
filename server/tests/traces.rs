//! With `OTEL_EXPORTER_OTLP_ENDPOINT` set, the `server` binary sends its spans over OTLP/HTTP:
//! a request's span with its route pattern, never the name searched for. The endpoint here is
//! a plain HTTP listener keeping what arrives at `/v1/traces` (the OTLP collector's path).

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use app::domain::Role;
use axum::{Router, body::Bytes, extract::State, http::StatusCode, routing::post};
use common::{
    calls::personal_call,
    process::{free_port, serving, spawn},
};
use sqlx::PgPool;

type Received = Arc<Mutex<Vec<u8>>>;

async fn collector() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route(
            "/v1/traces",
            post(|State(received): State<Received>, body: Bytes| async move {
                received.lock().expect("received").extend_from_slice(&body);
                StatusCode::OK
            }),
        )
        .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), received)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[sqlx::test(migrations = "../migrations")]
async fn spans_go_to_the_otlp_endpoint_without_personal_data(pool: PgPool) {
    personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let (endpoint, received) = collector().await;
    let data = tempfile::tempdir().expect("data dir");
    let address = format!("127.0.0.1:{}", free_port());
    let mut server = spawn(
        serving(&pool, data.path(), &address)
            .await
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
            .env("OTEL_BSP_SCHEDULE_DELAY", "100"),
        data.path().join("server.log"),
    );
    let client = reqwest::Client::new();
    server.ready(&client, &address).await;
    let searched = client
        .get(format!("http://{address}/api/v1/calls?q=M%C3%BCller"))
        .bearer_auth(agent.bearer.trim_start_matches("Bearer "))
        .send()
        .await
        .expect("a search");
    assert_eq!(searched.status(), StatusCode::OK);

    // Stopping sends what is batched.
    server.terminate();
    assert!(server.exit(Duration::from_secs(20)).await.success());
    let sent = received.lock().expect("received").clone();
    for wanted in ["anrufe", "request", "/api/v1/calls", "/readyz"] {
        assert!(contains(&sent, wanted), "{wanted} not in the traces");
    }
    for personal in ["Müller", "M%C3%BCller", "Maria", "1234567"] {
        assert!(!contains(&sent, personal), "{personal} in the traces");
    }
}

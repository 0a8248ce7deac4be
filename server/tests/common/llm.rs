//! The LLM endpoint of the tests: a real OpenAI-compatible server with a real small model
//! (scripts/lib/llm_endpoint.py), started by scripts/test, which names its port and the file it
//! records each arriving request to in LLM_TEST_PORT and LLM_TEST_RECORD.

use std::{sync::Arc, time::Duration};

use app::llm::{
    client::{ClientSettings, LlmClient, LlmHelp},
    endpoint::Endpoint,
};
use axum::Router;
use serde_json::Value;
use sqlx::PgPool;

/// The tomedo database name the test endpoint serves under.
pub const DB: &str = "praxis";

/// The port of the running test endpoint.
pub fn port() -> u16 {
    std::env::var("LLM_TEST_PORT")
        .expect("LLM_TEST_PORT: the tests need the model server that scripts/test starts")
        .parse()
        .expect("LLM_TEST_PORT is a port")
}

/// A userIdent no other test uses, so the requests recorded for it are this test's alone.
pub fn unique_ident(name: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{name}-{}-{n}", std::process::id())
}

/// A client to the endpoint at `port` with `ident` as the practice default, retrying fast.
pub fn client(port: u16, ident: &str) -> Arc<LlmClient> {
    let endpoint = Endpoint::new(
        "127.0.0.1",
        port,
        DB,
        "smollm2-135m",
        ident.parse().expect("an ident"),
    )
    .expect("an endpoint");
    let settings = ClientSettings {
        backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(60),
        ..ClientSettings::default()
    };
    Arc::new(LlmClient::new(endpoint, settings).expect("a client"))
}

/// The application with the LLM help through `client`.
pub fn app(pool: &PgPool, client: Arc<LlmClient>) -> Router {
    server::router::router(server::state::AppState {
        llm: LlmHelp(Some(client)),
        ..super::state(pool.clone())
    })
}

/// The bodies of the requests the endpoint received for `ident`, as they arrived.
pub fn received(ident: &str) -> Vec<Value> {
    let path = std::env::var("LLM_TEST_RECORD").expect("LLM_TEST_RECORD");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|entry| entry["ident"] == ident)
        .map(|entry| entry["body"].clone())
        .collect()
}

/// Has the second admin approve a policy that allows the LLM for the phone assistant's calls.
pub async fn allow_llm(pool: &PgPool, admin: i64) {
    let mut document = super::policy::active_document(pool).await;
    let phone = document
        .sources
        .iter_mut()
        .find(|source| source.id == "phone")
        .expect("the phone source");
    phone.operations.llm.allowed = true;
    super::policy::approve(pool, admin, &document).await;
}

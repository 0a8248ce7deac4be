//! The LLM endpoint of the tests: a real OpenAI-compatible server with a real small model
//! (scripts/lib/llm_endpoint.py), started by scripts/test, which names its port and the file it
//! records each arriving request to in LLM_TEST_PORT and LLM_TEST_RECORD.

use std::{sync::Arc, time::Duration};

use app::llm::{
    client::{ClientSettings, LlmClient, LlmHelp},
    endpoint::Endpoint,
};
use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::Login;

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

/// The concern of [`call_with_everything`].
pub const CONCERN: &str = "Frau Müller (geb. 02.03.1984) bittet um ein Rezept für Ibuprofen 600 und \
                       Rückruf unter 030 1234567, Mail maria.mueller@example.de, Erstattung auf \
                       IBAN DE89 3704 0044 0532 0130 00.";

/// Sends `method` `uri` with `body` as `login`'s program, through the app with `client`.
pub async fn rest(
    pool: &PgPool,
    client: &Arc<LlmClient>,
    login: &Login,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, &login.bearer)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |body| Body::from(body.to_string())))
        .expect("request");
    let response = super::send(app(pool, client.clone()), request).await;
    let status = response.status();
    let text = super::body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Asks for a suggestion for `call` through the REST API.
pub async fn ask(
    pool: &PgPool,
    client: &Arc<LlmClient>,
    login: &Login,
    call: i64,
) -> (StatusCode, Value) {
    let uri = format!("/api/v1/calls/{call}/suggestion");
    rest(pool, client, login, Method::POST, &uri, Some(json!({}))).await
}

/// A call of Maria Müller whose concern ([`CONCERN`]) holds her name, date of birth, number, an
/// e-mail address and an IBAN.
pub async fn call_with_everything(pool: &PgPool) -> i64 {
    let id = super::calls::personal_call(pool).await;
    sqlx::query("update calls set topic = $2 where id = $1")
        .bind(id)
        .bind(CONCERN)
        .execute(pool)
        .await
        .expect("concern");
    id
}

/// The call's ledger: outcome, detail, what was sent and what came back.
pub async fn ledger(
    pool: &PgPool,
    call: i64,
) -> Vec<(String, String, Option<Value>, Option<String>)> {
    sqlx::query_as(
        "select outcome, detail, prompt, answer from llm_requests where call_id = $1 order by id",
    )
    .bind(call)
    .fetch_all(pool)
    .await
    .expect("ledger")
}

/// A call of an anonymous caller about `topic`.
pub async fn call_about(pool: &PgPool, topic: &str) -> i64 {
    let call = super::calls::NewCall {
        topic,
        ..super::calls::NewCall::default()
    };
    super::calls::insert_call(pool, call).await
}

//! What keeps a call's data from leaving for the LLM endpoint: the source policy and blocking
//! PII rules send nothing, a redirect is not followed, no endpoint configured sends nothing, the
//! endpoint down answers 503 and breaks nothing else, the circuit opens after failures, and the
//! retention purge takes the ledger with the call.

mod common;

use std::time::Duration;

use app::{
    audit::Actor,
    domain::{CallId, Role},
    llm::client::LlmClient,
};
use axum::http::StatusCode;
use common::{
    calls::{NewCall, insert_call},
    llm::{self, allow_llm, ask, call_with_everything, ledger, received, unique_ident},
    requests::server_fn,
};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_source_without_llm_in_the_policy_sends_nothing(pool: PgPool) {
    let agent = common::login(&pool, Role::Agent).await;
    let call = call_with_everything(&pool).await;
    let ident = unique_ident("richtlinie");
    let client = llm::client(llm::port(), &ident);

    let (status, body) = ask(&pool, &client, &agent, call).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "llm_refused");
    assert_eq!(body["error"]["llm_reason"], "operation_not_allowed");
    assert!(received(&ident).is_empty(), "nothing reached the endpoint");
    let rows = ledger(&pool, call).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "refused");
    assert_eq!(rows[0].2, None);
    let blocked = common::count(
        &pool,
        "select count(*) from blocked_content_log where operation = 'llm'",
    )
    .await;
    assert_eq!(blocked, 1, "the refusal is in the blocked-content log");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_blocking_rule_sends_nothing(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let mut document = common::policy::active_document(&pool).await;
    document.sources[0].operations.llm.allowed = true;
    let iban = document
        .pii_rules
        .iter_mut()
        .find(|rule| rule.name == "IBAN")
        .expect("the IBAN rule");
    iban.severity = app::compliance::pii::Severity::Block;
    common::policy::approve(&pool, admin.user_id, &document).await;
    let call = call_with_everything(&pool).await;
    let ident = unique_ident("gesperrt");
    let client = llm::client(llm::port(), &ident);

    let (status, body) = ask(&pool, &client, &admin, call).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["llm_reason"], "pii_blocked");
    assert!(received(&ident).is_empty());
    let rows = ledger(&pool, call).await;
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("blocked", "pii_blocked:IBAN")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_endpoint_down_answers_503_and_everything_else_works(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    allow_llm(&pool, admin.user_id).await;
    let call = insert_call(&pool, NewCall::default()).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("its address").port();
    drop(closed);
    let client = llm::client(port, "empfang");

    let (status, body) = ask(&pool, &client, &agent, call).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "llm_unavailable");
    let rows = ledger(&pool, call).await;
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("unreachable", "connect")
    );

    let (status, panel) =
        server_fn(&pool, &agent, "llm/suggestion_panel", json!({ "id": call })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(panel["last_failure"], json!(["unreachable", "connect"]));
    let change = json!({ "id": call, "version": 1, "status": "DONE", "comment": null });
    let (status, _) = server_fn(&pool, &agent, "set_call_status", change).await;
    assert_eq!(status, StatusCode::OK, "the rest of the app is unaffected");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_redirect_from_the_endpoint_is_not_followed(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    allow_llm(&pool, admin.user_id).await;
    let call = insert_call(&pool, NewCall::default()).await;
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let port = elsewhere.local_addr().expect("its address").port();
    // The test endpoint answers this ident with a redirect to that other port.
    let client = llm::client(llm::port(), &format!("umleitung-{port}"));

    let (status, body) = ask(&pool, &client, &admin, call).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let rows = ledger(&pool, call).await;
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("failed", "status_307")
    );
    let contacted = tokio::time::timeout(Duration::from_millis(300), elsewhere.accept()).await;
    assert!(contacted.is_err(), "the redirect's target was contacted");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_an_endpoint_nothing_is_configured_to_be_sent(pool: PgPool) {
    let agent = common::login(&pool, Role::Agent).await;
    let call = insert_call(&pool, NewCall::default()).await;
    let (status, body) = server_fn(
        &pool,
        &agent,
        "llm/request_suggestion",
        json!({ "id": call }),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (_, panel) = server_fn(&pool, &agent, "llm/suggestion_panel", json!({ "id": call })).await;
    assert_eq!(panel["configured"], false);
    assert_eq!(
        common::count(&pool, "select count(*) from llm_requests").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_retention_purge_takes_the_ledger_with_the_call(pool: PgPool) {
    use app::{
        domain::PurgeTrigger,
        llm::{
            Outcome,
            answer::Usage,
            ledger::{self, NewEntry},
        },
        retention::{self, PurgeOptions},
    };
    let old = insert_call(
        &pool,
        NewCall {
            received_at: chrono::Utc::now() - chrono::TimeDelta::days(40),
            ..NewCall::default()
        },
    )
    .await;
    let entry = NewEntry {
        call_id: CallId(old),
        actor: Actor::System,
        model: "m",
        policy_version: 1,
        prompt: None,
        answer: None,
        usage: Usage::default(),
        latency_ms: None,
        outcome: Outcome::Refused,
        detail: "operation_not_allowed",
        parsed: None,
    };
    let mut conn = pool.acquire().await.expect("connection");
    ledger::record(&mut conn, &entry)
        .await
        .expect("a ledger row");
    drop(conn);
    let options = PurgeOptions {
        trigger: PurgeTrigger::Command,
        dry_run: false,
        import_dir: None,
        yield_to_readers: false,
    };
    retention::purge(&common::runtime(&pool), &options, |_| {})
        .await
        .expect("purge");
    assert_eq!(common::count(&pool, "select count(*) from calls").await, 0);
    assert_eq!(
        common::count(&pool, "select count(*) from llm_requests").await,
        0
    );
}

#[tokio::test]
async fn after_failures_in_a_row_the_circuit_opens_and_nothing_is_tried() {
    use app::{
        compliance::pii::{PiiRules, default_rules},
        llm::{
            client::{ClientSettings, SendError},
            endpoint::Endpoint,
            prompt::Prompt,
            redact::{Caller, redact},
        },
    };
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("its address").port();
    drop(closed);
    let endpoint = Endpoint::new(
        "127.0.0.1",
        port,
        llm::DB,
        "m",
        "a".parse().expect("an ident"),
    )
    .expect("an endpoint");
    let settings = ClientSettings {
        attempts: 1,
        breaker_failures: 2,
        ..ClientSettings::default()
    };
    let client = LlmClient::new(endpoint, settings).expect("a client");
    let rules = PiiRules::compile(&default_rules()).expect("the default rules");
    let concern = redact("Rezept", &Caller::default(), &rules).expect("nothing blocks");
    let prompt = Prompt::new("m", &["Rezept".to_owned()], &concern);
    let ident = "a".parse().expect("an ident");
    for expected in ["connect", "connect", "circuit_open", "circuit_open"] {
        let sent = client.send(&ident, &prompt).await;
        assert_eq!(
            sent.err(),
            Some(SendError::Unreachable(expected.to_owned()))
        );
    }
    assert!(!client.available());
}

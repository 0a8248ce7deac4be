//! The LLM help against a real model server (scripts/lib/llm_endpoint.py, started by
//! scripts/test): what arrives at the endpoint holds nothing personal of the call and is exactly
//! what the ledger shows; an answer that is not the asked-for JSON is discarded; the policy and
//! blocking rules send nothing; a redirect is not followed; the endpoint down answers 503 and
//! breaks nothing else; accepting is an audited change; the ledger leaves with the call.

mod common;

use std::{sync::Arc, time::Duration};

use app::{
    audit::Actor,
    domain::{CallId, Role},
    dsgvo::{Subject, erase},
    llm::client::LlmClient,
};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use common::{
    Login, body_text,
    calls::{NewCall, insert_call, personal_call},
    llm::{self, allow_llm, received, unique_ident},
    requests::server_fn,
};
use serde_json::{Value, json};
use sqlx::PgPool;

const CONCERN: &str = "Frau Müller (geb. 02.03.1984) bittet um ein Rezept für Ibuprofen 600 und \
                       Rückruf unter 030 1234567, Mail maria.mueller@example.de, Erstattung auf \
                       IBAN DE89 3704 0044 0532 0130 00.";

/// Sends `method` `uri` with `body` as `login`'s program, through the app with `client`.
async fn rest(
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
    let response = common::send(llm::app(pool, client.clone()), request).await;
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn ask(
    pool: &PgPool,
    client: &Arc<LlmClient>,
    login: &Login,
    call: i64,
) -> (StatusCode, Value) {
    let uri = format!("/api/v1/calls/{call}/suggestion");
    rest(pool, client, login, Method::POST, &uri, Some(json!({}))).await
}

/// A call of Maria Müller whose concern holds her name, date of birth, number, an e-mail
/// address and an IBAN.
async fn call_with_everything(pool: &PgPool) -> i64 {
    let id = personal_call(pool).await;
    sqlx::query("update calls set topic = $2 where id = $1")
        .bind(id)
        .bind(CONCERN)
        .execute(pool)
        .await
        .expect("concern");
    id
}

fn field(value: &Value) -> &str {
    value.as_str().expect("a text field")
}

async fn ledger(pool: &PgPool, call: i64) -> Vec<(String, String, Option<Value>, Option<String>)> {
    sqlx::query_as(
        "select outcome, detail, prompt, answer from llm_requests where call_id = $1 order by id",
    )
    .bind(call)
    .fetch_all(pool)
    .await
    .expect("ledger")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_suggestion_comes_from_the_model_and_nothing_personal_reaches_it(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    allow_llm(&pool, admin.user_id).await;
    let call = call_with_everything(&pool).await;
    let ident = unique_ident("empfang");
    let client = llm::client(llm::port(), &ident);

    let (status, suggestion) = ask(&pool, &client, &agent, call).await;
    assert_eq!(status, StatusCode::OK, "{suggestion}");
    let categories = [
        "Rezept",
        "Termin",
        "Überweisung",
        "Befund",
        "AU",
        "Rückruf",
        "Sonstiges",
    ];
    assert!(
        categories.contains(&field(&suggestion["category"])),
        "{suggestion}"
    );
    assert!(["low", "normal", "high", "urgent"].contains(&field(&suggestion["urgency"])));
    assert!(!field(&suggestion["summary"]).is_empty());
    assert_eq!(suggestion["model"], "smollm2-135m");

    let arrived = received(&ident);
    assert_eq!(arrived.len(), 1, "one request reached the endpoint");
    let text = arrived[0].to_string();
    for personal in [
        "Müller",
        "Maria",
        "02.03.1984",
        "1234567",
        "maria.mueller",
        "example.de",
        "DE89",
        "3704",
    ] {
        assert!(
            !text.contains(personal),
            "{personal:?} reached the endpoint: {text}"
        );
    }
    for placeholder in [
        "[NAME]",
        "[GEBURTSDATUM]",
        "[TELEFON]",
        "[E-MAIL]",
        "[IBAN]",
    ] {
        assert!(text.contains(placeholder), "{placeholder} missing: {text}");
    }
    assert!(text.contains("Rezept für Ibuprofen 600"), "{text}");

    let rows = ledger(&pool, call).await;
    assert_eq!(rows.len(), 1);
    let (outcome, _, prompt, answer) = &rows[0];
    assert_eq!(outcome, "ok");
    assert_eq!(
        prompt.as_ref(),
        Some(&arrived[0]),
        "the ledger shows exactly what was sent"
    );
    assert!(
        answer
            .as_deref()
            .is_some_and(|a| a.contains(field(&suggestion["category"])))
    );
    let diff: Value = sqlx::query_scalar(
        "select diff from actions_audit where action_type = 'llm_request' and call_id = $1",
    )
    .bind(call)
    .fetch_one(&pool)
    .await
    .expect("an llm_request audit row");
    assert_eq!(diff["outcome"], "ok");
    assert!(
        !diff.to_string().contains("Ibuprofen"),
        "no text in the chain: {diff}"
    );

    let uri = format!("/api/v1/calls/{call}/suggestion");
    let (status, latest) = rest(&pool, &client, &agent, Method::GET, &uri, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(latest, suggestion);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_answer_that_is_not_the_json_asked_for_is_discarded(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    allow_llm(&pool, admin.user_id).await;
    let call = insert_call(
        &pool,
        NewCall {
            topic: "Rezept abholen",
            ..NewCall::default()
        },
    )
    .await;
    // The test endpoint lets the model answer with 4 tokens for this ident: cut-off JSON.
    let client = llm::client(llm::port(), "knapp");

    let (status, body) = ask(&pool, &client, &admin, call).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
    assert_eq!(body["error"]["code"], "llm_invalid_answer");
    let rows = ledger(&pool, call).await;
    assert_eq!(rows.len(), 1);
    let (outcome, detail, prompt, answer) = &rows[0];
    assert_eq!(
        (outcome.as_str(), detail.as_str()),
        ("invalid_answer", "not_json")
    );
    assert!(prompt.is_some() && answer.as_deref().is_some_and(|a| !a.is_empty()));
    let uri = format!("/api/v1/calls/{call}/suggestion");
    let (status, _) = rest(&pool, &client, &admin, Method::GET, &uri, None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a discarded answer is no suggestion"
    );
}

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
async fn accepting_a_suggestion_is_an_audited_change_and_the_ledger_goes_with_the_call(
    pool: PgPool,
) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    allow_llm(&pool, admin.user_id).await;
    let call = insert_call(
        &pool,
        NewCall {
            topic: "Überweisung zum Orthopäden",
            ..NewCall::default()
        },
    )
    .await;
    let client = llm::client(llm::port(), &unique_ident("annahme"));
    let (status, suggestion) = ask(&pool, &client, &agent, call).await;
    assert_eq!(status, StatusCode::OK, "{suggestion}");

    let (status, page) = server_fn(
        &pool,
        &agent,
        "list_calls",
        json!({ "query": {}, "at": "first" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        page["items"][0]["suggestion"]["category"], suggestion["category"],
        "{page}"
    );
    let accept = json!({ "id": call, "version": 1, "suggestion_id": suggestion["id"] });
    let (status, changed) = server_fn(&pool, &agent, "llm/accept_suggestion", accept.clone()).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["category"], suggestion["category"]);
    assert_eq!(changed["priority"], suggestion["urgency"]);
    assert_eq!(changed["version"], 2);
    let (status, again) = server_fn(&pool, &agent, "llm/accept_suggestion", accept).await;
    assert_eq!(
        (status, &again["version"]),
        (StatusCode::OK, &json!(2)),
        "accepting twice changes nothing"
    );
    let diff: Value = sqlx::query_scalar(
        "select diff from actions_audit where action_type = 'suggestion_accepted' and call_id = $1",
    )
    .bind(call)
    .fetch_one(&pool)
    .await
    .expect("one audit row");
    assert_eq!(diff["category"]["new"], suggestion["category"]);
    let other = json!({ "id": call, "version": 2, "suggestion_id": 999_999 });
    let (status, body) = server_fn(&pool, &agent, "llm/accept_suggestion", other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    let report = erase::erase(
        &common::runtime(&pool),
        &common::tombstones(),
        Actor::User(admin.user_id),
        &Subject::Call(CallId(call)),
        "Löschantrag nach Art. 17",
    )
    .await
    .expect("erased");
    assert_eq!(report.llm_requests, 1);
    assert_eq!(
        common::count(&pool, "select count(*) from llm_requests").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_automatic_mode_suggests_calls_that_arrive_after_it_is_switched_on(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    allow_llm(&pool, admin.user_id).await;
    let before = insert_call(
        &pool,
        NewCall {
            topic: "Termin verschieben",
            ..NewCall::default()
        },
    )
    .await;
    let settings = app::llm::LlmSettings {
        auto_mode: true,
        categories: vec!["Rezept".into(), "Termin".into(), "Sonstiges".into()],
    };
    app::llm::settings::save(
        &common::runtime(&pool),
        Actor::User(admin.user_id),
        settings,
    )
    .await
    .expect("saved")
    .expect("valid");
    let mut new = Vec::new();
    for topic in [
        "Rezept Ramipril",
        "Termin zur Blutabnahme",
        "Frage zur Rechnung",
    ] {
        new.push(
            insert_call(
                &pool,
                NewCall {
                    topic,
                    ..NewCall::default()
                },
            )
            .await,
        );
    }
    let client = llm::client(llm::port(), &unique_ident("automatisch"));

    let run = server::jobs::suggestions::run(&common::runtime(&pool), &client)
        .await
        .expect("a run");
    assert_eq!(run["suggested"], 3, "{run}");
    let suggested: Vec<i64> = sqlx::query_scalar(
        "select call_id from llm_requests where outcome = 'ok' and requested_by is null order by call_id",
    )
    .fetch_all(&pool)
    .await
    .expect("ledger");
    assert_eq!(
        suggested, new,
        "only calls after switching it on, by the automatic mode"
    );
    assert!(!suggested.contains(&before));
    let again = server::jobs::suggestions::run(&common::runtime(&pool), &client)
        .await
        .expect("a second run");
    assert_eq!(again["calls"], 0, "a call is suggested once: {again}");
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

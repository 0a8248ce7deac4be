//! The LLM help against a real model server (scripts/lib/llm_endpoint.py, started by
//! scripts/test): what arrives at the endpoint holds nothing personal of the call and is exactly
//! what the ledger shows; an answer that is not the asked-for JSON is discarded; accepting is an
//! audited change; the ledger leaves with the erased call; the automatic mode. What keeps data
//! from leaving is in tests/llm_guards.rs.

mod common;

use app::{
    audit::Actor,
    domain::{CallId, Role},
    dsgvo::{Subject, erase},
};
use axum::http::{Method, StatusCode};
use common::{
    llm::{
        self, allow_llm, ask, call_about, call_with_everything, ledger, received, rest,
        unique_ident,
    },
    requests::server_fn,
};
use serde_json::{Value, json};
use sqlx::PgPool;

fn field(value: &Value) -> &str {
    value.as_str().expect("a text field")
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
    let call = call_about(&pool, "Rezept abholen").await;
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
async fn accepting_a_suggestion_is_an_audited_change_and_the_ledger_goes_with_the_call(
    pool: PgPool,
) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    allow_llm(&pool, admin.user_id).await;
    let call = call_about(&pool, "Überweisung zum Orthopäden").await;
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
    let before = call_about(&pool, "Termin verschieben").await;
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
        new.push(call_about(&pool, topic).await);
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

//! What the source policy lets through, on real PostgreSQL through REST: tokens of the scope
//! `compliance` ask the live check and reach nothing else; calls of a source whose `lookup` is
//! off are hidden from agents (list, detail, changes) but not from admins; notes are screened
//! by the PII rules (blocked and logged, or stored redacted).

mod common;

use app::{
    audit::Actor,
    auth::tokens::{self, TokenRequest},
    compliance::policy::{Operations, Permission, Source},
    domain::{Role, TokenScope},
};
use axum::http::{Method, StatusCode};
use common::{
    callers::{ids, rest},
    calls::{NewCall, insert_call},
    policy::{active_document, approve},
};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_compliance_token_asks_the_live_check_and_reaches_nothing_else(pool: PgPool) {
    let service: i64 = sqlx::query_scalar(
        "insert into users (name, email, role, is_service)
         values ('LLM-Dienst', 'llm@praxis.test', 'AGENT', true) returning id",
    )
    .fetch_one(&pool)
    .await
    .expect("a service account");
    let request = TokenRequest {
        user_id: service,
        scope: TokenScope::Compliance,
        name: "Richtlinienprüfung",
    };
    let token = tokens::create(&pool, Actor::System, request)
        .await
        .expect("a compliance token");
    let scoped = common::Login {
        user_id: service,
        cookie: String::new(),
        bearer: format!("Bearer {}", token.secret),
    };
    let question = json!({"source": "phone", "operation": "lookup"});

    let (status, answer) = rest(
        &pool,
        &scoped,
        Method::POST,
        "/api/v1/compliance/check",
        Some(question.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["allowed"], true);
    for (method, uri) in [
        (Method::GET, "/api/v1/calls"),
        (Method::GET, "/api/v1/compliance/policies"),
        (Method::GET, "/metrics"),
    ] {
        let (status, _) = rest(&pool, &scoped, method, uri, None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{uri}: a compliance token is no one here"
        );
    }

    let agent = common::login(&pool, Role::Agent).await;
    let (status, _) = rest(
        &pool,
        &agent,
        Method::POST,
        "/api/v1/compliance/check",
        Some(question),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an agent's REST token does not ask the policy"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn calls_of_a_source_without_lookup_are_hidden_from_agents_but_not_from_admins(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    let mut document = active_document(&pool).await;
    document.sources.push(Source {
        id: "webform".to_owned(),
        name: "Webformular".to_owned(),
        legal_basis: "Art. 6 Abs. 1 lit. b DSGVO".to_owned(),
        notes: String::new(),
        active: true,
        operations: Operations {
            lookup: Permission {
                allowed: false,
                needs_justification: false,
            },
            ..Operations::DEFAULT
        },
    });
    approve(&pool, admin.user_id, &document).await;
    let phone = insert_call(&pool, NewCall::default()).await;
    let web = insert_call(&pool, NewCall::default()).await;
    sqlx::query("update calls set source = 'webform' where id = $1")
        .bind(web)
        .execute(&pool)
        .await
        .expect("a call of the web form");
    let detail = format!("/api/v1/calls/{web}");
    let status_change = format!("/api/v1/calls/{web}/status");
    let start = json!({"status": "IN_PROGRESS", "version": 1});

    let (_, page) = rest(&pool, &agent, Method::GET, "/api/v1/calls", None).await;
    assert_eq!(
        ids(&page),
        [phone],
        "agents see the phone assistant's call only"
    );
    let (status, _) = rest(&pool, &agent, Method::GET, &detail, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = rest(
        &pool,
        &agent,
        Method::PATCH,
        &status_change,
        Some(start.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor can they change it");

    let (_, page) = rest(&pool, &admin, Method::GET, "/api/v1/calls", None).await;
    let mut seen = ids(&page);
    seen.sort_unstable();
    assert_eq!(seen, [phone, web], "admins see every call");
    assert_eq!(
        source_names(&page),
        [("phone", "Telefonassistent"), ("webform", "Webformular")],
        "each with its source's display name"
    );
    let (status, call) = rest(&pool, &admin, Method::PATCH, &status_change, Some(start)).await;
    assert_eq!(
        (status, &call["status"]),
        (StatusCode::OK, &json!("IN_PROGRESS"))
    );

    document.sources[1].operations.lookup.allowed = true;
    approve(&pool, admin.user_id, &document).await;
    let (_, page) = rest(&pool, &agent, Method::GET, "/api/v1/calls", None).await;
    assert_eq!(ids(&page).len(), 2, "switched on again, agents see it");

    document.sources[0].name = "Telefon-KI".to_owned();
    document.sources.truncate(1);
    approve(&pool, admin.user_id, &document).await;
    let (_, page) = rest(&pool, &admin, Method::GET, "/api/v1/calls", None).await;
    assert_eq!(
        source_names(&page),
        [("phone", "Telefon-KI"), ("webform", "webform")],
        "a renamed source shows its new name, a removed one its id"
    );
}

/// The (source, display name) pairs of a page, by source.
fn source_names(page: &serde_json::Value) -> Vec<(&str, &str)> {
    let mut names: Vec<(&str, &str)> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["source"].as_str().expect("source"),
                item["source_name"].as_str().expect("source name"),
            )
        })
        .collect();
    names.sort_unstable();
    names
}

#[sqlx::test(migrations = "../migrations")]
async fn a_note_is_screened_by_the_pii_rules_blocked_or_redacted(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    let mut document = active_document(&pool).await;
    let mut rule = document.pii_rules[0].clone();
    rule.name = "Kontodaten".to_owned();
    rule.kind = app::compliance::pii::RuleKind::Keyword;
    rule.pattern = "Kontonummer".to_owned();
    rule.severity = app::compliance::pii::Severity::Block;
    document.pii_rules.push(rule);
    approve(&pool, admin.user_id, &document).await;
    let id = insert_call(&pool, NewCall::default()).await;
    let notes = format!("/api/v1/calls/{id}/notes");

    let blocked = json!({"note": "Neue Kontonummer liegt vor"});
    let (status, answer) = rest(&pool, &agent, Method::POST, &notes, Some(blocked)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["error"]["reason"], "note_pii_blocked");
    let logged: (String, Option<String>, Option<i64>) = sqlx::query_as(
        "select reason, rule, actor_id from blocked_content_log order by id desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a blocked entry");
    assert_eq!(
        logged,
        (
            "pii_blocked".to_owned(),
            Some("Kontodaten".to_owned()),
            Some(agent.user_id)
        )
    );

    let redacted = json!({"note": "IBAN DE02 1203 0000 0000 2020 51 bitte prüfen"});
    let (status, note) = rest(&pool, &agent, Method::POST, &notes, Some(redacted)).await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert_eq!(note["body"], "IBAN [IBAN] bitte prüfen");
    let stored: Vec<String> = sqlx::query_scalar("select body from notes where call_id = $1")
        .bind(id)
        .fetch_all(&pool)
        .await
        .expect("notes");
    assert_eq!(
        stored,
        ["IBAN [IBAN] bitte prüfen"],
        "the blocked note was not stored"
    );
}

//! The compliance API (seed 003 §3.2) on real PostgreSQL: the live check for every cell of the
//! matrix, the rule tester agreeing with the import, four eyes through REST, and bad input with
//! a clear message each.

mod common;

use app::domain::Role;
use axum::http::{Method, StatusCode};
use common::callers::rest;
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn the_live_check_answers_every_cell_of_the_matrix_with_reason_and_version(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let cells = [
        ("phone", "lookup", None, true, None),
        ("phone", "llm", None, false, Some("operation_not_allowed")),
        ("phone", "export", Some("Auskunft"), true, None),
        (
            "phone",
            "export",
            None,
            false,
            Some("justification_missing"),
        ),
        (
            "phone",
            "training",
            Some("Auskunft"),
            false,
            Some("training_forbidden"),
        ),
        ("fax", "lookup", None, false, Some("source_not_allowed")),
    ];
    for (source, operation, justification, allowed, reason) in cells {
        let body =
            json!({"source": source, "operation": operation, "justification": justification});
        let (status, answer) = rest(
            &pool,
            &admin,
            Method::POST,
            "/api/v1/compliance/check",
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["allowed"], allowed, "{source} {operation}: {answer}");
        assert_eq!(answer["reason"], json!(reason), "{source} {operation}");
        assert_eq!(answer["policy_version"], 1);
    }

    let body = json!({"source": "phone", "operation": "scraping"});
    let (status, answer) = rest(
        &pool,
        &admin,
        Method::POST,
        "/api/v1/compliance/check",
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("unknown variant `scraping`"), "{message}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_rule_tester_finds_what_the_import_redacts_and_names_a_broken_pattern(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let text = "Konto DE02 1203 0000 0000 2020 51, geb. 12.3.80, Tel. 0171 1234567, Größe 178 cm";
    let (status, answer) = rest(
        &pool,
        &admin,
        Method::POST,
        "/api/v1/compliance/pii-rules/test",
        Some(json!({"text": text})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let found: Vec<(&str, &str)> = answer["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let at = |key: &str| usize::try_from(f[key].as_u64().expect("offset")).expect("fits");
            (
                f["label"].as_str().unwrap_or_default(),
                &text[at("start")..at("end")],
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("IBAN", "DE02 1203 0000 0000 2020 51"),
            ("GEBURTSDATUM", "geb. 12.3.80"),
            ("TELEFON", "0171 1234567"),
        ]
    );

    let broken = json!({"text": "x", "rules": [{
        "name": "kaputt", "label": "X", "kind": "regex", "pattern": "[a-", "severity": "warn", "active": true
    }]});
    let (status, answer) = rest(
        &pool,
        &admin,
        Method::POST,
        "/api/v1/compliance/pii-rules/test",
        Some(broken),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("\"kaputt\" does not compile"), "{message}");
}

#[sqlx::test(migrations = "../migrations")]
async fn through_rest_a_draft_needs_a_second_admin_and_an_agent_sees_nothing(pool: PgPool) {
    let author = common::login(&pool, Role::Admin).await;
    let (_, versions) = rest(
        &pool,
        &author,
        Method::GET,
        "/api/v1/compliance/policies",
        None,
    )
    .await;
    let mut document: Value = versions[0]["document"].clone();
    document["sources"][0]["operations"]["llm"]["allowed"] = json!(true);
    let (status, draft) = rest(
        &pool,
        &author,
        Method::PUT,
        "/api/v1/compliance/policies/draft",
        Some(document),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["version"], 2);

    let (status, refused) = rest(
        &pool,
        &author,
        Method::POST,
        "/api/v1/compliance/policies/2/approve",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["reason"], "four_eyes");

    let second_id = common::calls::insert_user(&pool, "Zweite Admin", true).await;
    sqlx::query("update users set role = 'ADMIN' where id = $1")
        .bind(second_id)
        .execute(&pool)
        .await
        .expect("second admin");
    let second = common::login_as(&pool, second_id).await;
    let (status, approved) = rest(
        &pool,
        &second,
        Method::POST,
        "/api/v1/compliance/policies/2/approve",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["content_hash"].as_str().map(str::len), Some(64));
    let body = json!({"source": "phone", "operation": "llm"});
    let (_, answer) = rest(
        &pool,
        &second,
        Method::POST,
        "/api/v1/compliance/check",
        Some(body),
    )
    .await;
    assert_eq!(
        (answer["allowed"].clone(), answer["policy_version"].clone()),
        (json!(true), json!(2))
    );

    let agent = common::login(&pool, Role::Agent).await;
    let (status, _) = rest(
        &pool,
        &agent,
        Method::GET,
        "/api/v1/compliance/policies",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

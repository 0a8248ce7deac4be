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

#[sqlx::test(migrations = "../migrations")]
async fn the_shadow_test_counts_what_draft_rules_would_do_to_stored_concerns(pool: PgPool) {
    use chrono::{TimeDelta, Utc};
    use common::calls::{NewCall, insert_call};

    let admin = common::login(&pool, Role::Admin).await;
    let topics = [
        (0, "Erstattung auf DE89 3704 0044 0532 0130 00"),
        (1, "Bitte Kontonummer ändern"),
        (2, "Rückruf unter 0171 7654321"),
        // The caller's own number is no finding.
        (2, "Rückruf unter 030 1234567"),
        (3, "Rezept Ramipril 5 mg 1-0-1"),
        // Older than the days looked at.
        (20, "Kontonummer vom letzten Monat"),
    ];
    for (days_ago, topic) in topics {
        insert_call(
            &pool,
            NewCall {
                received_at: Utc::now() - TimeDelta::days(days_ago),
                number: Some("+49301234567"),
                topic,
                ..NewCall::default()
            },
        )
        .await;
    }
    let (_, versions) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/policies",
        None,
    )
    .await;
    let mut rules = versions[0]["document"]["pii_rules"].clone();
    rules.as_array_mut().expect("rules").push(json!({
        "name": "Kontodaten", "label": "KONTO", "kind": "keyword", "pattern": "Kontonummer",
        "severity": "block", "active": true
    }));

    let (status, report) = common::requests::server_fn(
        &pool,
        &admin,
        "compliance/shadow_test",
        json!({"rules": rules, "days": 7}),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (
            &report["scanned"],
            &report["blocked"],
            &report["redacted"],
            &report["warned"]
        ),
        (&json!(5), &json!(1), &json!(1), &json!(1)),
        "{report}"
    );
    assert_eq!(report["examples"].as_array().map(Vec::len), Some(3));
    let (status, refused) = common::requests::server_fn(
        &pool,
        &admin,
        "compliance/shadow_test",
        json!({"rules": rules, "days": 31}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        common::count(&pool, "select count(*) from policy_versions").await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_blocked_content_log_is_read_by_days_and_a_reversed_range_is_refused(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    sqlx::query(
        "insert into blocked_content_log (source, reason, rule, policy_version, file_name, line_number)
         values ('phone', 'pii_blocked', 'Kontodaten', 2, 'calls-x.jsonl', 7)",
    )
    .execute(&pool)
    .await
    .expect("a blocked entry");

    let (status, entries) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/blocked-content",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    assert_eq!(entries[0]["rule"], "Kontodaten");
    assert_eq!(entries[0]["line_number"], 7);

    let uri = "/api/v1/compliance/blocked-content?from=2026-11-10&to=2026-11-01";
    let (status, refused) = rest(&pool, &admin, Method::GET, uri, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["reason"], "range_reversed");
    let (_, none) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/blocked-content?to=2020-01-01",
        None,
    )
    .await;
    assert_eq!(none, json!([]));
}

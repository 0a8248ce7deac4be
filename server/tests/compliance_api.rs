//! The compliance API (seed 003 §3.2) on real PostgreSQL: the live check for every cell of the
//! matrix, the rule tester agreeing with the import, four eyes through REST, sources, matrix
//! and rules changed one by one in the draft, and bad input with a clear message each.

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
async fn sources_matrix_and_rules_change_one_by_one_in_the_draft_and_bad_parts_are_refused(
    pool: PgPool,
) {
    let admin = common::login(&pool, Role::Admin).await;
    let call = |method: Method, uri: &'static str, body: Option<Value>| {
        let (pool, admin) = (pool.clone(), admin.clone());
        async move { rest(&pool, &admin, method, uri, body).await }
    };
    let web =
        json!({"name": "Webformular", "legal_basis": "Art. 6 Abs. 1 lit. a DSGVO", "active": true});
    let (status, first) = call(Method::PUT, "/api/v1/compliance/sources/webform", Some(web)).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let no_llm = json!({
        "lookup": {"allowed": false, "needs_justification": false},
        "llm": {"allowed": false, "needs_justification": false},
        "export": {"allowed": true, "needs_justification": true},
    });
    let (status, second) = call(
        Method::PUT,
        "/api/v1/compliance/matrix/webform",
        Some(no_llm),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let (status, third) = call(
        Method::DELETE,
        "/api/v1/compliance/pii-rules/E-Mail-Adresse",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{third}");
    assert_eq!(first["draft"], 2);
    assert_eq!(
        (&second["draft"], &third["draft"]),
        (&json!(2), &json!(2)),
        "one draft"
    );

    let (_, versions) = call(Method::GET, "/api/v1/compliance/policies", None).await;
    let draft = &versions[0]["document"];
    assert_eq!(draft["sources"][1]["id"], "webform");
    assert_eq!(
        draft["sources"][1]["operations"]["lookup"]["allowed"],
        false
    );
    assert!(!draft["pii_rules"].to_string().contains("E-Mail-Adresse"));
    let (_, active) = call(Method::GET, "/api/v1/compliance/sources", None).await;
    assert_eq!(
        active.as_array().map(Vec::len),
        Some(1),
        "nothing is active before approval"
    );
    let (_, matrix) = call(Method::GET, "/api/v1/compliance/matrix", None).await;
    assert_eq!(matrix[0]["training_allowed"], false);

    let training = json!({
        "lookup": {"allowed": true, "needs_justification": false},
        "llm": {"allowed": true, "needs_justification": false},
        "export": {"allowed": true, "needs_justification": false},
        "training": {"allowed": true, "needs_justification": false},
    });
    let (status, refused) = call(
        Method::PUT,
        "/api/v1/compliance/matrix/phone",
        Some(training),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("unknown field `training`"), "{message}");
    let (status, missing) = call(
        Method::PUT,
        "/api/v1/compliance/matrix/fax",
        Some(json!({
            "lookup": {"allowed": true, "needs_justification": false},
            "llm": {"allowed": false, "needs_justification": false},
            "export": {"allowed": false, "needs_justification": false},
        })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        missing["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("source \"fax\"")
    );
    let broken = json!({"label": "X", "kind": "regex", "pattern": "(unclosed", "severity": "warn", "active": true});
    let (status, refused) = call(
        Method::PUT,
        "/api/v1/compliance/pii-rules/Kaputt",
        Some(broken),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("does not compile"), "{message}");
    let bad_id = json!({"name": "Fax", "legal_basis": "", "active": true});
    let (status, _) = call(
        Method::PUT,
        "/api/v1/compliance/sources/Fax%20Nummer",
        Some(bad_id),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a source id is lowercase"
    );
    let (_, versions) = call(Method::GET, "/api/v1/compliance/policies", None).await;
    assert_eq!(
        &versions[0]["document"], draft,
        "a refused change leaves the draft as it was"
    );
}

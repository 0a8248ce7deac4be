//! The compliance area's logs through REST on real PostgreSQL — the policy changes read from
//! the audit chain and the blocked-content log, by days, as JSON or CSV — and the rule that
//! keeps the retention period within the policy's, at approval and at start.

mod common;

use app::{
    compliance::{ComplianceError, approval, store},
    domain::{Invalid, Retention, Role},
};
use axum::http::{Method, StatusCode};
use chrono::{Days, Utc};
use common::{callers::rest, policy};
use serde_json::{Value, json};
use sqlx::{PgPool, postgres::PgPoolOptions};

#[sqlx::test(migrations = "../migrations")]
async fn policy_changes_are_read_from_the_audit_chain_by_days_as_json_or_csv(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    let runtime = common::runtime(&pool);
    let mut document = policy::active_document(&pool).await;
    document.sources[0].notes = "geprüft".to_owned();
    let version = policy::approve(&pool, admin.user_id, &document).await;
    approval::set_self_approval(&runtime, admin.user_id, true)
        .await
        .expect("setting");

    let (status, log) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/policy-audit",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<(String, Value, Value)> = log
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| {
            (
                entry["action"].as_str().expect("action").to_owned(),
                entry["version"].clone(),
                entry["actor"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "self_approval_changed".to_owned(),
                Value::Null,
                json!("Test ADMIN")
            ),
            (
                "policy_approved".to_owned(),
                json!(version),
                json!("Zweite")
            ),
            (
                "policy_drafted".to_owned(),
                json!(version),
                json!("Test ADMIN")
            ),
            ("policy_approved".to_owned(), json!(1), Value::Null),
        ],
        "newest first, the system's installation of version 1 last"
    );
    let approved = &log[1];
    assert_eq!(approved["row_hash"].as_str().map(str::len), Some(64));
    let details: Value =
        serde_json::from_str(approved["details"].as_str().expect("details")).expect("JSON");
    assert_eq!(details["content_hash"].as_str().map(str::len), Some(64));

    let tomorrow = (Utc::now() + Days::new(2)).date_naive();
    let later = format!("/api/v1/compliance/policy-audit?from={tomorrow}");
    let (_, log) = rest(&pool, &admin, Method::GET, &later, None).await;
    assert_eq!(log, json!([]), "nothing happened after today");

    let (status, csv) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/policy-audit?format=csv",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = csv.as_str().expect("CSV text");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "position,occurred_at,actor,action,version,details,row_hash"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(
        lines[2].contains(",Zweite,policy_approved,2,"),
        "{}",
        lines[2]
    );

    let reversed = "/api/v1/compliance/policy-audit?from=2026-12-02&to=2026-12-01";
    let (status, error) = rest(&pool, &admin, Method::GET, reversed, None).await;
    assert_eq!(
        (status, &error["error"]["reason"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("range_reversed"))
    );
    let (status, _) = rest(
        &pool,
        &agent,
        Method::GET,
        "/api/v1/compliance/policy-audit",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn blocked_content_downloads_as_csv_with_formulas_defused(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    sqlx::query(
        "insert into blocked_content_log (source, reason, rule, policy_version, file_name, line_number)
         values ('phone', 'pii_blocked', '=HYPERLINK(\"x\")', 1, 'calls-a.jsonl', 3),
                ('fax', 'source_not_allowed', null, 1, 'calls-a.jsonl', 4)",
    )
    .execute(&pool)
    .await
    .expect("refusals");

    let (_, json) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/blocked-content",
        None,
    )
    .await;
    assert_eq!(json.as_array().map(Vec::len), Some(2));
    let (status, csv) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/blocked-content?format=csv",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csv = csv.as_str().expect("CSV text");
    assert!(
        csv.starts_with(
            "occurred_at,source,reason,operation,rule,policy_version,actor,file_name,line_number\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(",phone,pii_blocked,,\"'=HYPERLINK(\"\"x\"\")\",1,,calls-a.jsonl,3\n"),
        "a rule name a spreadsheet would run is defused: {csv}"
    );
    assert!(csv.contains(",fax,source_not_allowed,,,1,,calls-a.jsonl,4\n"));

    let (status, error) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/blocked-content?format=xml",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.to_string().contains("xml"), "{error}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_retention_period_stays_within_the_policy_at_approval_and_at_start(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let runtime = common::runtime(&pool);
    let mut document = policy::active_document(&pool).await;
    document.retention_days = 14;
    let second = policy::second_admin(&pool).await;
    let version = approval::save_draft(&runtime, admin.user_id, &document)
        .await
        .expect("a draft");

    let refused = approval::approve(&runtime, second, version).await;
    assert!(
        matches!(
            refused,
            Err(ComplianceError::Invalid {
                reason: Invalid::PolicyRetentionBelowServer,
                ..
            })
        ),
        "a server keeping 30 days cannot approve 14: {refused:?}"
    );
    assert_eq!(store::active(&runtime).await.expect("policy").version, 1);

    let keeps_14_days = PgPoolOptions::new().max_connections(2).connect_lazy_with(
        (*runtime.connect_options())
            .clone()
            .options([("anrufe.retention_days", "14")]),
    );
    approval::approve(&keeps_14_days, second, version)
        .await
        .expect("a server keeping 14 days approves it");

    let fourteen = Retention::try_from(14).expect("14 days");
    let started = store::at_start(&keeps_14_days, fourteen).await;
    assert_eq!(started.expect("starts").version, version);
    let error = store::at_start(&runtime, Retention::MAX)
        .await
        .expect_err("30 days are longer than the policy's 14");
    assert_eq!(
        error.to_string(),
        "a retention period of 30 days (RETENTION_DAYS) is longer than the 14 days of the active \
         source policy (version 2); lower RETENTION_DAYS, or have a policy with a longer period \
         approved first"
    );
}

//! The compliance report on real PostgreSQL: the JSON matches its published schema and is
//! byte-identical when made again, the PDF renders (Debian's poppler: `pdftoppm`, `pdftotext`)
//! with the practice's name, page numbers and the report's content in German, each download is
//! an audit row, and bad periods or formats get a clear message. The blocked-content log is
//! read by days.

mod common;

use std::process::Command;

use app::{
    compliance::{approval, store},
    domain::Role,
};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use common::{Login, callers::rest};
use serde_json::{Value, json};
use sqlx::PgPool;

const SCHEMA: &str = include_str!("../../app/src/compliance/report/schema.json");

/// The status, content type and body of a GET.
async fn download(pool: &PgPool, login: &Login, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::get(uri)
        .header(header::AUTHORIZATION, &login.bearer)
        .body(Body::empty())
        .expect("request");
    let response = common::send(common::requests::app(pool), request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, common::body_bytes(response).await)
}

/// A period with a policy change (a rule added by one admin, approved by another), refusals of
/// two kinds, and a purge run.
async fn eventful_period(pool: &PgPool, admin: &Login) {
    let runtime = common::runtime(pool);
    let second: i64 = sqlx::query_scalar(
        "insert into users (name, email, role) values ('Dr. Zweitprüferin', 'zwei@praxis.test', 'ADMIN') returning id",
    )
    .fetch_one(pool)
    .await
    .expect("a second admin");
    let mut document = store::active(&runtime).await.expect("policy").document;
    let mut rule = document.pii_rules[0].clone();
    rule.name = "Kontodaten".to_owned();
    rule.kind = app::compliance::pii::RuleKind::Keyword;
    rule.pattern = "Kontonummer".to_owned();
    document.pii_rules.push(rule);
    let version = approval::save_draft(&runtime, admin.user_id, &document)
        .await
        .expect("a draft");
    approval::approve(&runtime, second, version)
        .await
        .expect("approved by the second admin");
    sqlx::query(
        "insert into blocked_content_log (source, reason, rule, policy_version, file_name, line_number)
         values ('phone', 'pii_blocked', 'Kontodaten', 2, 'calls-x.jsonl', 7),
                ('fax', 'source_not_allowed', null, 2, 'calls-x.jsonl', 8),
                ('fax', 'source_not_allowed', null, 2, 'calls-x.jsonl', 9)",
    )
    .execute(pool)
    .await
    .expect("blocked entries");
    sqlx::query(
        r#"insert into purge_runs (finished_at, trigger, dry_run, retention_days, cutoff, counts, outcome)
           values (now(), 'schedule', false, 30, now() - interval '30 days', '{"calls": 12, "notes": 3}', 'ok'),
                  (now(), 'command', true, 30, now() - interval '30 days', '{"calls": 99}', 'ok')"#,
    )
    .execute(pool)
    .await
    .expect("purge runs");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_json_report_matches_its_schema_holds_the_period_and_is_the_same_when_made_again(
    pool: PgPool,
) {
    let admin = common::login(&pool, Role::Admin).await;
    eventful_period(&pool, &admin).await;
    let today = chrono::Utc::now()
        .with_timezone(&app::domain::BERLIN)
        .date_naive();
    let uri = format!("/api/v1/compliance/report?format=json&from={today}&to={today}");

    let (status, content_type, first) = download(&pool, &admin, &uri).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&first)
    );
    assert_eq!(content_type, "application/json");
    let (_, _, again) = download(&pool, &admin, &uri).await;
    assert_eq!(
        first, again,
        "the same period and policy give the same bytes"
    );

    let report: Value = serde_json::from_slice(&first).expect("JSON");
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    assert_eq!(report["schema"], "anrufe.compliance-report.v1");
    assert_eq!(report["practice"], "Praxis Dr. Beispiel");
    assert_eq!(report["period"], json!({"from": today, "to": today}));
    assert_eq!(report["policy"]["version"], 2);
    assert_eq!(report["policy"]["approved_by"], "Dr. Zweitprüferin");
    assert_eq!(report["training_allowed"], false);
    let changes = report["changes"].as_array().expect("changes");
    assert_eq!(
        changes.len(),
        2,
        "version 1 installed and version 2 approved today"
    );
    assert_eq!(
        changes[1]["changes"],
        json!([{"change": "rule_added", "name": "Kontodaten"}])
    );
    assert_eq!(report["blocked"]["total"], 3);
    assert_eq!(
        report["blocked"]["by_reason"],
        json!([{"key": "source_not_allowed", "count": 2}, {"key": "pii_blocked", "count": 1}])
    );
    assert_eq!(
        report["retention"]["purge_runs"], 1,
        "dry runs do not count"
    );
    assert_eq!(report["retention"]["deleted"]["calls"], 12);
    assert_eq!(report["retention"]["within_policy"], true);
    assert_eq!(report["score"], 100);

    let (_, _, yesterday) = download(
        &pool,
        &admin,
        &format!(
            "/api/v1/compliance/report?format=json&to={}",
            today.pred_opt().expect("yesterday")
        ),
    )
    .await;
    let yesterday: Value = serde_json::from_slice(&yesterday).expect("JSON");
    assert_eq!(yesterday["blocked"]["total"], 0, "nothing of today");
    assert_eq!(yesterday["changes"], json!([]));

    let exports: Vec<Value> = sqlx::query_scalar(
        "select diff from actions_audit where action_type = 'compliance_report_exported' order by id",
    )
    .fetch_all(&pool)
    .await
    .expect("audit rows");
    assert_eq!(exports.len(), 3, "every download is audited");
    assert_eq!(exports[0]["format"], "json");
    assert_eq!(exports[0]["policy_version"], 2);
    assert_eq!(exports[0]["sha256"], exports[1]["sha256"]);
    assert_ne!(exports[0]["sha256"], exports[2]["sha256"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_pdf_report_renders_in_german_with_the_practice_and_page_numbers(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    eventful_period(&pool, &admin).await;

    let (status, content_type, pdf) =
        download(&pool, &admin, "/api/v1/compliance/report?format=pdf").await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(content_type, "application/pdf");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("bericht.pdf");
    std::fs::write(&file, &pdf).expect("written");

    let text = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) runs");
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    let text = String::from_utf8(text.stdout).expect("UTF-8");
    for expected in [
        "Praxis Dr. Beispiel",
        "Compliance-Bericht",
        "Seite 1 von ",
        "Version 2, freigegeben von Dr. Zweitprüferin",
        "Telefonassistent",
        "Art. 6 Abs. 1 lit. b DSGVO",
        "verboten",
        "Kontodaten",
        "Regel „Kontodaten“ hinzugefügt",
        "3 Vorgänge blockiert",
        "Quelle nicht zugelassen",
        "Gelöscht: 12 Anrufe",
        "Prüfliste für Auditoren",
        "Compliance-Score: 100 %",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    let pages = text.matches("Seite ").count();
    assert!(
        text.contains(&format!("Seite {pages} von {pages}")),
        "every page is numbered: {pages} pages"
    );

    let rendered = Command::new("pdftoppm")
        .args(["-png", "-r", "40"])
        .arg(&file)
        .arg(dir.path().join("seite"))
        .output()
        .expect("pdftoppm runs");
    assert!(
        rendered.status.success(),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    let images = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "png"))
        .count();
    assert_eq!(images, pages, "each page renders to an image");
    assert_eq!(
        common::count(
            &pool,
            "select count(*) from actions_audit where action_type = 'compliance_report_exported' and diff->>'format' = 'pdf'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bad_period_or_format_is_refused_with_a_clear_message_and_agents_get_nothing(
    pool: PgPool,
) {
    let admin = common::login(&pool, Role::Admin).await;
    for (uri, reason) in [
        (
            "/api/v1/compliance/report?format=json&from=2026-11-10&to=2026-11-01",
            "range_reversed",
        ),
        (
            "/api/v1/compliance/report?format=json&from=2024-01-01&to=2026-11-01",
            "report_period",
        ),
        (
            "/api/v1/compliance/report?format=json&from=10.11.2026",
            "date_malformed",
        ),
    ] {
        let (status, answer) = rest(&pool, &admin, Method::GET, uri, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {answer}");
        assert_eq!(answer["error"]["reason"], reason, "{uri}: {answer}");
    }
    let (status, answer) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/compliance/report?format=docx",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("unknown variant `docx`"), "{message}");

    let agent = common::login(&pool, Role::Agent).await;
    let (status, _) = rest(
        &pool,
        &agent,
        Method::GET,
        "/api/v1/compliance/report?format=json",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        common::count(
            &pool,
            "select count(*) from actions_audit where action_type = 'compliance_report_exported'"
        )
        .await,
        0,
        "nothing was exported"
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

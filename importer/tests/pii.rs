//! The PII rules of the source policy at import, on real PostgreSQL: each severity, and a source
//! switched off.

mod common;

use app::compliance::pii::Severity;
use common::{FILE, append, count, import, line};
use importer::validate::Reason;
use serde_json::Value;
use sqlx::PgPool;

const IBAN_TOPIC: &str = "Erstattung bitte auf DE89 3704 0044 0532 0130 00, danke";

async fn set_iban_severity(pool: &PgPool, severity: Severity) {
    common::change_policy(pool, |policy| {
        let rule = policy
            .pii_rules
            .iter_mut()
            .find(|rule| rule.name == "IBAN")
            .expect("the default IBAN rule");
        rule.severity = severity;
    })
    .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn a_redacting_rule_stores_the_label_in_the_topic_and_in_the_raw_payload(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &line("a", IBAN_TOPIC));

    let summary = import(&pool, dir.path()).await;

    assert_eq!(summary.new, 1, "{summary}");
    let (topic, raw): (String, Value) = sqlx::query_as("select topic, raw_payload from calls")
        .fetch_one(&pool)
        .await
        .expect("the call");
    assert_eq!(topic, "Erstattung bitte auf [IBAN], danke");
    assert_eq!(raw["topic"], "Erstattung bitte auf [IBAN], danke");
    assert!(!raw.to_string().contains("3704"), "{raw}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_warning_rule_keeps_the_text_and_warns_but_not_for_the_callers_own_number(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    // The line's caller number is 030 1234567: the same number in the topic is no finding.
    append(
        dir.path(),
        FILE,
        &format!(
            "{}{}",
            line("own", "Bitte Rückruf unter 030 / 123 45 67"),
            line("other", "Bitte Rückruf unter 0171 7654321")
        ),
    );

    import(&pool, dir.path()).await;

    let rows: Vec<(String, String, Value)> =
        sqlx::query_as("select event_id, topic, warnings from calls order by event_id")
            .fetch_all(&pool)
            .await
            .expect("the calls");
    assert_eq!(rows[0].0, "other");
    assert_eq!(rows[0].1, "Bitte Rückruf unter 0171 7654321");
    assert_eq!(rows[0].2[0]["code"], "pii_found", "{}", rows[0].2);
    assert_eq!(rows[1].0, "own");
    assert_eq!(rows[1].2, Value::Array(vec![]));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_blocking_rule_makes_a_dead_letter_and_logs_the_rule_without_the_content(pool: PgPool) {
    set_iban_severity(&pool, Severity::Block).await;
    let dir = tempfile::tempdir().expect("temp dir");
    append(
        dir.path(),
        FILE,
        &format!("{}{}", line("a", IBAN_TOPIC), line("b", "Rezept Ramipril")),
    );

    let summary = import(&pool, dir.path()).await;

    assert_eq!(summary.new, 1, "{summary}");
    assert_eq!(summary.dead_letters.get(&Reason::PiiBlocked), Some(&1));
    let logged: (String, String, String, i32, i64) = sqlx::query_as(
        "select source, reason, rule, policy_version, line_number from blocked_content_log",
    )
    .fetch_one(&pool)
    .await
    .expect("one blocked entry");
    assert_eq!(
        logged,
        (
            "phone".to_owned(),
            "pii_blocked".to_owned(),
            "IBAN".to_owned(),
            2,
            1
        )
    );
    let detail: String = sqlx::query_scalar("select detail from dead_letters")
        .fetch_one(&pool)
        .await
        .expect("the dead letter");
    assert!(!detail.contains("3704"), "{detail}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_source_switched_off_in_the_policy_delivers_no_more_calls(pool: PgPool) {
    common::change_policy(&pool, |policy| policy.sources[0].active = false).await;
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &line("a", "Rezept"));

    let summary = import(&pool, dir.path()).await;

    assert_eq!(summary.new, 0, "{summary}");
    assert_eq!(
        summary.dead_letters.get(&Reason::SourceNotAllowed),
        Some(&1)
    );
    assert_eq!(count(&pool, "calls").await, 0);
}

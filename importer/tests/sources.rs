//! Allowed sources, the blocked-content log and replaying dead letters, on real PostgreSQL.

mod common;

use chrono::Utc;
use common::{FILE, append, count, import, line};
use importer::{replay::replay, validate::Reason};
use serde_json::json;
use sqlx::PgPool;

fn webform_line() -> String {
    let event = json!({
        "event_id": "web-1",
        "received_at": Utc::now().to_rfc3339(),
        "caller_name": "Jonas Krüger",
        "topic": "Terminwunsch über das Kontaktformular",
        "source": "webform",
    });
    format!("{event}\n")
}

#[sqlx::test(migrations = "../migrations")]
async fn an_event_from_a_source_not_allowed_is_a_dead_letter_and_logged_as_blocked(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(
        dir.path(),
        FILE,
        &format!("{}{}", line("a", "Rezept"), webform_line()),
    );

    let summary = import(&pool, dir.path()).await;

    assert_eq!(summary.new, 1, "{summary}");
    assert_eq!(
        summary.dead_letters.get(&Reason::SourceNotAllowed),
        Some(&1),
        "{summary}"
    );
    let (source, reason, line_number, version): (String, String, i64, i32) = sqlx::query_as(
        "select source, reason, line_number, policy_version from blocked_content_log",
    )
    .fetch_one(&pool)
    .await
    .expect("blocked content row");
    assert_eq!(
        (source.as_str(), reason.as_str(), line_number, version),
        ("webform", "source_not_allowed", 2, 1)
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn replaying_after_the_source_was_allowed_imports_the_event_and_removes_its_dead_letter(
    pool: PgPool,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &format!("{}{{kaputt\n", webform_line()));
    import(&pool, dir.path()).await;
    common::change_policy(&pool, |policy| {
        let mut webform = policy.sources[0].clone();
        webform.id = "webform".to_owned();
        webform.name = "Webformular".to_owned();
        policy.sources.push(webform);
    })
    .await;

    let summary = replay(&pool, &common::key(), None).await.expect("replay");

    assert_eq!(summary.imported.new, 1, "{summary}");
    assert_eq!(
        summary.still_rejected.get(&Reason::InvalidJson),
        Some(&1),
        "{summary}"
    );
    assert_eq!(count(&pool, "calls").await, 1);
    let left: Vec<String> = sqlx::query_scalar("select reason from dead_letters")
        .fetch_all(&pool)
        .await
        .expect("dead letters");
    assert_eq!(left, ["invalid_json"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn replaying_with_a_reason_leaves_other_dead_letters_alone(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &format!("{}{{kaputt\n", webform_line()));
    import(&pool, dir.path()).await;

    let summary = replay(&pool, &common::key(), Some(Reason::SourceNotAllowed))
        .await
        .expect("replay");

    assert_eq!(
        summary.still_rejected.get(&Reason::SourceNotAllowed),
        Some(&1),
        "{summary}"
    );
    assert_eq!(
        summary.still_rejected.get(&Reason::InvalidJson),
        None,
        "{summary}"
    );
    assert_eq!(count(&pool, "dead_letters").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn reading_a_file_again_stores_no_second_dead_letter_or_blocked_entry(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &format!("{}{{kaputt\n", webform_line()));
    import(&pool, dir.path()).await;

    sqlx::query("delete from import_offsets")
        .execute(&pool)
        .await
        .expect("forget offsets");
    import(&pool, dir.path()).await;

    assert_eq!(count(&pool, "dead_letters").await, 2);
    assert_eq!(count(&pool, "blocked_content_log").await, 1);
}

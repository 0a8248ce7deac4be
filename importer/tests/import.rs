//! The importer against a real PostgreSQL: each test gets a fresh, migrated database.

mod common;

use chrono::Utc;
use common::{FILE, append, count, import, line};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn demo_files_import_completely_and_a_second_pass_changes_nothing(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), 300, 7, Utc::now()).expect("demo files");

    let first = import(&pool, dir.path()).await;
    let second = import(&pool, dir.path()).await;

    assert_eq!(first.lines, 300);
    assert_eq!(first.new, 300, "{first}");
    assert_eq!(first.dead_letter_total(), 0, "{first}");
    assert_eq!(count(&pool, "calls").await, 300);
    assert_eq!(second.lines, 0, "nothing new to read: {second}");
}

#[sqlx::test(migrations = "../migrations")]
async fn reimporting_a_file_from_the_start_changes_nothing(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(
        dir.path(),
        FILE,
        &format!("{}{}", line("a", "Rezept"), line("b", "Termin")),
    );
    import(&pool, dir.path()).await;
    let before: Vec<(i64, i32)> = sqlx::query_as("select id, version from calls order by id")
        .fetch_all(&pool)
        .await
        .expect("calls");

    sqlx::query("delete from import_offsets")
        .execute(&pool)
        .await
        .expect("forget offsets");
    let again = import(&pool, dir.path()).await;

    assert_eq!(
        (again.lines, again.new, again.updated, again.unchanged),
        (2, 0, 0, 2),
        "{again}"
    );
    let after: Vec<(i64, i32)> = sqlx::query_as("select id, version from calls order by id")
        .fetch_all(&pool)
        .await
        .expect("calls");
    assert_eq!(before, after);
    assert_eq!(
        count(&pool, "actions_audit where action_type = 'edit'").await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_truncated_and_rewritten_file_is_read_again_from_the_start(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(
        dir.path(),
        FILE,
        &format!("{}{}", line("a", "Rezept"), line("b", "Termin")),
    );
    import(&pool, dir.path()).await;

    std::fs::write(dir.path().join(FILE), line("c", "AU")).expect("truncate and rewrite");
    let summary = import(&pool, dir.path()).await;

    assert_eq!((summary.lines, summary.new), (1, 1), "{summary}");
    assert_eq!(count(&pool, "calls").await, 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_same_event_id_with_new_content_updates_data_fields_and_audits_the_edit(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &line("a", "Rezept"));
    import(&pool, dir.path()).await;
    sqlx::query("update calls set status = 'DONE'")
        .execute(&pool)
        .await
        .expect("mark done");

    append(dir.path(), FILE, &line("a", "Rezept und Überweisung"));
    let summary = import(&pool, dir.path()).await;

    assert_eq!(summary.updated, 1, "{summary}");
    let (topic, status, version): (String, String, i32) =
        sqlx::query_as("select topic, status::text, version from calls")
            .fetch_one(&pool)
            .await
            .expect("call");
    assert_eq!(topic, "Rezept und Überweisung");
    assert_eq!(status, "DONE", "the importer never touches the status");
    assert_eq!(version, 2);
    let diff: serde_json::Value = sqlx::query_scalar(
        "select diff from actions_audit where action_type = 'edit' and actor_kind = 'importer'",
    )
    .fetch_one(&pool)
    .await
    .expect("edit audit row");
    assert_eq!(
        diff["topic"],
        json!({"old": "Rezept", "new": "Rezept und Überweisung"})
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_lines_become_dead_letters_with_position_and_reason(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = line("a", "Rezept");
    append(dir.path(), FILE, &format!("{good}\n{{kaputt\n"));

    let summary = import(&pool, dir.path()).await;

    assert_eq!(
        (summary.new, summary.blank, summary.dead_letter_total()),
        (1, 1, 1),
        "{summary}"
    );
    let (line_number, byte_offset, reason, sealed): (i64, i64, String, String) = sqlx::query_as(
        "select line_number, byte_offset, reason, raw_line_sealed from dead_letters",
    )
    .fetch_one(&pool)
    .await
    .expect("dead letter");
    assert_eq!(line_number, 3);
    assert_eq!(byte_offset, good.len() as i64 + 1);
    assert_eq!(reason, "invalid_json");
    assert!(!sealed.contains("kaputt"), "kept sealed: {sealed}");
    assert_eq!(
        app::at_rest::open_line(None, Some(&sealed)).expect("opens"),
        b"{kaputt",
        "as it was read"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_last_line_without_newline_waits_until_it_is_complete(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = line("a", "Rezept");
    let (head, tail) = full.split_at(20);
    append(dir.path(), FILE, head);

    let partial = import(&pool, dir.path()).await;
    append(dir.path(), FILE, tail);
    let complete = import(&pool, dir.path()).await;

    assert_eq!((partial.lines, partial.new), (0, 0), "{partial}");
    assert_eq!((complete.lines, complete.new), (1, 1), "{complete}");
    assert_eq!(count(&pool, "dead_letters").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_committed_batch_sends_one_notification_without_personal_data(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut listener = sqlx::postgres::PgListener::connect_with(&pool)
        .await
        .expect("listener");
    listener
        .listen(importer::NOTIFY_CHANNEL)
        .await
        .expect("listen");
    append(
        dir.path(),
        FILE,
        &format!("{}{}", line("a", "Rezept"), line("b", "Termin")),
    );

    import(&pool, dir.path()).await;

    let notification = listener.recv().await.expect("notification");
    let payload: serde_json::Value =
        serde_json::from_str(notification.payload()).expect("JSON payload");
    assert_eq!(payload, json!({"new": 2, "updated": 0}));
    let another =
        tokio::time::timeout(std::time::Duration::from_millis(500), listener.recv()).await;
    assert!(
        another.is_err(),
        "exactly one notification per batch, got another: {another:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unreadable_call_file_does_not_stop_the_others(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    // A directory with a call file's name: opening works, reading fails.
    std::fs::create_dir(dir.path().join("calls-2026-11-21.jsonl")).expect("directory");
    append(dir.path(), FILE, &line("a", "Rezept"));

    let summary = import(&pool, dir.path()).await;

    assert_eq!(
        (summary.unreadable_files, summary.files, summary.new),
        (1, 1, 1),
        "{summary}"
    );
    assert_eq!(count(&pool, "calls").await, 1);
}

/// Files are imported two at a time; when they repeat each other's event ids (a re-sent
/// backlog), each id is still stored once and every line counts exactly once: new, an
/// audited edit, or unchanged.
/// Another transaction holds the older call of the caller, which the batch's fold must change,
/// and then waits for the batch, as an erasure does: PostgreSQL ends the batch to break the
/// deadlock, and the importer tries it again.
#[sqlx::test(migrations = "../migrations")]
async fn a_batch_ended_for_a_deadlock_is_tried_again(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    append(dir.path(), FILE, &line("first", "Rezept"));
    import(&pool, dir.path()).await;
    append(
        dir.path(),
        FILE,
        &line("second", "Noch einmal wegen des Rezepts"),
    );

    let mut other = pool.begin().await.expect("a transaction");
    // Only the batch looks for the deadlock within the test's time, so it is the one ended.
    for statement in [
        "set local deadlock_timeout = '60s'",
        "select id from calls where event_id = 'first' for update",
    ] {
        sqlx::query(statement)
            .execute(&mut *other)
            .await
            .expect(statement);
    }
    let importing = tokio::spawn({
        let (pool, dir) = (pool.clone(), dir.path().to_owned());
        async move { import(&pool, &dir).await }
    });
    let started = std::time::Instant::now();
    while count(&pool, "pg_locks where not granted").await == 0 {
        assert!(started.elapsed().as_secs() < 10, "the batch never waited");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    sqlx::query("select pg_advisory_xact_lock(hashtext('anrufe-erasure'))")
        .execute(&mut *other)
        .await
        .expect("the lock, once the batch has been ended");
    other.rollback().await.expect("rollback");

    let summary = importing.await.expect("the import task");
    assert_eq!(summary.new, 1, "{summary}");
    let repeats: Vec<(String, i32)> =
        sqlx::query_as("select event_id, repeats from calls order by event_id")
            .fetch_all(&pool)
            .await
            .expect("calls");
    assert_eq!(repeats, [("first".into(), 1), ("second".into(), 2)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn files_imported_side_by_side_that_share_event_ids_store_each_once(pool: PgPool) {
    const IDS: usize = 2_500;
    const FILES: usize = 4;
    let dir = tempfile::tempdir().expect("temp dir");
    for file in 0..FILES {
        let lines: String = (0..IDS)
            .map(|id| line(&format!("e{id}"), &format!("Datei {file}")))
            .collect();
        append(
            dir.path(),
            &format!("calls-2026-11-{:02}.jsonl", file + 1),
            &lines,
        );
    }

    let summary = import(&pool, dir.path()).await;

    let lines = (IDS * FILES) as u64;
    assert_eq!(summary.lines, lines, "{summary}");
    assert_eq!(summary.new, IDS as u64, "{summary}");
    assert_eq!(
        summary.new + summary.updated + summary.unchanged,
        lines,
        "{summary}"
    );
    assert_eq!(count(&pool, "calls").await, IDS as i64);
    assert_eq!(
        count(&pool, "actions_audit where action_type = 'edit'").await,
        summary.updated as i64
    );
    let versions_without_their_edit: i64 = sqlx::query_scalar(
        "select count(*) from calls c
         where c.version <> 1 + (select count(*) from actions_audit a
                                 where a.call_id = c.id and a.action_type = 'edit')",
    )
    .fetch_one(&pool)
    .await
    .expect("versions");
    assert_eq!(versions_without_their_edit, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_retention_period_of_the_connection_decides_what_is_expired(pool: PgPool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let event = |id: &str, days: i64| {
        format!(
            "{}\n",
            json!({
                "event_id": id,
                "received_at": (Utc::now() - chrono::TimeDelta::days(days)).to_rfc3339(),
                "caller_number": "030 1234567",
            })
        )
    };
    append(
        dir.path(),
        FILE,
        &format!("{}{}", event("six", 6), event("ten", 10)),
    );
    let a_week = (*pool.connect_options())
        .clone()
        .options([("anrufe.retention_days", "7")]);
    let week = sqlx::postgres::PgPoolOptions::new()
        .max_connections(importer::CONNECTIONS)
        .connect_lazy_with(a_week);

    let summary = import(&week, dir.path()).await;

    assert_eq!((summary.new, summary.expired), (1, 1), "{summary}");
    let stored: Vec<String> = sqlx::query_scalar("select event_id from calls")
        .fetch_all(&pool)
        .await
        .expect("calls");
    assert_eq!(stored, ["six"]);
}

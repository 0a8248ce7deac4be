//! The retention purge: what is past the period is deleted with its aggregates and proof; what
//! is younger is untouched; a second run finds nothing; a dry run only counts; a run killed
//! half-way and run again ends where an uninterrupted run does.

mod common;

use std::{
    fs::File,
    os::unix::fs::MetadataExt,
    path::Path,
    process::Command,
    time::{Duration, SystemTime},
};

use app::{
    domain::{PurgeCounts, PurgeTrigger},
    retention::{self, PurgeOptions, overview},
};
use chrono::{TimeDelta, Utc};
use common::{
    calls::{NewCall, insert_call, insert_user},
    count,
};
use serde_json::{Value, json};
use sqlx::{PgPool, Row};

fn options(import_dir: Option<&Path>, dry_run: bool) -> PurgeOptions {
    PurgeOptions {
        trigger: PurgeTrigger::Command,
        dry_run,
        import_dir: import_dir.map(Path::to_owned),
        yield_to_readers: false,
    }
}

async fn purge(pool: &PgPool, import_dir: Option<&Path>) -> PurgeCounts {
    retention::purge(&common::runtime(pool), &options(import_dir, false), |_| {})
        .await
        .expect("purge")
        .counts
}

/// A call `days` back, done ten minutes after it came in, with a note, a reveal reason, and
/// a status history entry.
async fn call_with_history(pool: &PgPool, days: i64, user: i64) -> i64 {
    let received_at = Utc::now() - TimeDelta::days(days);
    let id = insert_call(
        pool,
        NewCall {
            received_at,
            name: Some("Erika Muster"),
            number: Some("+49301234567"),
            status: "DONE",
            ..NewCall::default()
        },
    )
    .await;
    sqlx::query(
        "insert into call_status (call_id, status, changed_by, changed_at)
         values ($1, 'DONE', $2, $3 + interval '10 minutes')",
    )
    .bind(id)
    .bind(user)
    .bind(received_at)
    .execute(pool)
    .await
    .expect("history");
    sqlx::query(
        "insert into notes (call_id, author_id, body) values ($1, $2, 'Rückruf Frau Muster')",
    )
    .bind(id)
    .bind(user)
    .execute(pool)
    .await
    .expect("note");
    sqlx::query(
        "insert into pii_reveals (call_id, user_id, field, reason)
         values ($1, $2, 'caller_number', 'Rückruf')",
    )
    .bind(id)
    .bind(user)
    .execute(pool)
    .await
    .expect("reveal");
    id
}

/// A fully imported call file last written `days` back (its offset says: read to the end).
fn call_file(pool_rows: &mut Vec<(String, i64, i64, i64)>, dir: &Path, day: i64, imported: bool) {
    let name = format!(
        "calls-{}.jsonl",
        (Utc::now() - TimeDelta::days(day)).format("%Y-%m-%d")
    );
    let path = dir.join(&name);
    std::fs::write(&path, "{\"caller_number\": \"030 1234567\"}\n").expect("file");
    let written = SystemTime::now() - Duration::from_secs(day as u64 * 86_400);
    File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(written))
        .expect("mtime");
    let meta = std::fs::metadata(&path).expect("metadata");
    let offset = if imported { meta.len() as i64 } else { 0 };
    pool_rows.push((name, meta.dev() as i64, meta.ino() as i64, offset));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_purge_deletes_what_is_past_the_period_and_nothing_younger(pool: PgPool) {
    // The oldest audit row first: the chain is in the order rows were written.
    sqlx::query(
        r#"insert into actions_audit (action_type, actor_kind, diff, occurred_at)
           values ('login', 'system', '{"email": "alt@praxis.test"}', now() - interval '31 days')"#,
    )
    .execute(&pool)
    .await
    .expect("old audit row");
    let user = insert_user(&pool, "Anna Empfang", true).await;
    let old = call_with_history(&pool, 31, user).await;
    let young = call_with_history(&pool, 29, user).await;
    for call in [old, young] {
        sqlx::query(
            r#"insert into actions_audit (call_id, action_type, actor_kind, actor_id, diff)
               values ($1, 'note', 'user', $2, '{"body": "Rückruf Frau Muster"}')"#,
        )
        .bind(call)
        .bind(user)
        .execute(&pool)
        .await
        .expect("audit row about the call");
    }
    sqlx::raw_sql(
        r#"insert into dead_letters (file_name, line_number, byte_offset, reason, detail, raw_line, raw_sha256, created_at)
           values ('calls-a.jsonl', 1, 0, 'invalid_json', 'x', '{kaputt', sha256('{kaputt'), now() - interval '31 days'),
                  ('calls-b.jsonl', 1, 0, 'invalid_json', 'x', '{neu', sha256('{neu'), now());
           insert into blocked_content_log (source, reason, file_name, line_number, occurred_at)
           values ('fax', 'source_not_allowed', 'calls-a.jsonl', 2, now() - interval '31 days'),
                  ('fax', 'source_not_allowed', 'calls-b.jsonl', 2, now())"#,
    )
    .execute(&pool)
    .await
    .expect("dead letters and blocked entries");
    let dir = tempfile::tempdir().expect("import dir");
    let mut offsets = Vec::new();
    call_file(&mut offsets, dir.path(), 31, true);
    call_file(&mut offsets, dir.path(), 32, false);
    call_file(&mut offsets, dir.path(), 29, true);
    for (name, device, inode, offset) in &offsets {
        sqlx::query(
            "insert into import_offsets (file_name, device, inode, fingerprint, fingerprint_len, byte_offset, line_number)
             values ($1, $2, $3, '\\x00', 0, $4, 1)",
        )
        .bind(name)
        .bind(device)
        .bind(inode)
        .bind(offset)
        .execute(&pool)
        .await
        .expect("offset");
    }

    let counts = purge(&pool, Some(dir.path())).await;

    assert_eq!(
        counts,
        PurgeCounts {
            calls: 1,
            status_entries: 1,
            notes: 1,
            reveals: 1,
            audit_diffs: 1,
            audit_rows: 1,
            dead_letters: 1,
            blocked_entries: 1,
            files: 1,
        }
    );
    let calls: Vec<i64> = sqlx::query_scalar("select id from calls")
        .fetch_all(&pool)
        .await
        .expect("calls");
    assert_eq!(calls, [young]);
    for table in [
        "call_status",
        "notes",
        "pii_reveals",
        "dead_letters",
        "blocked_content_log",
    ] {
        assert_eq!(
            count(&pool, &format!("select count(*) from {table}")).await,
            1,
            "{table}"
        );
    }
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        files.len(),
        2,
        "the young and the unfinished file stay: {files:?}"
    );
    assert!(!files.contains(&offsets[0].0));
    assert_eq!(count(&pool, "select count(*) from import_offsets").await, 2);
    let erased: Value = sqlx::query_scalar(
        "select diff from actions_audit where call_id = $1 and action_type = 'note'",
    )
    .bind(old)
    .fetch_one(&pool)
    .await
    .expect("the audit row about the old call stays");
    assert_eq!(erased, json!({ "erased": true }));
    let kept: Value = sqlx::query_scalar(
        "select diff from actions_audit where call_id = $1 and action_type = 'note'",
    )
    .bind(young)
    .fetch_one(&pool)
    .await
    .expect("young audit row");
    assert_eq!(kept, json!({ "body": "Rückruf Frau Muster" }));

    let stats = sqlx::query(
        "select source, category, priority::text, calls, done, median_seconds_to_done,
                p90_seconds_to_done
         from daily_stats",
    )
    .fetch_all(&pool)
    .await
    .expect("stats");
    assert_eq!(stats.len(), 1);
    let row = &stats[0];
    assert_eq!(row.get::<String, _>("source"), "phone");
    assert_eq!(row.get::<String, _>("category"), "appointment");
    assert_eq!(row.get::<String, _>("priority"), "normal");
    assert_eq!(
        (row.get::<i32, _>("calls"), row.get::<i32, _>("done")),
        (1, 1)
    );
    assert_eq!(
        row.get::<Option<i32>, _>("median_seconds_to_done"),
        Some(600)
    );
    assert_eq!(row.get::<Option<i32>, _>("p90_seconds_to_done"), Some(600));

    let runtime = common::runtime(&pool);
    assert_eq!(overview::past_retention(&runtime).await.expect("past"), 0);
    let verification = app::audit::verify(&runtime).await.expect("verify");
    assert!(verification.broken.is_none(), "{:?}", verification.broken);

    let again = purge(&pool, Some(dir.path())).await;
    assert_eq!(again, PurgeCounts::default(), "a second run finds nothing");
    assert_eq!(
        count(&pool, "select sum(calls) from daily_stats").await,
        1,
        "and counts nothing twice"
    );
    let runs = overview::overview(&runtime, None).await.expect("overview");
    assert_eq!(runs.runs.len(), 2);
    assert_eq!(runs.runs[1].counts, counts);
    assert_eq!(
        count(
            &pool,
            "select count(*) from actions_audit where action_type = 'retention_purged'"
        )
        .await,
        2
    );
    assert!(
        app::audit::verify(&runtime)
            .await
            .expect("verify")
            .broken
            .is_none()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_dry_run_counts_and_deletes_nothing(pool: PgPool) {
    let user = insert_user(&pool, "Anna Empfang", true).await;
    call_with_history(&pool, 40, user).await;
    let report = retention::purge(&common::runtime(&pool), &options(None, true), |_| {})
        .await
        .expect("dry run");
    assert_eq!(report.counts.calls, 1);
    assert_eq!(report.counts.notes, 1);
    assert_eq!(count(&pool, "select count(*) from calls").await, 1);
    assert_eq!(count(&pool, "select count(*) from daily_stats").await, 0);
    let dry: bool = sqlx::query_scalar("select dry_run from purge_runs")
        .fetch_one(&pool)
        .await
        .expect("run");
    assert!(dry);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_purge_killed_half_way_ends_like_an_uninterrupted_one(pool: PgPool) {
    // 300 due hours of 10 calls each, every tenth one done, each with a note.
    sqlx::raw_sql(
        "insert into calls (event_id, received_at, topic, status, raw_payload, content_hash)
         select 'e' || n, date_trunc('hour', now()) - interval '31 days'
                          - (n / 10) * interval '1 hour' + (n % 10) * interval '1 minute',
                'Rezept', case when n % 10 = 0 then 'DONE' else 'NEW' end::call_state, '{}', '\\x00'
         from generate_series(0, 2999) n;
         insert into notes (call_id, body) select id, 'Notiz' from calls",
    )
    .execute(&pool)
    .await
    .expect("old calls");
    let url = common::runtime_url(&pool).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATA_KEYS_FILE", common::data_keys_file())
        .args(["retention", "run"])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("server retention run");
    let mut killed_at = None;
    for _ in 0..2_000 {
        let deleted: i64 = count(
            &pool,
            "select coalesce(max((counts ->> 'calls')::bigint), 0) from purge_runs",
        )
        .await;
        if deleted > 0 {
            child.kill().expect("SIGKILL");
            killed_at = Some(deleted);
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.wait().expect("killed");
    let killed_at = killed_at.expect("the purge started deleting");
    let outcome: String = sqlx::query_scalar("select outcome from purge_runs")
        .fetch_one(&pool)
        .await
        .expect("run");
    assert_eq!(outcome, "running", "killed before it finished");
    let left = count(&pool, "select count(*) from calls").await;
    assert!(
        left < 3000 && left > 0,
        "killed half-way: {left} left after {killed_at}"
    );
    assert_eq!(
        count(&pool, "select coalesce(sum(calls), 0) from daily_stats").await,
        3000 - left,
        "every deleted call is counted, none twice"
    );

    purge(&pool, None).await;

    assert_eq!(count(&pool, "select count(*) from calls").await, 0);
    assert_eq!(count(&pool, "select count(*) from notes").await, 0);
    assert_eq!(
        count(&pool, "select sum(calls) from daily_stats").await,
        3000
    );
    assert_eq!(count(&pool, "select sum(done) from daily_stats").await, 300);
    assert_eq!(count(&pool, "select count(*) from daily_stats").await, 300);
    let outcomes: Vec<String> = sqlx::query_scalar("select outcome from purge_runs order by id")
        .fetch_all(&pool)
        .await
        .expect("runs");
    assert_eq!(outcomes, ["interrupted", "ok"]);
    let runtime = common::runtime(&pool);
    assert!(
        app::audit::verify(&runtime)
            .await
            .expect("verify")
            .broken
            .is_none()
    );
}

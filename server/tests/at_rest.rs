//! The date of birth at rest, on real PostgreSQL: stored only sealed (column, raw event, audit
//! trail, warnings), shown to whoever may see it, loud when the key is wrong; a rotation killed
//! half-way goes on and ends with every value under the new key, after which the old key can
//! go; a database from before encryption is sealed at start.

mod common;

use std::process::Command;

use app::{
    at_rest::{Keyring, store},
    domain::Role,
};
use axum::http::{Method, StatusCode};
use common::callers::{import, rest};
use serde_json::{Value, json};
use sqlx::PgPool;

/// The lines of the test: a date of birth in both notations, one changed by a later line, one
/// in the future (a warning), one in a refused line, so every place a date of birth could land
/// is filled.
fn lines() -> String {
    let now = chrono::Utc::now();
    let line = |id: &str, minutes_ago: i64, birth: &str, topic: &str| {
        format!(
            "{}\n",
            json!({
                "event_id": id,
                "received_at": (now - chrono::TimeDelta::minutes(minutes_ago)).to_rfc3339(),
                "caller_number": "030 1234567",
                "caller_name": "Erika Muster",
                "date_of_birth": birth,
                "topic": topic,
            })
        )
    };
    [
        line("a", 30, "02.03.1984", "Rezept"),
        line("b", 20, "1971-07-14", "Termin"),
        line("b", 20, "1971-07-15", "Termin verschoben"),
        line("c", 10, "01.01.2099", "Befund"),
        format!(
            "{}\n",
            json!({
                "event_id": "d",
                "received_at": "kein Datum",
                "caller_number": "030 7654321",
                "date_of_birth": "03.04.1955",
                "topic": "Rückruf",
            })
        ),
    ]
    .concat()
}

/// Every row of every table as text, read as the superuser.
async fn everything(pool: &PgPool) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut text = String::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("select t::text from {table} t"))
            .fetch_all(pool)
            .await
            .expect("rows");
        text.push_str(&rows.join("\n"));
    }
    text
}

#[sqlx::test(migrations = "../migrations")]
async fn no_date_of_birth_is_stored_in_clear_and_readers_see_it_as_before(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("calls-2026-11-30.jsonl"), lines()).expect("lines");
    let summary = import(&pool, dir.path()).await;
    assert_eq!((summary.new, summary.updated), (3, 1), "{summary:?}");
    assert_eq!(
        summary.dead_letters.values().sum::<u64>(),
        1,
        "the line without a time is refused and kept for replay: {summary:?}"
    );

    let stored = everything(&pool).await;
    for date in [
        "1984-03-02",
        "02.03.1984",
        "1971-07-14",
        "1971-07-15",
        "01.01.2099",
        "03.04.1955",
    ] {
        assert!(!stored.contains(date), "{date} is stored in clear");
    }
    assert!(
        stored.contains(r#"""date_of_birth"": {""changed"": true}"#),
        "the edit is audited"
    );

    let admin = common::login(&pool, Role::Admin).await;
    let (_, page) = rest(
        &pool,
        &admin,
        Method::GET,
        "/api/v1/calls?sort=oldest",
        None,
    )
    .await;
    let births: Vec<&Value> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| &item["date_of_birth"])
        .collect();
    assert_eq!(
        births,
        [&json!("1984-03-02"), &json!("1971-07-15"), &Value::Null]
    );
    let id = page["items"][0]["id"].as_i64().expect("id");
    let (_, detail) = rest(
        &pool,
        &admin,
        Method::GET,
        &format!("/api/v1/calls/{id}"),
        None,
    )
    .await;
    let raw: Value =
        serde_json::from_str(detail["raw_payload"].as_str().expect("raw")).expect("JSON");
    assert_eq!(raw["date_of_birth"], "02.03.1984", "the event as delivered");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_value_sealed_under_another_key_of_the_same_name_fails_loudly(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("calls-2026-11-30.jsonl"), lines()).expect("lines");
    import(&pool, dir.path()).await;
    let installed = Keyring::read(&common::data_keys_file()).expect("keys");
    let stranger = loop {
        let ring = Keyring::generate();
        if ring.active() == installed.active() {
            break ring;
        }
    };
    let forged = stranger.seal(app::at_rest::seal::Field::DateOfBirth, b"1999-09-09");
    sqlx::query("update calls set date_of_birth_sealed = $1 where event_id = 'a'")
        .bind(forged)
        .execute(&pool)
        .await
        .expect("a value under a stranger's key");

    let admin = common::login(&pool, Role::Admin).await;
    let (status, _) = rest(&pool, &admin, Method::GET, "/api/v1/calls", None).await;
    assert_eq!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "never a wrong date of birth on the page"
    );
}

/// `server keys …` with the keys in `keys_file`; whether it succeeded and what it printed.
fn keys_command(pool_url: &str, keys_file: &std::path::Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", pool_url)
        .env("DATA_KEYS_FILE", keys_file)
        .env(
            "DATA_DIR",
            std::env::temp_dir().join("anrufe-tests-at-rest"),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("server binary");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rotation_killed_half_way_goes_on_and_then_the_old_key_can_go(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let lines: String = (0..1_200)
        .map(|n| common::callers::line(&format!("r{n}"), "030 1234567", "Erika Muster", 5))
        .collect();
    std::fs::write(dir.path().join("calls-2026-11-30.jsonl"), lines).expect("lines");
    import(&pool, dir.path()).await;
    let old = Keyring::read(&common::data_keys_file()).expect("keys");
    let mut new = old.clone();
    let new_key = new.add_key();
    let keys_file = dir.path().join("data-keys.json");
    new.write(&keys_file).expect("new keys file");

    let runtime = common::runtime(&pool);
    let (first_batch, mut done) = tokio::sync::mpsc::unbounded_channel();
    let rotation = tokio::spawn({
        let (runtime, new) = (runtime.clone(), new.clone());
        // The receiver is gone once the test has aborted the rotation; nothing to tell then.
        async move {
            store::seal_all(&runtime, &new, |n| {
                let _ = first_batch.send(n);
            })
            .await
        }
    });
    assert_eq!(done.recv().await, Some(store::BATCH));
    rotation.abort();
    let _ = rotation.await;
    let half = store::key_use(&runtime).await.expect("key use");
    let under_new = half.sealed.get(new_key.as_str()).copied().unwrap_or(0);
    assert!(
        (2 * store::BATCH..2 * 1_200).contains(&under_new),
        "killed half-way: {half:?}"
    );

    let url = common::runtime_url(&pool).await;
    let (ok, text) = keys_command(&url, &keys_file, &["keys", "remove", old.active().as_str()]);
    assert!(!ok && text.contains("still seals"), "{text}");
    let (ok, text) = keys_command(&url, &keys_file, &["keys", "rotate"]);
    assert!(ok, "{text}");
    assert!(
        text.contains("Every stored value is sealed with the active key"),
        "{text}"
    );
    let after = store::key_use(&runtime).await.expect("key use");
    assert_eq!(after.sealed.get(new_key.as_str()), Some(&(2 * 1_200)));
    assert_eq!(after.pending(&new), 0);
    let rotated: i64 = common::count(
        &pool,
        "select count(*) from actions_audit where action_type = 'data_keys_rotated'",
    )
    .await;
    assert_eq!(rotated, 1);

    let (ok, text) = keys_command(&url, &keys_file, &["keys", "remove", old.active().as_str()]);
    assert!(ok, "{text}");
    let id: i64 = common::count(&pool, "select min(id) from calls").await;
    let (ok, text) = keys_command(
        &url,
        &keys_file,
        &[
            "dsgvo",
            "export",
            "--call",
            &id.to_string(),
            "--reason",
            "Auskunft",
        ],
    );
    assert!(ok, "{text}");
    assert!(
        text.contains("1984-03-02"),
        "read with the new key alone: {text}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn dates_from_before_encryption_are_sealed_at_start_and_a_lost_key_file_is_named(
    pool: PgPool,
) {
    let runtime = common::runtime(&pool);
    sqlx::query(
        r#"insert into calls (event_id, received_at, topic, priority, status, date_of_birth_clear,
                              raw_payload, content_hash)
           values ('old', now(), 'Termin', 'normal', 'NEW', '1984-03-02',
                   '{"date_of_birth": "02.03.1984"}', '\x00')"#,
    )
    .execute(&pool)
    .await
    .expect("a call from before");
    sqlx::query(
        r#"insert into dead_letters (file_name, line_number, byte_offset, reason, detail, raw_line,
                                     raw_sha256)
           values ('calls-2026-11-01.jsonl', 1, 0, 'missing_received_at', 'no time',
                   convert_to('{"date_of_birth": "1984-03-02"}', 'UTF8'), '\x00')"#,
    )
    .execute(&pool)
    .await
    .expect("a refused line from before");
    // As the migration leaves it when only refused lines are in clear: one run seals all.
    sqlx::query("update date_of_birth_sealing set clear_up_to = 0, dead_letters_in_clear = true")
        .execute(&pool)
        .await
        .expect("marked");
    let ring = app::at_rest::keys::installed().expect("installed by runtime()");
    server::data_keys::seal_clear(ring, &runtime)
        .await
        .expect("sealed");
    let stored = everything(&pool).await;
    assert!(
        !stored.contains("1984-03-02") && !stored.contains("02.03.1984"),
        "nothing in clear"
    );
    let used = store::key_use(&runtime).await.expect("key use");
    assert_eq!((used.clear, used.pending(ring)), (0, 0), "{used:?}");
    assert_eq!(
        common::count(
            &pool,
            "select clear_up_to + dead_letters_in_clear::int from date_of_birth_sealing"
        )
        .await,
        0,
        "marked done"
    );

    let url = common::runtime_url(&pool).await;
    let missing = tempfile::tempdir()
        .expect("dir")
        .path()
        .join("data-keys.json");
    let (ok, text) = keys_command(&url, &missing, &["audit", "verify"]);
    assert!(!ok);
    assert!(
        text.contains("is missing, but the database holds values sealed with its keys"),
        "{text}"
    );
    sqlx::query("update calls set date_of_birth_sealed = null, raw_payload = '{}'")
        .execute(&pool)
        .await
        .expect("no call holds a sealed value");
    let (ok, text) = keys_command(&url, &missing, &["audit", "verify"]);
    assert!(
        !ok,
        "a sealed refused line alone needs the keys too: {text}"
    );
}

//! The caller's rights: an export holds everything of its subject and nothing of others; an
//! erased call is gone with everything that hangs off it and never comes back, whether its
//! file is read again, a later line repeats its event id, a dead letter is replayed or an
//! older backup is restored; bad input is refused with a clear answer and changes nothing.

mod common;

use std::path::Path;

use app::{
    audit::Actor,
    domain::{CallId, Role},
    dsgvo::{Subject, erase, tombstones},
};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use chrono::{TimeDelta, Utc};
use common::{Login, body_text, send};
use serde_json::{Value, json};
use sqlx::PgPool;

const NUMBER: &str = "+49301234567";

/// A REST request as `login`'s program, with a JSON body when there is one.
async fn rest(
    pool: &PgPool,
    login: &Login,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, &login.bearer);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
    let response = send(
        common::requests::app(pool),
        request.body(body).expect("request"),
    )
    .await;
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn line(event_id: &str, number: &str, name: &str, minutes_ago: i64) -> String {
    format!(
        "{}\n",
        json!({
            "event_id": event_id,
            "received_at": (Utc::now() - TimeDelta::minutes(minutes_ago)).to_rfc3339(),
            "caller_number": number,
            "caller_name": name,
            "date_of_birth": "02.03.1984",
            "topic": "Rezept",
        })
    )
}

async fn import(pool: &PgPool, dir: &Path) -> importer::Summary {
    importer::Importer::new(common::runtime(pool), dir, common::tombstones().key)
        .run_once()
        .await
        .expect("import")
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Two calls of Erika Muster (one with a note and a status change), one of someone else, and
/// a rejected line that holds her number.
async fn two_callers(pool: &PgPool, dir: &Path) -> (i64, i64) {
    let file = dir.join(format!("calls-{}.jsonl", Utc::now().format("%Y-%m-%d")));
    let text = [
        line("erika-1", "030 1234567", "Erika Muster", 30),
        line("erika-2", "+49 30 1234567", "Erika Muster", 20),
        line("otto-1", "089 7654321", "Otto Normal", 10),
        "{kaputt: \"030 1234567\"\n".to_owned(),
    ]
    .concat();
    std::fs::write(&file, text).expect("call file");
    let summary = import(pool, dir).await;
    assert_eq!(
        (summary.new, summary.dead_letter_total()),
        (3, 1),
        "{summary}"
    );
    let erika: i64 = sqlx::query_scalar("select id from calls where event_id = 'erika-1'")
        .fetch_one(pool)
        .await
        .expect("call");
    let otto: i64 = sqlx::query_scalar("select id from calls where event_id = 'otto-1'")
        .fetch_one(pool)
        .await
        .expect("call");
    let agent = common::calls::insert_user(pool, "Anna Empfang", true).await;
    app::service::add_note(
        pool,
        Actor::User(agent),
        CallId(erika),
        "Rückruf wegen Rezept",
    )
    .await
    .expect("note");
    (erika, otto)
}

#[sqlx::test(migrations = "../migrations")]
async fn an_export_holds_everything_of_its_caller_and_nothing_of_others(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (erika, _) = two_callers(&pool, dir.path()).await;
    let admin = common::login(&pool, Role::Admin).await;

    let uri = format!("/api/v1/callers/{NUMBER}/export?reason=Auskunft%20nach%20Art.%2015");
    let (status, export) = rest(&pool, &admin, Method::GET, &uri, None).await;

    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["schema"], "anrufe.dsgvo-export.v1");
    assert_eq!(export["subject"], "caller");
    let calls = export["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 2);
    let first = &calls[0];
    for field in [
        "id",
        "event_id",
        "received_at",
        "imported_at",
        "updated_at",
        "caller_name",
        "caller_number",
        "date_of_birth",
        "topic",
        "priority",
        "source",
        "status",
        "assignee",
        "version",
        "warnings",
        "raw_payload",
        "status_history",
        "notes",
        "reveals",
        "audit",
    ] {
        assert!(first.get(field).is_some(), "{field} is missing: {first}");
    }
    assert_eq!(first["id"], erika);
    assert_eq!(first["caller_name"], "Erika Muster");
    assert_eq!(first["date_of_birth"], "1984-03-02");
    assert_eq!(first["notes"][0]["body"], "Rückruf wegen Rezept");
    let text = export.to_string();
    assert!(
        !text.contains("Otto") && !text.contains("7654321"),
        "{text}"
    );
    assert_eq!(
        count(&pool, "select count(*) from actions_audit where action_type = 'dsgvo_exported' and diff ->> 'reason' = 'Auskunft nach Art. 15'").await,
        2,
        "each exported call is audited with who and why"
    );

    let (status, one) = rest(
        &pool,
        &admin,
        Method::GET,
        &format!("/api/v1/calls/{erika}/export?reason=Auskunft"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["calls"].as_array().map(Vec::len), Some(1));

    let agent = common::login(&pool, Role::Agent).await;
    let (status, _) = rest(&pool, &agent, Method::GET, &uri, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_erased_caller_is_gone_and_never_comes_back(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (_, otto) = two_callers(&pool, dir.path()).await;
    let admin = common::login(&pool, Role::Admin).await;

    let (status, report) = rest(
        &pool,
        &admin,
        Method::DELETE,
        &format!("/api/v1/callers/{NUMBER}"),
        Some(json!({ "reason": "Löschantrag nach Art. 17 vom 28.11." })),
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["calls"], 2);
    assert_eq!(report["notes"], 1);
    assert_eq!(report["dead_letters"], 1);
    assert_eq!(report["audit_diffs"], 1, "the note's audit row");
    let left: Vec<i64> = sqlx::query_scalar("select id from calls")
        .fetch_all(&pool)
        .await
        .expect("calls");
    assert_eq!(left, [otto]);
    assert_eq!(count(&pool, "select count(*) from notes").await, 0);
    assert_eq!(count(&pool, "select count(*) from dead_letters").await, 0);
    let erased: Value =
        sqlx::query_scalar("select diff from actions_audit where action_type = 'dsgvo_erased'")
            .fetch_one(&pool)
            .await
            .expect("the erasure is audited");
    assert_eq!(erased["reason"], "Löschantrag nach Art. 17 vom 28.11.");
    let audit = count(&pool, "select count(*) from actions_audit where diff::text like '%Muster%' or diff::text like '%1234567%'").await;
    assert_eq!(audit, 0, "no audit row holds the erased data");
    let verification = app::audit::verify(&common::runtime(&pool))
        .await
        .expect("verify");
    assert!(verification.broken.is_none(), "{:?}", verification.broken);

    // The file read again from its start (as after truncation or a new inode): skipped.
    sqlx::query("delete from import_offsets")
        .execute(&pool)
        .await
        .expect("offsets");
    let again = import(&pool, dir.path()).await;
    assert_eq!((again.erased, again.new), (2, 0), "{again}");
    // A later line with the same event id, and one of hers from before the erasure.
    let file = std::fs::read_dir(dir.path())
        .expect("dir")
        .next()
        .expect("file")
        .expect("entry")
        .path();
    let later = [
        line("erika-1", "030 1234567", "Erika Muster", 5),
        line("erika-3", "030 1234567", "Erika Muster", 40),
    ]
    .concat();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .and_then(|mut file| std::io::Write::write_all(&mut file, later.as_bytes()))
        .expect("append");
    let appended = import(&pool, dir.path()).await;
    assert_eq!((appended.erased, appended.new), (2, 0), "{appended}");
    // A rejected line of hers, replayed once its source is allowed.
    sqlx::query(
        "insert into dead_letters (file_name, line_number, byte_offset, reason, detail, raw_line, raw_sha256)
         values ('calls-x.jsonl', 1, 0, 'source_not_allowed', 'fax', $1, sha256($1))",
    )
    .bind(line("erika-1", "030 1234567", "Erika Muster", 30).trim_end().as_bytes())
    .execute(&pool)
    .await
    .expect("dead letter");
    let replayed =
        importer::replay::replay(&common::runtime(&pool), &common::tombstones().key, None)
            .await
            .expect("replay");
    assert_eq!(replayed.imported.erased, 1, "{replayed}");
    assert_eq!(count(&pool, "select count(*) from calls").await, 1);
    // A new call of hers after the erasure is a new call.
    let new_call = line("erika-4", "030 1234567", "Erika Muster", -1);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .and_then(|mut file| std::io::Write::write_all(&mut file, new_call.as_bytes()))
        .expect("append");
    let new = import(&pool, dir.path()).await;
    assert_eq!((new.erased, new.new), (0, 1), "{new}");
}

#[sqlx::test(migrations = "../migrations")]
async fn restoring_a_backup_from_before_an_erasure_erases_again(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (erika, _) = two_callers(&pool, dir.path()).await;
    let runtime = common::runtime(&pool);
    let stones = tombstones::Tombstones {
        key: common::tombstones().key,
        file: dir.path().join("erasures.jsonl"),
    };
    let backup: Value = sqlx::query_scalar("select to_jsonb(c) from calls c where id = $1")
        .bind(erika)
        .fetch_one(&pool)
        .await
        .expect("the call as a backup holds it");

    erase::erase(
        &runtime,
        &stones,
        Actor::System,
        &Subject::Call(CallId(erika)),
        "Löschantrag",
    )
    .await
    .expect("erased");
    assert_eq!(
        stones.read().expect("file").len(),
        1,
        "the tombstone is outside the database"
    );

    // The backup from before: the call is back, its tombstone is not.
    sqlx::query(
        "insert into calls (id, event_id, received_at, caller_number, caller_name, date_of_birth,
                            topic, priority, source, status, version, warnings, raw_payload,
                            content_hash, created_at, updated_at)
         overriding system value
         select id, event_id, received_at, caller_number, caller_name, date_of_birth, topic,
                priority, source, status, version, warnings, raw_payload, content_hash,
                created_at, updated_at
         from jsonb_populate_record(null::calls, $1)",
    )
    .bind(&backup)
    .execute(&pool)
    .await
    .expect("restored call");
    sqlx::query("delete from erased_events")
        .execute(&pool)
        .await
        .expect("older tombstones");

    let restored = tombstones::restore(&runtime, &stones)
        .await
        .expect("restore");

    assert_eq!(restored.into_database, 1);
    assert_eq!(restored.calls_erased, 1);
    let back: Option<i64> = sqlx::query_scalar("select id from calls where id = $1")
        .bind(erika)
        .fetch_optional(&pool)
        .await
        .expect("query");
    assert_eq!(back, None);
    let twice = tombstones::restore(&runtime, &stones)
        .await
        .expect("restore");
    assert_eq!(twice, tombstones::Restored::default(), "nothing more to do");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_input_is_refused_clearly_and_changes_nothing(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (erika, _) = two_callers(&pool, dir.path()).await;
    let admin = common::login(&pool, Role::Admin).await;
    let reason = Some(json!({ "reason": "Löschantrag" }));
    let cases = [
        (
            "/api/v1/callers/030-1234567".to_owned(),
            reason.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "number_malformed",
        ),
        (
            "/api/v1/callers/+49891111111".to_owned(),
            reason.clone(),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            "/api/v1/calls/999999".to_owned(),
            reason.clone(),
            StatusCode::NOT_FOUND,
            "",
        ),
        (
            format!("/api/v1/calls/{erika}"),
            Some(json!({ "reason": "  " })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason_length",
        ),
        (
            format!("/api/v1/calls/{erika}"),
            Some(json!({})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "",
        ),
        (
            "/api/v1/calls/abc".to_owned(),
            reason.clone(),
            StatusCode::BAD_REQUEST,
            "",
        ),
    ];
    for (uri, body, expected, code) in cases {
        let (status, answer) = rest(&pool, &admin, Method::DELETE, &uri, body).await;
        assert_eq!(status, expected, "{uri}: {answer}");
        if !code.is_empty() {
            assert_eq!(answer["error"]["reason"], code, "{uri}: {answer}");
        }
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    assert_eq!(count(&pool, "select count(*) from calls").await, 3);
    assert_eq!(count(&pool, "select count(*) from erased_events").await, 0);
    assert_eq!(
        count(
            &pool,
            "select count(*) from actions_audit where action_type = 'dsgvo_erased'"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_command_line_exports_and_erases_asking_first(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (erika, _) = two_callers(&pool, dir.path()).await;
    let url = common::runtime_url(&pool).await;
    let server = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("DATA_DIR", dir.path())
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("server binary");
        let out = String::from_utf8_lossy(&output.stdout).into_owned();
        let err = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), out, err)
    };
    let call = erika.to_string();

    let (ok, out, err) = server(&["dsgvo", "export", "--call", &call, "--reason", "Auskunft"]);
    assert!(ok, "{err}");
    let export: Value = serde_json::from_str(&out).expect("JSON on standard output");
    assert_eq!(export["calls"][0]["caller_name"], "Erika Muster");

    let erase = [
        "dsgvo",
        "erase",
        "--number",
        NUMBER,
        "--reason",
        "Löschantrag",
    ];
    let (ok, _, err) = server(&erase);
    assert!(!ok);
    assert!(
        err.contains("this would erase 2 call(s)") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(count(&pool, "select count(*) from calls").await, 3);

    let (ok, out, err) = server(&[&erase[..], &["--yes"]].concat());
    assert!(ok, "{err}");
    assert!(out.starts_with("Erased: 2 call(s)"), "{out}");
    assert_eq!(count(&pool, "select count(*) from calls").await, 1);

    let (ok, _, err) = server(&[
        "dsgvo",
        "erase",
        "--number",
        "0301234567",
        "--reason",
        "x",
        "--yes",
    ]);
    assert!(!ok);
    assert!(err.contains("E.164"), "{err}");
}

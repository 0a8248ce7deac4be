//! Erasure: an erased call is gone with everything that hangs off it and never comes back,
//! whether its file is read again, a later line repeats its event id, a dead letter is
//! replayed or an older backup is restored; bad input is refused clearly and changes nothing.

mod common;

use app::{
    audit::Actor,
    domain::{CallId, Role},
    dsgvo::{Subject, erase, tombstones},
};
use axum::http::{Method, StatusCode};
use common::{
    callers::{NUMBER, import, line, rest, two_callers},
    count,
};
use serde_json::{Value, json};
use sqlx::PgPool;

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
        "insert into calls (id, event_id, received_at, caller_number, caller_name, date_of_birth_sealed,
                            topic, priority, source, status, version, warnings, raw_payload,
                            content_hash, created_at, updated_at)
         overriding system value
         select id, event_id, received_at, caller_number, caller_name, date_of_birth_sealed, topic,
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

    let restored = app::dsgvo::restore(&runtime, &stones)
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
    let twice = app::dsgvo::restore(&runtime, &stones)
        .await
        .expect("restore");
    assert_eq!(twice, app::dsgvo::Restored::default(), "nothing more to do");
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

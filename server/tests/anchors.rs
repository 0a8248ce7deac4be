//! The audit chain against its anchors outside the database: someone who controls the
//! database deletes the newest rows, or rewrites a row and recomputes the chain after it;
//! `server audit verify` finds both through the signed anchors, and refuses a forged anchor.

mod common;

use std::{path::Path, process::Command};

use app::{audit::Actor, domain::CallId, service};
use common::calls::{NewCall, insert_call, insert_user};
use sqlx::PgPool;

/// Writes `count` audit rows: the installation of the source policy (notes are screened by
/// it), then notes on one call.
async fn audited_actions(pool: &PgPool, count: usize) {
    app::compliance::store::active(pool)
        .await
        .expect("the source policy");
    let call = insert_call(pool, NewCall::default()).await;
    let agent = insert_user(pool, "Jana", true).await;
    for n in 1..count {
        service::add_note(
            pool,
            Actor::User(agent),
            CallId(call),
            &format!("Notiz {n}"),
        )
        .await
        .expect("note");
    }
}

/// Runs the `server` binary's command `args` against the test's database with `data_dir` as
/// DATA_DIR; whether it succeeded, and what it printed.
async fn server(pool: &PgPool, data_dir: &Path, args: &[&str]) -> (bool, String) {
    let url = common::runtime_url(pool).await;
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATA_KEYS_FILE", common::data_keys_file())
        .args(args)
        .env("DATABASE_URL", url)
        .env("DATA_DIR", data_dir)
        .env("RUST_LOG", "info")
        .output()
        .expect("server binary");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// Runs `statements` as the superuser with the audit triggers switched off, as an attacker in
/// control of the database could.
async fn behind_the_triggers(pool: &PgPool, statements: &str) {
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::query("set local session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .expect("triggers off");
    sqlx::raw_sql(statements)
        .execute(&mut *tx)
        .await
        .expect("tampering");
    tx.commit().await.expect("commit");
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_the_newest_rows_is_found_through_the_anchor(pool: PgPool) {
    let data = tempfile::tempdir().expect("data dir");
    audited_actions(&pool, 10).await;
    let (ok, text) = server(&pool, data.path(), &["audit", "anchor"]).await;
    assert!(ok, "{text}");
    assert!(text.contains("Anchored position 10"), "{text}");
    assert!(
        text.contains("anchored the audit chain"),
        "the anchor is logged too: {text}"
    );
    let (ok, text) = server(&pool, data.path(), &["audit", "verify"]).await;
    assert!(ok, "{text}");
    assert!(text.contains("1 anchors match"), "{text}");

    behind_the_triggers(&pool, "delete from actions_audit where chain_position > 5").await;
    assert_eq!(
        app::audit::verify(&pool).await.expect("verify").broken,
        None,
        "the shortened chain holds in itself"
    );
    let (ok, text) = server(&pool, data.path(), &["audit", "verify"]).await;
    assert!(!ok, "{text}");
    assert!(
        text.contains("positions 6 to 10 are missing"),
        "the gap is named: {text}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rewritten_and_recomputed_chain_is_found_through_the_anchor(pool: PgPool) {
    let data = tempfile::tempdir().expect("data dir");
    audited_actions(&pool, 6).await;
    let (ok, text) = server(&pool, data.path(), &["audit", "anchor"]).await;
    assert!(ok, "{text}");

    behind_the_triggers(
        &pool,
        r#"update actions_audit set diff = '{"note_id": {"new": 999}}' where chain_position = 3;
           do $$
           declare
               audit record;
               previous bytea;
           begin
               select row_hash into previous from actions_audit where chain_position = 2;
               for audit in select * from actions_audit where chain_position >= 3
                            order by chain_position loop
                   update actions_audit
                      set diff_digest = sha256(convert_to(audit.diff::text, 'UTF8')),
                          prev_hash = previous,
                          row_hash = actions_audit_row_hash(audit.chain_position,
                              audit.occurred_at, audit.call_id, audit.action_type,
                              audit.actor_kind, audit.actor_id,
                              sha256(convert_to(audit.diff::text, 'UTF8')), previous)
                    where id = audit.id
                   returning row_hash into previous;
               end loop;
           end
           $$;"#,
    )
    .await;
    assert_eq!(
        app::audit::verify(&pool).await.expect("verify").broken,
        None,
        "the recomputed chain holds in itself"
    );
    let (ok, text) = server(&pool, data.path(), &["audit", "verify"]).await;
    assert!(!ok, "{text}");
    assert!(
        text.contains("position 6 does not have the hash anchored"),
        "{text}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_anchor_without_the_keys_signature_is_refused(pool: PgPool) {
    let data = tempfile::tempdir().expect("data dir");
    audited_actions(&pool, 2).await;
    let (ok, text) = server(&pool, data.path(), &["audit", "anchor"]).await;
    assert!(ok, "{text}");
    let anchors = data.path().join("audit-anchors.jsonl");
    let first = std::fs::read_to_string(&anchors).expect("anchor file");
    let forged = first.replace("\"position\":2", "\"position\":1");
    std::fs::write(&anchors, first + &forged).expect("forged line");

    let (ok, text) = server(&pool, data.path(), &["audit", "verify"]).await;
    assert!(!ok, "{text}");
    assert!(
        text.contains("line 2") && text.contains("not signed"),
        "{text}"
    );

    std::fs::remove_file(data.path().join("audit-anchor.key")).expect("key gone");
    let (ok, text) = server(&pool, data.path(), &["audit", "verify"]).await;
    assert!(!ok, "anchors without their key cannot be checked: {text}");
    assert!(text.contains("key"), "{text}");
}

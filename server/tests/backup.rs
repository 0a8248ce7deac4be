//! Backups and their restore: made as in production (a database owned by anrufe_owner, read
//! as the owner), encrypted so only the identity opens them, restored into an empty database
//! with the same calls, without the calls erased after the backup, and refused whole when
//! damaged, foreign or aimed at a database that is not empty.

mod common;

use std::path::PathBuf;

use app::{
    audit::Actor,
    backup::BackupError,
    domain::{CallId, Retention},
    dsgvo::{Subject, erase::erase},
};
use common::backup::{Owned, backed_up, calls_digest, key_pair, restore_into, tables, tombstones};
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn a_restored_backup_holds_the_same_calls_and_an_intact_audit_chain(admin: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (source, created, identity) = backed_up(&admin, dir.path()).await;
    let owner = source.pool("anrufe_owner").await;
    let before = calls_digest(&owner).await;
    assert_eq!(created.manifest.counts["calls"], 40);
    assert_eq!(created.manifest.counts["notes"], 1);
    let bytes = std::fs::read(&created.file.path).expect("backup file");
    assert!(bytes.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(!bytes.windows(16).any(|w| w == b"Bitte zur\xc3\xbcckrufen"));
    let sum = std::fs::read_to_string(format!("{}.sha256", created.file.path.display()))
        .expect("checksum file");
    assert_eq!(
        sum,
        format!("{}  {}\n", created.sha256, created.file.name())
    );

    // The database is lost: everything goes.
    sqlx::query("delete from notes")
        .execute(&owner)
        .await
        .expect("wipe");
    owner.close().await;
    source.drop().await;

    let target = Owned::new(&admin, false).await;
    let restored = restore_into(
        &target,
        &created.file.path,
        &identity,
        &tombstones(dir.path()),
    )
    .await
    .expect("restore");
    assert_eq!(restored.verification.broken, None);
    assert_eq!(restored.purge.counts.calls, 0);
    let pool = target.pool("anrufe_owner").await;
    assert_eq!(calls_digest(&pool).await, before);
    assert_eq!(common::count(&pool, "select count(*) from notes").await, 1);
    assert_eq!(
        common::count(
            &pool,
            "select count(*) from actions_audit where action_type = 'backup_restored'"
        )
        .await,
        1
    );
    // The audit functions still belong to anrufe_audit, which may not create in the schema.
    let guarded: bool = sqlx::query_scalar(
        "select bool_and(proowner::regrole::text = 'anrufe_audit')
                and not has_schema_privilege('anrufe_audit', 'public', 'create')
         from pg_proc where proname like 'actions_audit_%' and prosecdef",
    )
    .fetch_one(&pool)
    .await
    .expect("owners");
    assert!(guarded);
    // The runtime role works on it as before.
    app::db::connect(&target.url(app::db::RUNTIME_ROLE), 1, Retention::default())
        .await
        .expect("the server can start on the restored database");
    pool.close().await;
    target.drop().await;
}

#[sqlx::test(migrations = false)]
async fn a_call_erased_after_the_backup_does_not_come_back_with_it(admin: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (source, created, identity) = backed_up(&admin, dir.path()).await;
    let runtime = source.pool(app::db::RUNTIME_ROLE).await;
    let (id, event): (i64, String) =
        sqlx::query_as("select id, event_id from calls order by id limit 1")
            .fetch_one(&runtime)
            .await
            .expect("a call");
    let stones = tombstones(dir.path());
    erase(
        &runtime,
        &stones,
        Actor::System,
        &Subject::Call(CallId(id)),
        "Löschantrag nach Art. 17",
    )
    .await
    .expect("erase");
    runtime.close().await;
    source.drop().await;

    let target = Owned::new(&admin, false).await;
    let restored = restore_into(&target, &created.file.path, &identity, &stones)
        .await
        .expect("restore");
    assert_eq!(restored.erasures.calls_erased, 1);
    let pool = target.pool("anrufe_owner").await;
    let left: i64 = sqlx::query_scalar("select count(*) from calls where event_id = $1")
        .bind(&event)
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(left, 0, "the erased call is gone again");
    assert_eq!(common::count(&pool, "select count(*) from calls").await, 39);
    assert_eq!(restored.verification.broken, None);
    pool.close().await;
    target.drop().await;
}

#[sqlx::test(migrations = false)]
async fn a_damaged_or_foreign_backup_is_refused_before_anything_is_written(admin: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (source, created, identity) = backed_up(&admin, dir.path()).await;
    let (stranger, _) = key_pair(dir.path(), "other.key");
    source.drop().await;
    let target = Owned::new(&admin, false).await;
    let pool = target.pool("anrufe_owner").await;
    let stones = tombstones(dir.path());
    let restore = |file: PathBuf, key: PathBuf| {
        let (target, stones) = (&target, &stones);
        async move { restore_into(target, &file, &key, stones).await }
    };
    let good = std::fs::read(&created.file.path).expect("backup");
    let copy = |name: &str, bytes: &[u8], with_sum: bool| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("copy");
        if with_sum {
            std::fs::copy(
                format!("{}.sha256", created.file.path.display()),
                format!("{}.sha256", path.display()),
            )
            .expect("checksum copy");
        }
        path
    };

    let wrong = restore(created.file.path.clone(), stranger).await;
    assert!(
        matches!(wrong, Err(BackupError::WrongIdentity { .. })),
        "{wrong:?}"
    );

    let cut = copy("cut.age", &good[..good.len() / 2], true);
    let refused = restore(cut, identity.clone())
        .await
        .expect_err("a cut file");
    assert!(
        matches!(refused, BackupError::Checksum { .. }),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("damaged or incomplete"),
        "{refused}"
    );

    let cut = copy("cut-alone.age", &good[..good.len() - 100], false);
    let refused = restore(cut, identity.clone())
        .await
        .expect_err("a cut file");
    assert!(matches!(refused, BackupError::Damaged { .. }), "{refused}");

    let mut altered = good.clone();
    let middle = altered.len() * 2 / 3;
    altered[middle] ^= 0x01;
    let altered = copy("altered.age", &altered, false);
    let refused = restore(altered, identity.clone())
        .await
        .expect_err("an altered file");
    assert!(matches!(refused, BackupError::Damaged { .. }), "{refused}");

    let not_ours = copy("notes.age", b"Einkaufsliste", false);
    let refused = restore(not_ours, identity.clone())
        .await
        .expect_err("not a backup");
    assert!(
        matches!(refused, BackupError::NotABackup { .. }),
        "{refused}"
    );

    assert_eq!(tables(&pool).await, 0, "nothing was written");

    // A database that is not empty is refused too, and stays as it was.
    sqlx::query("create table kept (id int)")
        .execute(&pool)
        .await
        .expect("table");
    let refused = restore(created.file.path.clone(), identity)
        .await
        .expect_err("a database with tables");
    assert!(matches!(refused, BackupError::NotEmpty(1)), "{refused}");
    assert_eq!(tables(&pool).await, 1);
    pool.close().await;
    target.drop().await;
}

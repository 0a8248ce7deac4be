//! The backup job and the restore drill: backups past the retention period deleted, the drill
//! once a week in a throwaway database, failures where the admin area and the metrics see them.

mod common;

use std::path::Path;

use app::{backup::BackupFile, domain::Retention};
use chrono::{TimeDelta, Utc};
use common::backup::{Owned, key_pair, tools, with_calls};
use server::{
    config::DatabaseUrl,
    jobs::{self, Attempt, Job, Why, backup::Backups},
};
use sqlx::PgPool;

/// The nightly backup job of `source` into `dir`, keeping `keep`, with `drill`.
fn nightly(
    dir: &Path,
    recipients: app::backup::Recipients,
    source: &Owned,
    keep: Retention,
    drill: Option<jobs::backup::Drill>,
) -> Job {
    Job::Backup {
        at: Default::default(),
        backups: Backups {
            dir: dir.to_path_buf(),
            recipients,
            url: DatabaseUrl::from(source.url("anrufe_owner")),
            tools: tools(),
            keep,
        },
        drill,
    }
}

#[sqlx::test(migrations = false)]
async fn the_backup_job_deletes_backups_past_the_retention_period(admin: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let keys = tempfile::tempdir().expect("keys");
    let (_, recipients) = key_pair(keys.path(), "backup.key");
    let old = dir.path().join("anrufe-backup-20200101T030000Z.age");
    let young_name = format!(
        "anrufe-backup-{}.age",
        (Utc::now() - TimeDelta::days(6)).format("%Y%m%dT%H%M%SZ")
    );
    for name in [old.clone(), dir.path().join(&young_name)] {
        std::fs::write(&name, b"x").expect("old backup");
        std::fs::write(format!("{}.sha256", name.display()), b"x").expect("old sum");
    }
    std::fs::write(dir.path().join("notizen.txt"), b"x").expect("another file");
    let source = with_calls(&admin).await;
    let runtime = source.pool(app::db::RUNTIME_ROLE).await;
    let job = nightly(
        dir.path(),
        recipients,
        &source,
        "7".parse().expect("days"),
        None,
    );
    let Attempt::Ran(run) = jobs::run_once(&runtime, &job, Why::Command)
        .await
        .expect("job")
    else {
        panic!("the job was skipped");
    };
    let (outcome, detail): (String, serde_json::Value) =
        sqlx::query_as("select outcome, detail from job_runs where id = $1")
            .bind(run)
            .fetch_one(&runtime)
            .await
            .expect("run");
    assert_eq!(outcome, "ok", "{detail}");
    assert_eq!(
        detail["deleted"],
        serde_json::json!(["anrufe-backup-20200101T030000Z.age"])
    );
    assert!(!old.exists());
    assert!(!Path::new(&format!("{}.sha256", old.display())).exists());
    let left: Vec<String> = BackupFile::list(dir.path())
        .expect("list")
        .iter()
        .map(BackupFile::name)
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0], young_name);
    assert!(dir.path().join("notizen.txt").exists(), "other files stay");

    let status = app::backup::status::status(&runtime).await.expect("status");
    let last = status.last_backup.expect("a last backup");
    assert_eq!(last.file, left[1]);
    assert!(last.bytes > 1000, "{}", last.bytes);
    assert!(!status.backup_overdue);
    assert!(status.drill_overdue, "no drill yet");
    runtime.close().await;
    source.drop().await;
}

#[sqlx::test(migrations = false)]
async fn the_nightly_job_drills_a_backup_once_a_week_in_a_throwaway_database(admin: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let keys = tempfile::tempdir().expect("keys");
    let (identity, recipients) = key_pair(keys.path(), "backup.key");
    let source = with_calls(&admin).await;
    let runtime = source.pool(app::db::RUNTIME_ROLE).await;
    let drill = jobs::backup::Drill {
        dir: dir.path().to_path_buf(),
        file: None,
        identity_file: identity,
        url: DatabaseUrl::from(source.url("anrufe_owner")),
        tools: tools(),
    };
    let nightly = nightly(
        dir.path(),
        recipients,
        &source,
        Retention::default(),
        Some(drill.clone()),
    );
    let throwaway = "select count(*) from pg_database where datname like 'anrufe_drill_%'";
    let before = common::count(&admin, throwaway).await;
    let drills = "select count(*) from job_runs where job = 'restore-drill'";

    jobs::run_once(&runtime, &nightly, Why::Schedule)
        .await
        .expect("backup");
    assert_eq!(
        common::count(&runtime, drills).await,
        1,
        "the first night drills"
    );
    let status = app::backup::status::status(&runtime).await.expect("status");
    let backup = status.last_backup.expect("a backup");
    let last = status.last_drill.expect("a drill");
    assert_eq!(last.error, None);
    assert_eq!(last.file.as_deref(), Some(backup.file.as_str()));
    assert!(!status.drill_overdue);
    let detail: serde_json::Value = sqlx::query_scalar(
        "select detail from job_runs where job = 'restore-drill' order by id desc limit 1",
    )
    .fetch_one(&runtime)
    .await
    .expect("detail");
    assert_eq!(detail["calls"], 40);
    assert_eq!(
        common::count(&admin, throwaway).await,
        before,
        "dropped again"
    );

    jobs::run_once(&runtime, &nightly, Why::Schedule)
        .await
        .expect("backup");
    assert_eq!(
        common::count(&runtime, drills).await,
        1,
        "not again the same week"
    );

    // Damaged: the drill fails, says why, and the admin area and the metrics see it.
    let newest = BackupFile::list(dir.path())
        .expect("list")
        .pop()
        .expect("a backup");
    let bytes = std::fs::read(&newest.path).expect("backup");
    std::fs::write(&newest.path, &bytes[..bytes.len() / 2]).expect("cut");
    jobs::run_once(&runtime, &Job::RestoreDrill(drill), Why::Command)
        .await
        .expect("drill");
    let status = app::backup::status::status(&runtime).await.expect("status");
    let failed = status.last_drill.expect("a drill").error.expect("an error");
    assert!(failed.contains("damaged or incomplete"), "{failed}");
    assert!(status.drill_overdue);
    runtime.close().await;
    source.drop().await;
}

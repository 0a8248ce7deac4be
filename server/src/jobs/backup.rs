//! The nightly backup and the weekly restore drill (`app::backup`).

use std::path::PathBuf;

use anyhow::Context;
use app::{
    backup::{self, BackupError, BackupFile, Identity, PgTools, Recipients},
    domain::{BackupStatus, Retention},
};
use chrono::Utc;
use serde_json::{Value, json};

use crate::config::DatabaseUrl;

/// What the backup job needs: where, to whom, read as which role, kept how long.
#[derive(Clone, Debug)]
pub struct Backups {
    pub dir: PathBuf,
    pub recipients: Recipients,
    /// A role that reads every table: the owner's (MIGRATION_DATABASE_URL) where there is one.
    pub url: DatabaseUrl,
    pub tools: PgTools,
    pub keep: Retention,
}

/// What the restore drill needs; `file` none for the newest backup in `dir`.
#[derive(Clone, Debug)]
pub struct Drill {
    pub dir: PathBuf,
    pub file: Option<PathBuf>,
    pub identity_file: PathBuf,
    /// A role that may create databases; the drill's database is made next to this one.
    pub url: DatabaseUrl,
    pub tools: PgTools,
}

/// Writes a backup, then deletes those older than the retention period.
pub async fn create(job: &Backups) -> anyhow::Result<Value> {
    let created = backup::create(job.url.expose(), &job.dir, &job.recipients, &job.tools).await?;
    let cutoff = Utc::now() - chrono::TimeDelta::days(i64::from(job.keep.days()));
    let deleted = backup::prune(&job.dir, cutoff)?;
    Ok(json!({
        "file": created.file.name(),
        "bytes": created.bytes,
        "sha256": created.sha256,
        "calls": created.manifest.counts.get("calls"),
        "audit_head": created.manifest.audit_head.map(|head| head.position),
        "deleted": deleted.iter().map(BackupFile::name).collect::<Vec<_>>(),
    }))
}

/// Restores a backup into a throwaway database and compares it with its manifest; fails when
/// it does not match.
pub async fn drill(job: &Drill) -> anyhow::Result<Value> {
    let identity = Identity::from_file(&job.identity_file)?;
    let file = match &job.file {
        Some(file) => file.clone(),
        None => BackupFile::list(&job.dir)?
            .pop()
            .map(|newest| newest.path)
            .ok_or_else(|| BackupError::NoBackup(job.dir.clone()))?,
    };
    let drill = backup::drill(&file, &identity, job.url.expose(), &job.tools)
        .await
        .with_context(|| format!("the drill of {}", file.display()))?;
    if !drill.differences.is_empty() {
        return Err(BackupError::Mismatch(drill.differences))
            .with_context(|| format!("the drill of {}", file.display()));
    }
    Ok(json!({
        "file": file.file_name().map(|name| name.to_string_lossy().into_owned()),
        "taken_at": drill.manifest.taken_at,
        "calls": drill.restored.counts.get("calls"),
        "audit_head": drill.restored.audit_head.map(|head| head.position),
    }))
}

/// Sets the backup gauges from `status`: the time and size of the last backup, whether the
/// newest run failed, the time and outcome of the last drill.
pub fn gauges(status: &BackupStatus) {
    if let Some(done) = &status.last_backup {
        metrics::gauge!("anrufe_backup_last_success_timestamp_seconds")
            .set(done.at.timestamp() as f64);
        metrics::gauge!("anrufe_backup_last_size_bytes").set(done.bytes as f64);
    }
    metrics::gauge!("anrufe_backup_failing").set(if status.failed_since.is_some() {
        1.0
    } else {
        0.0
    });
    if let Some(drill) = &status.last_drill {
        metrics::gauge!("anrufe_restore_drill_last_timestamp_seconds")
            .set(drill.at.timestamp() as f64);
        metrics::gauge!("anrufe_restore_drill_last_ok").set(if drill.error.is_none() {
            1.0
        } else {
            0.0
        });
    }
}

/// Registers the backup metrics' help texts; call once where a recorder is installed.
pub fn describe() {
    metrics::describe_gauge!(
        "anrufe_backup_last_success_timestamp_seconds",
        "When the last backup was written (alert when older than 26 hours)."
    );
    metrics::describe_gauge!(
        "anrufe_backup_last_size_bytes",
        "The size of the last backup file."
    );
    metrics::describe_gauge!(
        "anrufe_backup_failing",
        "1 when the newest backup run failed and none succeeded since."
    );
    metrics::describe_gauge!(
        "anrufe_restore_drill_last_timestamp_seconds",
        "When the last restore drill ended."
    );
    metrics::describe_gauge!(
        "anrufe_restore_drill_last_ok",
        "1 when the last restore drill matched its manifest, 0 when it failed."
    );
}

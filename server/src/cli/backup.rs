//! `server backup create|list|restore|verify|keygen`. Create and verify go through the same
//! job runs as the server's schedule (recorded, locked); restore and keygen need no running
//! database of Anrufe at all.

use anyhow::{Context, bail};
use app::{
    at_rest::Keyring,
    backup::{self, BackupFile, Identity},
};
use sqlx::PgPool;

use super::say;
use crate::{
    backup::BackupCommand,
    config::Config,
    jobs::{self, Attempt, Job, Why},
};

/// Restore and keygen, which run before (and without) the server's own database.
pub async fn standalone(config: &Config) -> Option<anyhow::Result<bool>> {
    let Some(crate::config::Command::Backup(command)) = &config.command else {
        return None;
    };
    match command {
        BackupCommand::Keygen { out } => Some(keygen(out)),
        BackupCommand::Restore {
            file,
            identity,
            into,
        } => Some(restore(config, file, identity, into.expose()).await),
        _ => None,
    }
}

/// Create, list and verify, with the server's database to record them in.
pub(super) async fn run(
    pool: &PgPool,
    config: &Config,
    command: &BackupCommand,
) -> anyhow::Result<bool> {
    match command {
        BackupCommand::Create => {
            let Some(backups) = config.backups() else {
                bail!("set BACKUP_DIR and BACKUP_RECIPIENTS (README, \"Backups\")");
            };
            let job = Job::Backup {
                at: config.backup.backup_at,
                backups,
                drill: None,
            };
            report(pool, &job, |detail| {
                let deleted = detail["deleted"].as_array().map_or(0, Vec::len);
                format!(
                    "Wrote {} ({} bytes, sha256 {}); deleted {deleted} backups past the retention period.",
                    detail["file"].as_str().unwrap_or_default(),
                    detail["bytes"],
                    detail["sha256"].as_str().unwrap_or_default(),
                )
            })
            .await
        }
        BackupCommand::List => {
            let dir = config
                .backup
                .backup_dir
                .as_ref()
                .context("set BACKUP_DIR (README, \"Backups\")")?;
            let backups = BackupFile::list(dir)?;
            if backups.is_empty() {
                say(&format!("There is no backup in {} yet.", dir.display()));
            }
            for backup in backups {
                let bytes = std::fs::metadata(&backup.path).map_or(0, |meta| meta.len());
                say(&format!(
                    "{}  {}  {bytes} bytes",
                    backup.taken_at.format("%Y-%m-%d %H:%M UTC"),
                    backup.name()
                ));
            }
            Ok(true)
        }
        BackupCommand::Verify { file, identity } => {
            if file.is_none() && config.backup.backup_dir.is_none() {
                bail!("name the backup file, or set BACKUP_DIR to drill the newest");
            }
            let job = Job::RestoreDrill(config.drill(file.clone(), identity.clone()));
            report(pool, &job, |detail| {
                format!(
                    "The restore drill of {} matched its manifest: {} calls, audit chain up to position {}; the throwaway database is dropped.",
                    detail["file"].as_str().unwrap_or_default(),
                    detail["calls"],
                    detail["audit_head"],
                )
            })
            .await
        }
        BackupCommand::Restore { .. } | BackupCommand::Keygen { .. } => {
            unreachable!("run by `standalone` before the database is opened")
        }
    }
}

/// Runs `job` now, recorded like a scheduled run, and says how it went.
async fn report(
    pool: &PgPool,
    job: &Job,
    done: impl FnOnce(&serde_json::Value) -> String,
) -> anyhow::Result<bool> {
    let Attempt::Ran(run) = jobs::run_once(pool, job, Why::Command).await? else {
        say("Another instance is running it right now; nothing was done.");
        return Ok(false);
    };
    let row = sqlx::query!(
        r#"select outcome = 'ok' as "ok!", detail, coalesce(error, '') as "error!"
           from job_runs where id = $1"#,
        run
    )
    .fetch_one(pool)
    .await?;
    if row.ok {
        say(&done(&row.detail));
    } else {
        say(&format!("It failed: {}", row.error));
    }
    Ok(row.ok)
}

fn keygen(out: &std::path::Path) -> anyhow::Result<bool> {
    let public = backup::generate_identity(out)?;
    say(&format!(
        "Wrote the identity to {} (readable by you only). Keep it offline, not on the server: \
         whoever holds it can read every backup.\nPublic key for BACKUP_RECIPIENTS:\n{public}",
        out.display()
    ));
    Ok(true)
}

async fn restore(
    config: &Config,
    file: &std::path::Path,
    identity: &std::path::Path,
    into: &str,
) -> anyhow::Result<bool> {
    let identity = Identity::from_file(identity)?;
    let keys = config.data.data_keys_file();
    if keys.exists() {
        Keyring::read(&keys)
            .and_then(Keyring::install)
            .context("the data keys are not usable")?;
    }
    let tombstones = config.data.tombstones()?;
    let restored = backup::restore(
        file,
        &identity,
        into,
        &config.backup.tools(),
        config.retention_days,
        &tombstones,
    )
    .await?;
    let chain = match &restored.verification.broken {
        None => format!(
            "the audit chain holds ({} rows)",
            restored.verification.rows
        ),
        Some(broken) => format!(
            "THE AUDIT CHAIN IS BROKEN at position {}: {}",
            broken.chain_position, broken.reason
        ),
    };
    say(&format!(
        "Restored the backup of {} (schema version {}). Deleted right after: {} calls past the \
         retention period (purge run {}); erased again: {} calls erased after the backup; {chain}.",
        restored.manifest.taken_at.format("%Y-%m-%d %H:%M UTC"),
        restored.manifest.schema_version,
        restored.purge.counts.calls,
        restored.purge.run,
        restored.erasures.calls_erased,
    ));
    Ok(restored.verification.broken.is_none())
}

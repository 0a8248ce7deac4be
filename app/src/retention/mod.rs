//! Retention (seed 000 §15, README "Retention"): nothing personal outlives the retention
//! period, and the data-protection officer can prove it.
//!
//! - Every read of calls hides those received before `call_retention_cutoff()` (in `db`,
//!   `service` and `masking`), so the period holds before the purge has run.
//! - [`purge`] deletes what is due: calls hour by hour with their history, notes, reveal
//!   reasons and audit diffs, after writing their anonymous aggregates ([`stats`]) in the same
//!   transaction; then dead letters, the blocked-content log, old audit rows ([`sweep`]) and
//!   fully imported call files ([`files`]). Each run is a row of `purge_runs` and an audit row.
//! - [`overview`] is what the admin area and the metrics show: the last runs and how many
//!   records are past the period right now (0 unless the purge fails).

mod calls;
mod files;
pub mod overview;
mod schedule;
pub mod stats;
mod sweep;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

pub use schedule::PurgeTime;

use crate::{
    audit::{self, Actor},
    domain::{AuditAction, PurgeCounts, PurgeOutcome, PurgeTrigger},
};

/// How a purge is to run.
#[derive(Clone, Debug)]
pub struct PurgeOptions {
    pub trigger: PurgeTrigger,
    /// Count what is due, delete nothing.
    pub dry_run: bool,
    /// The importer's directory, whose fully imported old call files go too.
    pub import_dir: Option<PathBuf>,
    /// Pause after each hour of calls so that the front desk's reads stay fast (see
    /// [`yield_to_readers`]); the nightly job and the command do, tests need not.
    pub yield_to_readers: bool,
}

/// What a finished purge run reports.
#[derive(Clone, Debug, PartialEq)]
pub struct PurgeReport {
    /// Its `purge_runs` row.
    pub run: i64,
    pub cutoff: DateTime<Utc>,
    pub dry_run: bool,
    pub counts: PurgeCounts,
}

/// Why a purge did not run to its end.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error("another purge is running (in this or another server instance)")]
    Busy,
    #[error("the database could not be reached or refused the purge: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not delete an old call file: {0}")]
    Files(#[from] files::FileError),
}

/// Runs one purge under a lock that keeps a second purge out, recording it in `purge_runs`
/// and the audit trail. `progress` hears the counts after each committed batch. A run that
/// fails part-way keeps what it committed (each batch is whole) and is recorded as failed.
pub async fn purge(
    pool: &PgPool,
    options: &PurgeOptions,
    mut progress: impl FnMut(&PurgeCounts),
) -> Result<PurgeReport, PurgeError> {
    let mut lock = pool.begin().await?;
    let locked = sqlx::query_scalar!(
        r#"select pg_try_advisory_xact_lock(hashtext('anrufe-retention-purge')) as "locked!""#
    )
    .fetch_one(&mut *lock)
    .await?;
    if !locked {
        return Err(PurgeError::Busy);
    }
    // Under the lock, a run still `running` is one that was killed.
    sqlx::query!(
        "update purge_runs set outcome = 'interrupted', finished_at = now()
         where outcome = 'running'"
    )
    .execute(pool)
    .await?;
    let run = sqlx::query!(
        r#"insert into purge_runs (trigger, dry_run, retention_days, cutoff)
           values ($1, $2, retention_days(), call_retention_cutoff())
           returning id, cutoff"#,
        options.trigger as PurgeTrigger,
        options.dry_run,
    )
    .fetch_one(pool)
    .await?;
    let mut counts = PurgeCounts::default();
    let result = if options.dry_run {
        sweep::count_due(pool, run.cutoff, options.import_dir.as_deref())
            .await
            .map(|due| counts = due)
    } else {
        delete_due(
            pool,
            run.id,
            run.cutoff,
            options,
            &mut counts,
            &mut progress,
        )
        .await
    };
    let recorded = finish(pool, run.id, run.cutoff, options.dry_run, &counts, &result).await;
    // The run's own error says more than a failure to record it (e.g. the database is gone).
    result?;
    recorded?;
    lock.commit().await?;
    Ok(PurgeReport {
        run: run.id,
        cutoff: run.cutoff,
        dry_run: options.dry_run,
        counts,
    })
}

/// Pauses 19 times as long as the last batch took (up to two seconds): the purge then has the
/// database for at most a twentieth of the time, so fewer than one in twenty of the front
/// desk's reads meet a batch and their p95 stays as it is (`cargo bench -p server --bench
/// purge`). A night's calls go in seconds still; a backlog of 100 000 in a few minutes.
async fn yield_to_readers(batch: std::time::Duration) {
    tokio::time::sleep((batch * 19).min(std::time::Duration::from_secs(2))).await;
}

/// Records how run `run` ended, in its row and the audit trail.
async fn finish(
    pool: &PgPool,
    run: i64,
    cutoff: DateTime<Utc>,
    dry_run: bool,
    counts: &PurgeCounts,
    result: &Result<(), PurgeError>,
) -> sqlx::Result<()> {
    let (outcome, error) = match result {
        Ok(()) => (PurgeOutcome::Ok, None),
        Err(error) => (PurgeOutcome::Failed, Some(error.to_string())),
    };
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update purge_runs set finished_at = now(), outcome = $2, counts = $3, error = $4
         where id = $1",
        run,
        outcome as PurgeOutcome,
        json!(counts),
        error,
    )
    .execute(&mut *tx)
    .await?;
    let diff = json!({
        "run": run,
        "dry_run": dry_run,
        "cutoff": cutoff,
        "outcome": outcome,
        "counts": counts,
    });
    audit::record(
        &mut tx,
        Actor::System,
        AuditAction::RetentionPurged,
        None,
        diff,
    )
    .await?;
    tx.commit().await
}

async fn delete_due(
    pool: &PgPool,
    run: i64,
    cutoff: DateTime<Utc>,
    options: &PurgeOptions,
    counts: &mut PurgeCounts,
    progress: &mut impl FnMut(&PurgeCounts),
) -> Result<(), PurgeError> {
    loop {
        let started = std::time::Instant::now();
        if !calls::delete_oldest_hour(pool, run, cutoff, counts).await? {
            break;
        }
        progress(counts);
        if options.yield_to_readers {
            yield_to_readers(started.elapsed()).await;
        }
    }
    sweep::delete_rest(pool, run, cutoff, counts, progress).await?;
    if let Some(dir) = &options.import_dir {
        files::delete_old(pool, dir, cutoff, counts).await?;
        progress(counts);
    }
    sqlx::query!("select retention_analyze()")
        .execute(pool)
        .await?;
    Ok(())
}

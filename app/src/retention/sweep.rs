//! The rest of a purge after the calls: dead letters, the blocked-content log and the oldest
//! audit rows; and the dry run's count of everything due.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::files;
use crate::domain::PurgeCounts;

/// Rows deleted per transaction, small enough that nothing waits on them for long.
const BATCH: i64 = 5_000;

/// Writes the counts so far into run `run`'s row, in the transaction that deleted them.
pub(super) async fn record_counts(
    conn: &mut PgConnection,
    run: i64,
    counts: &PurgeCounts,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update purge_runs set counts = $2 where id = $1",
        run,
        json!(counts)
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The logs of rejected lines the purge empties of old entries.
#[derive(Clone, Copy)]
enum Log {
    DeadLetters,
    Blocked,
}

impl Log {
    fn count(self, counts: &mut PurgeCounts) -> &mut i64 {
        match self {
            Self::DeadLetters => &mut counts.dead_letters,
            Self::Blocked => &mut counts.blocked_entries,
        }
    }

    /// Deletes up to [`BATCH`] of the oldest entries written before `cutoff`.
    async fn delete_batch(
        self,
        conn: &mut PgConnection,
        cutoff: DateTime<Utc>,
    ) -> sqlx::Result<i64> {
        let done = match self {
            Self::DeadLetters => sqlx::query!(
                "delete from dead_letters where id in (
                     select id from dead_letters where created_at < $1 order by id limit $2)",
                cutoff,
                BATCH,
            )
            .execute(conn)
            .await?,
            Self::Blocked => sqlx::query!(
                "delete from blocked_content_log where id in (
                     select id from blocked_content_log where occurred_at < $1 order by id limit $2)",
                cutoff,
                BATCH,
            )
            .execute(conn)
            .await?,
        };
        Ok(done.rows_affected() as i64)
    }
}

/// Deletes dead letters and blocked-content entries written before `cutoff`, in batches, then
/// the audit rows before it from the start of the chain (the chain then starts at an
/// `audit_pruned` row that names the last removed hash, and still verifies).
pub(super) async fn delete_rest(
    pool: &PgPool,
    run: i64,
    cutoff: DateTime<Utc>,
    counts: &mut PurgeCounts,
    progress: &mut impl FnMut(&PurgeCounts),
) -> sqlx::Result<()> {
    for log in [Log::DeadLetters, Log::Blocked] {
        loop {
            let mut tx = pool.begin().await?;
            let deleted = log.delete_batch(&mut tx, cutoff).await?;
            *log.count(counts) += deleted;
            record_counts(&mut tx, run, counts).await?;
            tx.commit().await?;
            progress(counts);
            if deleted < BATCH {
                break;
            }
        }
    }
    let mut tx = pool.begin().await?;
    let pruned = sqlx::query_scalar!(r#"select actions_audit_prune($1) as "pruned!""#, cutoff)
        .fetch_one(&mut *tx)
        .await?;
    counts.audit_rows += pruned;
    record_counts(&mut tx, run, counts).await?;
    tx.commit().await?;
    progress(counts);
    Ok(())
}

/// What a purge with `cutoff` would delete now.
pub(super) async fn count_due(
    pool: &PgPool,
    cutoff: DateTime<Utc>,
    import_dir: Option<&Path>,
) -> Result<PurgeCounts, super::PurgeError> {
    let row = sqlx::query!(
        r#"with due as (select id from calls where received_at < $1
                          and not coalesce(legal_hold_until >= current_date, false))
           select
             (select count(*) from due) as "calls!",
             (select count(*) from call_status where call_id in (select id from due)) as "status_entries!",
             (select count(*) from notes where call_id in (select id from due)) as "notes!",
             (select count(*) from pii_reveals where call_id in (select id from due)) as "reveals!",
             (select count(*) from actions_audit
               where call_id in (select id from due) and diff_erased_at is null) as "audit_diffs!",
             (select count(*) from actions_audit
               where chain_position < coalesce(
                 (select min(chain_position) from actions_audit where occurred_at >= $1),
                 (select max(chain_position) from actions_audit))) as "audit_rows!",
             (select count(*) from dead_letters where created_at < $1) as "dead_letters!",
             (select count(*) from blocked_content_log where occurred_at < $1) as "blocked_entries!""#,
        cutoff,
    )
    .fetch_one(pool)
    .await?;
    let files = match import_dir {
        Some(dir) => files::due(pool, dir, cutoff).await?.len() as i64,
        None => 0,
    };
    Ok(PurgeCounts {
        calls: row.calls,
        status_entries: row.status_entries,
        notes: row.notes,
        reveals: row.reveals,
        audit_diffs: row.audit_diffs,
        audit_rows: row.audit_rows,
        dead_letters: row.dead_letters,
        blocked_entries: row.blocked_entries,
        files,
    })
}

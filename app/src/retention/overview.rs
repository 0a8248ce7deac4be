//! What the admin area and the metrics show of retention.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::{
    HeldCall, LegalHold, PurgeCounts, PurgeOutcome, PurgeRun, PurgeTrigger, RetentionOverview,
};

/// How many runs the admin area lists.
const RUNS_SHOWN: i64 = 20;

/// Records past the period right now: calls (but those under a legal hold), dead letters,
/// blocked-content entries and audit rows received or written before the cutoff. 0 unless the
/// purge is failing or not running.
pub async fn past_retention(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select
             (select count(*) from calls where received_at < call_retention_cutoff()
               and not coalesce(legal_hold_until >= current_date, false))
           + (select count(*) from dead_letters where created_at < call_retention_cutoff())
           + (select count(*) from blocked_content_log where occurred_at < call_retention_cutoff())
           + (select count(*) from actions_audit where occurred_at < call_retention_cutoff())
           as "past!""#
    )
    .fetch_one(pool)
    .await
}

/// When the last purge that deleted (not a dry run) ended well.
pub async fn last_success(pool: &PgPool) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        "select max(finished_at) from purge_runs where outcome = 'ok' and not dry_run"
    )
    .fetch_one(pool)
    .await
}

/// The period, the last runs and what is past the period now; `next_run` is the scheduler's.
pub async fn overview(
    pool: &PgPool,
    next_run: Option<DateTime<Utc>>,
) -> sqlx::Result<RetentionOverview> {
    let now =
        sqlx::query!(r#"select retention_days() as "days!", call_retention_cutoff() as "cutoff!""#)
            .fetch_one(pool)
            .await?;
    let runs = sqlx::query!(
        r#"select id, started_at, finished_at, trigger as "trigger: PurgeTrigger", dry_run,
                  retention_days, cutoff, counts, outcome as "outcome: PurgeOutcome", error
           from purge_runs order by started_at desc, id desc limit $1"#,
        RUNS_SHOWN,
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| PurgeRun {
        id: row.id,
        started_at: row.started_at,
        finished_at: row.finished_at,
        trigger: row.trigger,
        dry_run: row.dry_run,
        retention_days: row.retention_days,
        cutoff: row.cutoff,
        counts: serde_json::from_value::<PurgeCounts>(row.counts).unwrap_or_default(),
        outcome: row.outcome,
        error: row.error,
    })
    .collect();
    let holds = sqlx::query!(
        r#"select id, received_at, legal_hold_until as "until!", legal_hold_reason as "reason!"
           from calls where legal_hold_until is not null order by legal_hold_until, id"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| HeldCall {
        id: row.id,
        received_at: row.received_at,
        hold: LegalHold {
            until: row.until,
            reason: row.reason,
        },
    })
    .collect();
    Ok(RetentionOverview {
        retention_days: now.days,
        cutoff: now.cutoff,
        next_run,
        past_retention: past_retention(pool).await?,
        runs,
        holds,
        backups: crate::backup::status::status(pool).await?,
    })
}

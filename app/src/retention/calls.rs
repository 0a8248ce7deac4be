//! Deleting the calls past the period, one hour of calls per transaction: their aggregates,
//! the calls with what hangs off them (`db::deletion`) and the run's counts go in together, so
//! a crash never loses an hour's figures or counts it twice.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::stats::{self, PurgedCall};
use crate::{
    db::deletion::{self, Why},
    domain::{CallStatus, Priority, PurgeCounts},
};

/// Deletes the calls of the oldest hour that has calls received before `cutoff` (an hour
/// boundary, so the whole hour is due) and adds what went to `counts` and to run `run`'s row;
/// calls under a legal hold stay. False when no call is due.
pub(super) async fn delete_oldest_hour(
    pool: &PgPool,
    run: i64,
    cutoff: DateTime<Utc>,
    counts: &mut PurgeCounts,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let hour = sqlx::query_scalar!(
        r#"select date_trunc('hour', min(received_at), 'UTC') as "hour"
           from calls
           where received_at < $1 and not coalesce(legal_hold_until >= current_date, false)"#,
        cutoff,
    )
    .fetch_one(&mut *tx)
    .await?;
    let Some(hour) = hour else {
        return Ok(false);
    };
    let rows = sqlx::query!(
        r#"select c.id, c.received_at, c.source, c.topic, c.priority as "priority: Priority",
                  c.status as "status: CallStatus",
                  (select max(s.changed_at) from call_status s
                    where s.call_id = c.id and s.status = 'DONE') as done_at
           from calls c
           where c.received_at >= $1 and c.received_at < $1 + interval '1 hour'
             and c.received_at < $2
             and not coalesce(c.legal_hold_until >= current_date, false)
           order by c.id
           for update of c"#,
        hour,
        cutoff,
    )
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let purged: Vec<PurgedCall> = rows
        .into_iter()
        .map(|row| PurgedCall {
            received_at: row.received_at,
            source: row.source,
            topic: row.topic,
            priority: row.priority,
            done: row.status == CallStatus::Done,
            done_at: row.done_at,
        })
        .collect();
    for row in stats::aggregate(&purged) {
        // A second part of an hour (only if a call arrived after its first part went) adds
        // its counts; the times to done of the first part stay.
        sqlx::query!(
            "insert into daily_stats (hour_start, source, category, priority, calls, done,
                                      median_seconds_to_done, p90_seconds_to_done)
             values ($1, $2, $3, $4, $5, $6, $7, $8)
             on conflict (hour_start, source, category, priority) do update
             set calls = daily_stats.calls + excluded.calls,
                 done = daily_stats.done + excluded.done,
                 median_seconds_to_done = coalesce(daily_stats.median_seconds_to_done,
                                                   excluded.median_seconds_to_done),
                 p90_seconds_to_done = coalesce(daily_stats.p90_seconds_to_done,
                                                excluded.p90_seconds_to_done)",
            row.hour_start,
            row.source,
            row.category.as_str(),
            row.priority as Priority,
            row.calls,
            row.done,
            row.median_seconds_to_done,
            row.p90_seconds_to_done,
        )
        .execute(&mut *tx)
        .await?;
    }
    let deleted = deletion::delete_calls(&mut tx, &ids, Why::Retention).await?;
    counts.calls += deleted.calls;
    counts.status_entries += deleted.status_entries;
    counts.notes += deleted.notes;
    counts.reveals += deleted.reveals;
    counts.audit_diffs += deleted.audit_diffs;
    super::sweep::record_counts(&mut tx, run, counts).await?;
    tx.commit().await?;
    Ok(true)
}

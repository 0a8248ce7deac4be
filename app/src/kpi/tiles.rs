//! The desk's tiles, in one statement: one pass over the open calls and one over those done
//! today, each an index-only scan of its index (migration `add_done_at`).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::DeskTiles;
use crate::{db::calls::Restricted, domain::TimeRange};

/// The tiles at `now` over the calls `restricted` lets the reader see (agents: not restricted
/// ones, nor those of sources the policy hides from them).
pub async fn read(
    conn: &mut PgConnection,
    restricted: Restricted,
    now: DateTime<Utc>,
) -> sqlx::Result<DeskTiles> {
    let (today, _) = TimeRange::Today.bounds(now);
    // The retention cutoff as a sub-select: computed once, not for every row of the done scan.
    let row = sqlx::query!(
        r#"with open as (
               select count(*) as count, min(received_at) as oldest from calls c
                where c.status <> 'DONE' and c.received_at >= (select call_retention_cutoff())
                  and ($2 or (c.restricted_at is null
                              and c.source in (select source from policy_sources where agents_see)))
           ),
           done as (
               select count(*) as count,
                      percentile_cont(0.5) within group
                        (order by extract(epoch from c.done_at - c.received_at)) as median
                 from calls c
                where c.done_at >= $1 and c.received_at >= (select call_retention_cutoff())
                  and ($2 or (c.restricted_at is null
                              and c.source in (select source from policy_sources where agents_see)))
           )
           select open.count as "open!", open.oldest as oldest_open,
                  done.count as "done_today!", done.median as median_seconds
             from open, done"#,
        today,
        restricted == Restricted::Shown,
    )
    .fetch_one(conn)
    .await?;
    Ok(DeskTiles {
        open: row.open,
        oldest_open: row.oldest_open,
        done_today: row.done_today,
        median_seconds_to_done_today: row.median_seconds.map(|seconds| seconds.round() as i64),
    })
}

//! Replays dead letters: validates each stored line again under today's policy (for example
//! after an admin allowed a source) and imports those that now pass. A line that passes is
//! stored and its dead letter removed in the same transaction; the others stay.

use std::collections::BTreeMap;

use app::{at_rest, dsgvo::tombstones::ErasureKey};
use sqlx::PgPool;

use crate::{
    ImportError,
    store::{self, BatchCounts},
    validate::{self, Outcome, Reason},
};

/// Dead letters handled in one transaction.
const CHUNK: i64 = 1_000;

/// What a replay did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplaySummary {
    /// Lines that now pass, with what storing them did.
    pub imported: BatchCounts,
    /// Lines that now pass but are older than the retention period: removed, not stored.
    pub expired: u64,
    /// Lines that still fail, by their reason now.
    pub still_rejected: BTreeMap<Reason, u64>,
    /// Lines kept only in part (longer than 16 KiB), which cannot be validated again.
    pub incomplete: u64,
}

impl std::fmt::Display for ReplaySummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let still: u64 = self.still_rejected.values().sum();
        write!(
            f,
            "imported: {} new, {} updated, {} unchanged; erased (skipped): {}; expired: {}; still rejected: {still}; incomplete: {}",
            self.imported.new,
            self.imported.updated,
            self.imported.unchanged,
            self.imported.erased,
            self.expired,
            self.incomplete
        )?;
        for (reason, count) in &self.still_rejected {
            write!(f, "\n  {}: {count}", reason.code())?;
        }
        Ok(())
    }
}

/// Replays the dead letters with reason `only` (or all), oldest first.
pub async fn replay(
    pool: &PgPool,
    key: &ErasureKey,
    only: Option<Reason>,
) -> Result<ReplaySummary, ImportError> {
    let policy = store::policy(pool).await?;
    let mut summary = ReplaySummary::default();
    let mut after = 0_i64;
    loop {
        let mut tx = pool.begin().await?;
        let letters = sqlx::query!(
            "select id, raw_line, raw_line_sealed, raw_truncated from dead_letters
             where id > $1 and ($2::text is null or reason = $2)
             order by id limit $3 for update",
            after,
            only.map(Reason::code),
            CHUNK,
        )
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = letters.last() else { break };
        after = last.id;
        let mut passed = Vec::new();
        let mut events = Vec::new();
        for letter in letters {
            if letter.raw_truncated {
                summary.incomplete += 1;
                continue;
            }
            let line = at_rest::open_line(letter.raw_line, letter.raw_line_sealed.as_deref())?;
            match validate::validate(&line, &policy) {
                Outcome::Call(event) => {
                    events.push(*event);
                    passed.push(letter.id);
                }
                Outcome::Expired => {
                    summary.expired += 1;
                    passed.push(letter.id);
                }
                Outcome::Rejected(rejection) => {
                    *summary.still_rejected.entry(rejection.reason).or_default() += 1;
                }
            }
        }
        let counts = store::store_events(&mut tx, key, &events).await?;
        sqlx::query!("delete from dead_letters where id = any($1)", &passed)
            .execute(&mut *tx)
            .await?;
        store::notify(&mut tx, counts).await?;
        tx.commit().await?;
        summary.imported.new += counts.new;
        summary.imported.updated += counts.updated;
        summary.imported.unchanged += counts.unchanged;
        summary.imported.erased += counts.erased;
    }
    Ok(summary)
}

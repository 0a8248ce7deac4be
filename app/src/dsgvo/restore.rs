//! After a restore: the tombstones of the file outside the database meet those in it, and the
//! calls a restored backup brought back are erased again.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::tombstones::{
    ErasureKey, Incoming, Tombstone, TombstoneFileError, TombstoneKind, Tombstones, erased,
    exclude_imports, insert,
};
use crate::{
    audit::{self, Actor},
    db::deletion::{self, Why},
    domain::AuditAction,
};

/// What [`restore`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Restored {
    /// Tombstones of the file the database lacked (it was restored from an older backup).
    pub into_database: usize,
    /// Tombstones of the database the file lacked (writing it failed after an erasure).
    pub into_file: usize,
    /// Calls that had come back with the backup and were erased again.
    pub calls_erased: i64,
}

/// Brings the database's and the file's tombstones together, and erases again the calls that
/// match a tombstone the database lacked: what the server does at start, so that restoring a
/// backup from before an erasure does not bring the erased calls back.
pub async fn restore(
    pool: &PgPool,
    tombstones: &Tombstones,
) -> Result<Restored, TombstoneFileError> {
    let in_file = tombstones.read()?;
    let mut tx = pool.begin().await?;
    exclude_imports(&mut tx).await?;
    let events: HashSet<Vec<u8>> = sqlx::query_scalar!("select event_key from erased_events")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    let callers: Vec<(Vec<u8>, DateTime<Utc>)> =
        sqlx::query!("select number_key, erased_at from erased_callers")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|row| (row.number_key, row.erased_at))
            .collect();
    let missing: Vec<Tombstone> = in_file
        .iter()
        .filter(|stone| match stone.kind {
            TombstoneKind::Event => !events.contains(&stone.key),
            TombstoneKind::Caller => !callers
                .iter()
                .any(|(key, at)| *key == stone.key && *at >= stone.erased_at),
        })
        .cloned()
        .collect();
    let unwritten: Vec<Tombstone> = events
        .iter()
        .filter(|key| {
            !in_file
                .iter()
                .any(|s| s.kind == TombstoneKind::Event && s.key == **key)
        })
        .map(|key| Tombstone {
            kind: TombstoneKind::Event,
            key: key.clone(),
            erased_at: Utc::now(),
        })
        .chain(
            callers
                .iter()
                .filter(|(key, at)| {
                    !in_file.iter().any(|s| {
                        s.kind == TombstoneKind::Caller && s.key == *key && s.erased_at >= *at
                    })
                })
                .map(|(key, at)| Tombstone {
                    kind: TombstoneKind::Caller,
                    key: key.clone(),
                    erased_at: *at,
                }),
        )
        .collect();
    let mut restored = Restored {
        into_database: missing.len(),
        into_file: unwritten.len(),
        calls_erased: 0,
    };
    if !missing.is_empty() {
        insert(&mut tx, &missing).await?;
        restored.calls_erased = erase_returned(&mut tx, &tombstones.key).await?;
    }
    tx.commit().await?;
    if !unwritten.is_empty() {
        tombstones.append(&unwritten)?;
    }
    Ok(restored)
}

/// Erases the calls that match a tombstone (all of them are read: this runs only after a
/// restore), with an audit row that says why.
async fn erase_returned(conn: &mut PgConnection, key: &ErasureKey) -> sqlx::Result<i64> {
    let calls = sqlx::query!(
        "select id, event_id, caller_number, received_at from calls order by id for update"
    )
    .fetch_all(&mut *conn)
    .await?;
    let incoming: Vec<Incoming<'_>> = calls
        .iter()
        .map(|call| Incoming {
            event_id: &call.event_id,
            caller_number: call.caller_number.as_deref(),
            received_at: call.received_at,
        })
        .collect();
    const CHUNK: usize = 10_000;
    let mut ids = Vec::new();
    for (n, part) in incoming.chunks(CHUNK).enumerate() {
        let found = erased(conn, key, part).await?;
        ids.extend(found.into_iter().map(|i| calls[n * CHUNK + i].id));
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let deleted = deletion::delete_calls(conn, &ids, Why::Erasure).await?;
    let diff = serde_json::json!({
        "subject": "restored_tombstones",
        "call_ids": ids,
        "deleted": { "calls": deleted.calls, "notes": deleted.notes,
                     "status_entries": deleted.status_entries, "reveals": deleted.reveals,
                     "audit_diffs": deleted.audit_diffs },
        "reason": "the tombstone file names calls the restored database still held",
    });
    audit::record(conn, Actor::System, AuditAction::DsgvoErased, None, diff).await?;
    Ok(deleted.calls)
}

//! The audit trail: who did what, written in the same transaction as the change, and the check
//! that nobody edited it afterwards.
//!
//! The database chains the rows (migration `chain_actions_audit`): each row's `row_hash` covers
//! its content and the previous row's hash. [`verify`] recomputes the chain here, independently
//! of the database's own functions, and names the first row that does not fit.

use futures_util::TryStreamExt;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::domain::AuditAction;

/// Who makes a change, as recorded in the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in user, or a program with one of the user's API tokens.
    User(i64),
    /// Nobody logged in, e.g. a failed login.
    Anonymous,
    /// Whoever runs the server's administration commands, or the server itself.
    System,
}

impl Actor {
    fn kind(self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Anonymous => "anonymous",
            Self::System => "system",
        }
    }

    pub fn user_id(self) -> Option<i64> {
        match self {
            Self::User(id) => Some(id),
            Self::Anonymous | Self::System => None,
        }
    }
}

/// Writes one audit row inside the caller's transaction. `diff` holds ids and changed values;
/// keep free text people typed (notes, comments) out of it and name its row instead.
pub async fn record(
    conn: &mut PgConnection,
    actor: Actor,
    action: AuditAction,
    call_id: Option<i64>,
    diff: Value,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into actions_audit (call_id, action_type, actor_kind, actor_id, diff)
         values ($1, $2, $3, $4, $5)",
        call_id,
        action.as_str(),
        actor.kind(),
        actor.user_id(),
        diff,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What [`verify`] found.
#[derive(Debug, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: u64,
    /// The first row that does not fit, if any; every row before it is intact.
    pub broken: Option<BrokenRow>,
}

/// A row whose stored hashes do not match its content or its place in the chain.
#[derive(Debug, PartialEq, Eq)]
pub struct BrokenRow {
    pub chain_position: i64,
    pub id: i64,
    pub reason: String,
}

/// Recomputes the whole chain in order and stops at the first row that does not fit.
///
/// When the retention path removed the oldest rows, the first remaining row must continue from
/// the hash its `audit_pruned` row recorded, so removing rows any other way is found too.
pub async fn verify(pool: &PgPool) -> sqlx::Result<Verification> {
    let anchors: Vec<(i64, String)> = sqlx::query!(
        r#"select (diff ->> 'through_position')::bigint as "through!", diff ->> 'anchor_hash' as "hash!"
           from actions_audit where action_type = 'audit_pruned'"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| (row.through, row.hash))
    .collect();

    let mut rows = sqlx::query!(
        r#"select id, chain_position, occurred_at, call_id, action_type, actor_kind, actor_id,
                  diff::text as "diff!", diff_digest, prev_hash, row_hash
           from actions_audit order by chain_position"#
    )
    .fetch(pool);
    let mut checked = 0;
    let mut previous: Option<(i64, Vec<u8>)> = None;
    while let Some(row) = rows.try_next().await? {
        let broken = |reason: String| BrokenRow {
            chain_position: row.chain_position,
            id: row.id,
            reason,
        };
        let expected_prev = match &previous {
            Some((position, hash)) if row.chain_position == position + 1 => Some(hash.clone()),
            Some((position, _)) => {
                let reason = format!(
                    "follows position {position}: rows are missing or out of order before it"
                );
                return Ok(found(checked, broken(reason)));
            }
            None if row.chain_position == 1 => None,
            None => {
                let through = row.chain_position - 1;
                match anchors.iter().find(|(position, _)| *position == through) {
                    Some((_, hash)) => Some(hex::decode(hash).unwrap_or_default()),
                    None => {
                        let reason = format!(
                            "the chain starts here, but no retention run removed positions 1 to {through}"
                        );
                        return Ok(found(checked, broken(reason)));
                    }
                }
            }
        };
        if row.prev_hash != expected_prev {
            let reason = "its link to the previous row does not match that row's hash";
            return Ok(found(checked, broken(reason.to_owned())));
        }
        if Sha256::digest(row.diff.as_bytes()).as_slice() != row.diff_digest {
            let reason = "its diff was changed after it was written";
            return Ok(found(checked, broken(reason.to_owned())));
        }
        let hash = row_hash(&ChainedRow {
            chain_position: row.chain_position,
            occurred_at_micros: row.occurred_at.timestamp_micros(),
            call_id: row.call_id,
            action_type: &row.action_type,
            actor_kind: &row.actor_kind,
            actor_id: row.actor_id,
            diff_digest: &row.diff_digest,
            prev_hash: row.prev_hash.as_deref(),
        });
        if hash.as_slice() != row.row_hash {
            let reason = "its content was changed after it was written";
            return Ok(found(checked, broken(reason.to_owned())));
        }
        checked += 1;
        previous = Some((row.chain_position, row.row_hash));
    }
    Ok(Verification {
        rows: checked,
        broken: None,
    })
}

fn found(rows: u64, broken: BrokenRow) -> Verification {
    Verification {
        rows,
        broken: Some(broken),
    }
}

/// The hashed fields of one row, as `actions_audit_row_hash` in the migration reads them.
struct ChainedRow<'a> {
    chain_position: i64,
    occurred_at_micros: i64,
    call_id: Option<i64>,
    action_type: &'a str,
    actor_kind: &'a str,
    actor_id: Option<i64>,
    diff_digest: &'a [u8],
    prev_hash: Option<&'a [u8]>,
}

fn row_hash(row: &ChainedRow<'_>) -> [u8; 32] {
    let optional = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let content = [
        "anrufe-audit-v1".to_owned(),
        row.chain_position.to_string(),
        row.occurred_at_micros.to_string(),
        optional(row.call_id),
        row.action_type.to_owned(),
        row.actor_kind.to_owned(),
        optional(row.actor_id),
        hex::encode(row.diff_digest),
        row.prev_hash.map(hex::encode).unwrap_or_default(),
    ]
    .join("|");
    Sha256::digest(content.as_bytes()).into()
}

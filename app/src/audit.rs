//! The audit trail: who did what, written in the same transaction as the change, and the check
//! that nobody edited it afterwards.
//!
//! The database chains the rows (migration `chain_actions_audit`): each row's `row_hash` covers
//! its content and the previous row's hash. [`verify`] recomputes the chain here, independently
//! of the database's own functions, and names the first row that does not fit.

use chrono::{DateTime, Utc};
use futures_util::{Stream, TryStreamExt, stream};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::domain::{ActorKind, AuditAction, AuditFilter, AuditLogPage, AuditRecord, TimeRange};

/// Who makes a change, as recorded in the audit trail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A logged-in user, or a program with one of the user's API tokens.
    User(i64),
    /// The importer, storing what the phone assistant wrote.
    Importer,
    /// Nobody logged in, e.g. a failed login.
    Anonymous,
    /// Whoever runs the server's administration commands, or the server itself.
    System,
}

impl Actor {
    pub fn kind(self) -> ActorKind {
        match self {
            Self::User(_) => ActorKind::User,
            Self::Importer => ActorKind::Importer,
            Self::Anonymous => ActorKind::Anonymous,
            Self::System => ActorKind::System,
        }
    }

    pub fn user_id(self) -> Option<i64> {
        match self {
            Self::User(id) => Some(id),
            Self::Importer | Self::Anonymous | Self::System => None,
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
        actor.kind() as ActorKind,
        actor.user_id(),
        diff,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes one audit row of `action` for each call in `rows` (call id and diff), inside the
/// caller's transaction: how the importer records a batch.
pub async fn record_each(
    conn: &mut PgConnection,
    actor: Actor,
    action: AuditAction,
    call_ids: &[i64],
    diffs: &[Value],
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into actions_audit (call_id, action_type, actor_kind, actor_id, diff)
         select call_id, $3, $4, $5, diff
         from unnest($1::bigint[], $2::jsonb[]) as u(call_id, diff)",
        call_ids,
        diffs,
        action.as_str(),
        actor.kind() as ActorKind,
        actor.user_id(),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Rows of the audit log shown per page.
pub const LOG_PAGE_SIZE: usize = 100;

/// A page of the audit rows matching `filter`, newest first, older than chain position
/// `before` when given. `now` resolves the filter's days.
pub async fn log_page(
    pool: &PgPool,
    filter: &AuditFilter,
    before: Option<i64>,
    now: DateTime<Utc>,
) -> sqlx::Result<AuditLogPage> {
    let limit = i64::try_from(LOG_PAGE_SIZE + 1).unwrap_or(i64::MAX);
    let mut records: Vec<AuditRecord> = log_rows(pool, filter, before, Some(limit), now)
        .try_collect()
        .await?;
    let older = if records.len() > LOG_PAGE_SIZE {
        records.truncate(LOG_PAGE_SIZE);
        records.last().map(|record| record.position)
    } else {
        None
    };
    Ok(AuditLogPage { records, older })
}

/// Every audit row matching `filter`, newest first, as a stream read in batches, so exports
/// of any size take little memory and no connection is held between batches.
pub fn export(
    pool: PgPool,
    filter: AuditFilter,
    now: DateTime<Utc>,
) -> impl Stream<Item = sqlx::Result<AuditRecord>> + Send + 'static {
    const BATCH: usize = 1000;
    let limit = i64::try_from(BATCH).unwrap_or(i64::MAX);
    stream::try_unfold(Some(None), move |before: Option<Option<i64>>| {
        let pool = pool.clone();
        let filter = filter.clone();
        async move {
            let Some(before) = before else {
                return Ok(None);
            };
            let batch: Vec<AuditRecord> = log_rows(&pool, &filter, before, Some(limit), now)
                .try_collect()
                .await?;
            let next = (batch.len() == BATCH)
                .then(|| batch.last().map(|record| record.position))
                .flatten()
                .map(Some);
            Ok::<_, sqlx::Error>(Some((stream::iter(batch.into_iter().map(Ok)), next)))
        }
    })
    .try_flatten()
}

fn log_rows<'a>(
    pool: &'a PgPool,
    filter: &AuditFilter,
    before: Option<i64>,
    limit: Option<i64>,
    now: DateTime<Utc>,
) -> impl Stream<Item = sqlx::Result<AuditRecord>> + 'a {
    let (start, end) = TimeRange::Days {
        from: filter.from,
        to: filter.to,
    }
    .bounds(now);
    sqlx::query_as!(
        AuditRecord,
        r#"select a.chain_position as position, a.occurred_at,
                  a.actor_kind as "actor_kind: ActorKind", a.actor_id,
                  u.name as "actor_name?", a.action_type as "action: AuditAction", a.call_id,
                  a.diff::text as "diff!", r.reason as "reason?",
                  encode(a.row_hash, 'hex') as "row_hash!"
           from actions_audit a
           left join users u on u.id = a.actor_id
           left join pii_reveals r
                  on a.action_type = 'field_revealed' and r.id = (a.diff ->> 'reveal_id')::bigint
           where ($1::bigint is null or a.actor_id = $1)
             and ($2::text is null or a.action_type = $2)
             and ($3::timestamptz is null or a.occurred_at >= $3)
             and ($4::timestamptz is null or a.occurred_at < $4)
             and ($5::bigint is null or a.chain_position < $5)
           order by a.chain_position desc
           limit $6"#,
        filter.user_id,
        filter.action.map(AuditAction::as_str),
        start,
        end,
        before,
        limit,
    )
    .fetch(pool)
}

/// What [`verify`] found.
#[derive(Debug, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub rows: u64,
    /// Rows among them whose diff was erased by `actions_audit_erase_diffs`; their chain links
    /// still hold because the chain covers the digest of the original diff.
    pub erased: u64,
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

/// The diff an erased row carries, as PostgreSQL prints `jsonb`.
const ERASED_DIFF: &str = r#"{"erased": true}"#;

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
                  diff::text as "diff!", diff_erased_at is not null as "diff_erased!",
                  diff_digest, prev_hash, row_hash
           from actions_audit order by chain_position"#
    )
    .fetch(pool);
    let mut checked = 0;
    let mut erased = 0;
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
                return Ok(found(checked, erased, broken(reason)));
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
                        return Ok(found(checked, erased, broken(reason)));
                    }
                }
            }
        };
        if row.prev_hash != expected_prev {
            let reason = "its link to the previous row does not match that row's hash";
            return Ok(found(checked, erased, broken(reason.to_owned())));
        }
        if row.diff_erased {
            if row.diff != ERASED_DIFF {
                let reason = "its diff was changed after it was erased";
                return Ok(found(checked, erased, broken(reason.to_owned())));
            }
            erased += 1;
        } else if Sha256::digest(row.diff.as_bytes()).as_slice() != row.diff_digest {
            let reason = "its diff was changed after it was written";
            return Ok(found(checked, erased, broken(reason.to_owned())));
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
            return Ok(found(checked, erased, broken(reason.to_owned())));
        }
        checked += 1;
        previous = Some((row.chain_position, row.row_hash));
    }
    Ok(Verification {
        rows: checked,
        erased,
        broken: None,
    })
}

fn found(rows: u64, erased: u64, broken: BrokenRow) -> Verification {
    Verification {
        rows,
        erased,
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

//! Deleting calls with everything that hangs off them: the one way calls leave the database,
//! used by the retention purge and by erasure.

use sqlx::PgConnection;

/// What went with a set of calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    pub calls: i64,
    pub status_entries: i64,
    pub notes: i64,
    pub reveals: i64,
    /// Requests to the LLM endpoint, with what was sent and answered (the ledger).
    pub llm_requests: i64,
    /// Audit rows about the calls whose diffs were erased; the rows stay in the chain.
    pub audit_diffs: i64,
}

/// Why calls are deleted, as the audit trail's `diffs_erased` row says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    Retention,
    Erasure,
}

impl Why {
    fn as_str(self) -> &'static str {
        match self {
            Self::Retention => "retention",
            Self::Erasure => "erasure",
        }
    }
}

/// Deletes the calls `ids` with their status history, notes, reveal reasons and LLM ledger, and erases
/// the diffs of their audit rows through the chain's erasure path (one `diffs_erased` row for
/// all, when there was any diff to erase). Inside the caller's transaction, which should hold
/// the calls' row locks.
pub async fn delete_calls(conn: &mut PgConnection, ids: &[i64], why: Why) -> sqlx::Result<Deleted> {
    let mut deleted = Deleted::default();
    if ids.is_empty() {
        return Ok(deleted);
    }
    let has_diffs = sqlx::query_scalar!(
        r#"select exists (select from actions_audit
                          where call_id = any($1) and diff_erased_at is null) as "exists!""#,
        ids,
    )
    .fetch_one(&mut *conn)
    .await?;
    if has_diffs {
        deleted.audit_diffs = sqlx::query_scalar!(
            r#"select actions_audit_erase_diffs_of($1, $2) as "erased!""#,
            ids,
            why.as_str(),
        )
        .fetch_one(&mut *conn)
        .await?;
    }
    deleted.status_entries = sqlx::query!("delete from call_status where call_id = any($1)", ids)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    deleted.notes = sqlx::query!("delete from notes where call_id = any($1)", ids)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    deleted.reveals = sqlx::query!("delete from pii_reveals where call_id = any($1)", ids)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    deleted.llm_requests = sqlx::query!("delete from llm_requests where call_id = any($1)", ids)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    deleted.calls = sqlx::query!("delete from calls where id = any($1)", ids)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    Ok(deleted)
}

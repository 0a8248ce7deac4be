//! The blocked-content log as the data-protection officer reads it: what the source policy
//! refused (a line from a source not allowed, a line a PII rule blocked, a use the matrix
//! forbids), when, by which rule and version, for whom; never the content.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One refusal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct BlockedEntry {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub source: String,
    /// `source_not_allowed`, `pii_blocked`, `operation_not_allowed`, …
    pub reason: String,
    /// For a use of calls: `lookup`, `llm`, `export`.
    pub operation: Option<String>,
    /// For `pii_blocked`: the rule's name.
    pub rule: Option<String>,
    pub policy_version: Option<i32>,
    /// Who was refused; `None` for the importer.
    pub actor: Option<String>,
    /// For a refused line: where it was.
    pub file_name: Option<String>,
    pub line_number: Option<i64>,
}

/// Entries one answer holds at most, newest first.
pub const BLOCKED_PAGE: i64 = 500;

#[cfg(feature = "backend")]
pub use store::{blocked, blocked_since};

#[cfg(feature = "backend")]
mod store {
    use chrono::{DateTime, Utc};
    use sqlx::PgPool;

    use super::{BLOCKED_PAGE, BlockedEntry};

    /// The newest entries in `[from, to)`, at most [`BLOCKED_PAGE`].
    pub async fn blocked(
        pool: &PgPool,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> sqlx::Result<Vec<BlockedEntry>> {
        sqlx::query_as!(
            BlockedEntry,
            r#"select b.id, b.occurred_at, b.source, b.reason, b.operation, b.rule,
                      b.policy_version, u.name as "actor?", b.file_name, b.line_number
               from blocked_content_log b left join users u on u.id = b.actor_id
               where ($1::timestamptz is null or b.occurred_at >= $1)
                 and ($2::timestamptz is null or b.occurred_at < $2)
               order by b.occurred_at desc, b.id desc
               limit $3"#,
            from,
            to,
            BLOCKED_PAGE
        )
        .fetch_all(pool)
        .await
    }

    /// How many refusals there were since `since`.
    pub async fn blocked_since(pool: &PgPool, since: DateTime<Utc>) -> sqlx::Result<i64> {
        sqlx::query_scalar!(
            r#"select count(*) as "count!" from blocked_content_log where occurred_at >= $1"#,
            since
        )
        .fetch_one(pool)
        .await
    }
}

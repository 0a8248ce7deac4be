//! The policy's own log for the data-protection officer: every draft, approval, rejection,
//! rollback and change of the self-approval setting, read from the audit chain (so it is as
//! immutable as the rest of it), newest first. The *Protokoll* tab and
//! `GET /api/v1/compliance/policy-audit` show it next to the blocked-content log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::AuditAction;

/// The audit actions that change the source policy or how it is approved.
pub const POLICY_ACTIONS: [AuditAction; 5] = [
    AuditAction::PolicyDrafted,
    AuditAction::PolicyApproved,
    AuditAction::PolicyRejected,
    AuditAction::PolicyRolledBack,
    AuditAction::SelfApprovalChanged,
];

/// One policy change as the audit chain holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct PolicyLogEntry {
    /// The row's position in the audit chain.
    pub position: i64,
    pub occurred_at: DateTime<Utc>,
    /// Who made the change; `None` for the system (version 1 at install).
    pub actor: Option<String>,
    pub action: AuditAction,
    /// The version drafted, approved, rejected or rolled back to.
    pub version: Option<i32>,
    /// The audit row's details as compact JSON: the content hash of an approval, the version
    /// a rollback started from, the self-approval setting.
    pub details: String,
    /// The row's link in the audit chain (hex), to check an export against the database.
    pub row_hash: String,
}

/// Entries one answer holds at most, newest first.
pub const POLICY_LOG_PAGE: i64 = 500;

#[cfg(feature = "backend")]
pub use store::policy_log;

#[cfg(feature = "backend")]
mod store {
    use chrono::{DateTime, Utc};
    use sqlx::PgPool;

    use super::{POLICY_ACTIONS, POLICY_LOG_PAGE, PolicyLogEntry};
    use crate::domain::AuditAction;

    /// The newest policy changes in `[from, to)`, at most [`POLICY_LOG_PAGE`].
    pub async fn policy_log(
        pool: &PgPool,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> sqlx::Result<Vec<PolicyLogEntry>> {
        let actions = POLICY_ACTIONS.map(AuditAction::as_str);
        sqlx::query_as!(
            PolicyLogEntry,
            r#"select a.chain_position as position, a.occurred_at, u.name as "actor?",
                      a.action_type as "action: AuditAction",
                      (a.diff ->> 'version')::integer as version, a.diff::text as "details!",
                      encode(a.row_hash, 'hex') as "row_hash!"
               from actions_audit a left join users u on u.id = a.actor_id
               where a.action_type = any($1)
                 and ($2::timestamptz is null or a.occurred_at >= $2)
                 and ($3::timestamptz is null or a.occurred_at < $3)
               order by a.chain_position desc
               limit $4"#,
            &actions as &[&str],
            from,
            to,
            POLICY_LOG_PAGE
        )
        .fetch_all(pool)
        .await
    }
}

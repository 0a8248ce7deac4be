//! Everything the detail drawer shows about one call, and the people calls go to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AuditAction, CallListItem, CallStatus};

/// One call with its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct CallDetail {
    pub call: CallListItem,
    pub event_id: String,
    pub imported_at: DateTime<Utc>,
    /// Problems the importer found but stored the call anyway.
    pub warnings: Vec<FieldWarning>,
    pub status_history: Vec<StatusEntry>,
    pub notes: Vec<NoteEntry>,
    pub audit: Vec<AuditEntry>,
    /// The event as the phone assistant sent it, pretty-printed.
    pub raw_payload: String,
}

/// A soft validation problem, as the importer records it in `calls.warnings`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct FieldWarning {
    pub code: String,
    pub field: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct StatusEntry {
    pub status: CallStatus,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct NoteEntry {
    pub id: i64,
    pub body: String,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One row of `actions_audit` as shown to people: who did what, and the changed fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub action: AuditAction,
    /// `user`, `importer`, `system` or `anonymous`.
    pub actor_kind: String,
    /// The user's name, for a user.
    pub actor_name: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// `{field: {"old": …, "new": …}}`, compact JSON.
    pub diff: String,
}

/// A person calls can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
}

/// What a change of many calls did to each of them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BulkOutcome {
    /// Calls that changed, as they are now.
    pub changed: Vec<CallListItem>,
    /// Calls that already were as asked (nothing to do).
    pub unchanged: Vec<i64>,
    /// Calls someone else changed in the meantime, as they are now; left as they were.
    pub conflicts: Vec<CallListItem>,
    /// Calls that no longer exist.
    pub missing: Vec<i64>,
}

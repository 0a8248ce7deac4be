//! Everything the detail drawer shows about one call, and the people calls go to.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "backend")]
use super::StoredCall;
use super::{ActorKind, AuditAction, CallListItem, CallStatus, Restriction, Shown};

/// One call with its history, as one viewer may see it: every part that may carry personal
/// data is [`Shown`], so only the masking code makes one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct CallDetail {
    pub call: CallListItem,
    /// Absent for viewers who have a field masked: an id the importer derived is a hash of the
    /// event, date of birth included.
    #[cfg_attr(feature = "backend", schema(value_type = Option<String>))]
    pub event_id: Shown<Option<String>>,
    pub imported_at: DateTime<Utc>,
    /// Problems the importer found but stored the call anyway; the detail of a masked field's
    /// warning is masked.
    #[cfg_attr(feature = "backend", schema(value_type = Vec<FieldWarning>))]
    pub warnings: Shown<Vec<FieldWarning>>,
    pub status_history: Vec<StatusEntry>,
    pub notes: Vec<NoteEntry>,
    pub audit: Vec<AuditEntry>,
    /// The event as the phone assistant sent it, pretty-printed. For a viewer who has a field
    /// masked, only the keys known to hold no personal data keep their values.
    #[cfg_attr(feature = "backend", schema(value_type = String))]
    pub raw_payload: Shown<String>,
    /// The priority rule that set the call's priority, if one did.
    pub priority_rule: Option<crate::rules::PriorityReason>,
    /// Why the call is restricted, for admins (agents never see a restricted call).
    pub restriction: Option<Restriction>,
    /// The other open calls from this number it folds with (`crate::repeat`), newest first.
    #[serde(default)]
    pub repeats: Vec<crate::repeat::RepeatedCall>,
}

/// Everything about one call as stored, in clear; [`super::Mask::show`] makes the
/// [`CallDetail`] a viewer may see.
#[cfg(feature = "backend")]
#[derive(Clone, Debug)]
pub struct StoredDetail {
    pub call: StoredCall,
    pub event_id: String,
    pub imported_at: DateTime<Utc>,
    pub warnings: Vec<FieldWarning>,
    pub status_history: Vec<StatusEntry>,
    pub notes: Vec<NoteEntry>,
    pub audit: Vec<StoredAuditEntry>,
    pub raw_payload: String,
    /// The kind and label of the priority rule that set the call's priority.
    pub priority_rule: Option<(crate::rules::RuleKind, String)>,
    pub restriction: Option<Restriction>,
    pub repeats: Vec<crate::repeat::RepeatedCall>,
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
    pub actor_kind: ActorKind,
    /// The user's name, for a user.
    pub actor_name: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// `{field: {"old": …, "new": …}}`, compact JSON; masked fields' values are `•••`.
    #[cfg_attr(feature = "backend", schema(value_type = String))]
    pub diff: Shown<String>,
}

/// An [`AuditEntry`] as stored, its diff in clear.
#[cfg(feature = "backend")]
#[derive(Clone, Debug)]
pub struct StoredAuditEntry {
    pub action: AuditAction,
    pub actor_kind: ActorKind,
    pub actor_name: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub diff: String,
}

/// A person calls can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
}

/// A call's status before a change, with the version the change gave the call: what Undo puts
/// back (`crate::service::restore_statuses`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusBefore {
    pub call_id: i64,
    pub version: i32,
    pub status: CallStatus,
}

/// What a change of many calls did to each of them: the service fills it with
/// [`StoredCall`]s, the masking code turns them into what the viewer may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BulkOutcome<C = CallListItem> {
    /// Calls that changed, as they are now.
    pub changed: Vec<C>,
    /// Calls that already were as asked (nothing to do).
    pub unchanged: Vec<i64>,
    /// Calls someone else changed in the meantime, as they are now; left as they were.
    pub conflicts: Vec<C>,
    /// Calls that no longer exist.
    pub missing: Vec<i64>,
}

impl<C> Default for BulkOutcome<C> {
    fn default() -> Self {
        Self {
            changed: Vec::new(),
            unchanged: Vec::new(),
            conflicts: Vec::new(),
            missing: Vec::new(),
        }
    }
}

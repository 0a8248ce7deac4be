//! Domain types shared by the server, the importer and the WASM bundle.
//! Each type is defined once here; parsing functions make invalid values unrepresentable.

mod admin;
mod audit;
mod backup;
mod call;
mod call_file;
mod detail;
mod dsgvo;
mod ids;
mod invalid;
mod masking;
mod phone;
mod query;
mod retention;
mod search;
mod time;
mod topic;
mod user;

pub use admin::{
    Account, AuditFilter, AuditLogPage, AuditRecord, SessionInfo, TokenInfo, TokenScope,
};
pub use audit::{ActorKind, AuditAction};
pub use backup::{BackupDone, BackupStatus, DrillDone, JobFailure};
#[cfg(feature = "backend")]
pub use call::StoredCall;
pub use call::{CallListItem, CallStatus, ParseEnumError, Priority};
pub use call_file::is_call_file;
pub use detail::{
    AuditEntry, BulkOutcome, CallDetail, FieldWarning, NoteEntry, StatusBefore, StatusEntry,
    UserSummary,
};
#[cfg(feature = "backend")]
pub use detail::{StoredAuditEntry, StoredDetail};
pub use dsgvo::{ErasureReport, HeldCall, LegalHold, Restriction};
pub use ids::{CallId, UserId, Version};
pub use invalid::{Invalid, limits};
#[cfg(feature = "backend")]
pub use masking::Mask;
pub use masking::{MASK, MaskLevel, MaskedValue, MaskingPolicy, MaskingSettings, PiiField, Shown};
pub use phone::PhoneNumber;
pub use query::{
    CallPage, CallQuery, CallSort, Cursor, OPEN_STATUSES, PageAt, TimeRange, Total, start_of_day,
};
pub use retention::{
    PurgeCounts, PurgeOutcome, PurgeRun, PurgeTrigger, Retention, RetentionError, RetentionOverview,
};
pub use search::{SearchField, SearchTerm};
pub use time::{BERLIN, format_berlin, format_berlin_relative};
pub use topic::TopicCategory;
pub use user::{Role, SessionUser};

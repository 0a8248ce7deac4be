//! The rights of the person who called (DSGVO Art. 15, 17, 18, 20): export, erasure and
//! restriction, as the server answers them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What an erasure deleted, by kind. The audit row of the erasure holds the same counts and
/// nothing of the erased data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct ErasureReport {
    pub calls: i64,
    /// Entries of the calls' status history.
    pub status_entries: i64,
    pub notes: i64,
    /// Recorded reasons for revealing a masked field of the calls.
    pub reveals: i64,
    /// Requests to the LLM endpoint about the calls, with what was sent (the ledger).
    #[serde(default)]
    pub llm_requests: i64,
    /// Audit rows about the calls whose diffs were erased (the rows stay in the chain).
    pub audit_diffs: i64,
    /// Rejected lines that held the call's event id or the caller's number.
    pub dead_letters: i64,
    /// Entries of the blocked-content log for those lines.
    pub blocked_entries: i64,
}

/// A call's restriction of processing (Sperrvermerk, Art. 18), as admins see it in the drawer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct Restriction {
    pub since: DateTime<Utc>,
    /// The admin who restricted it.
    pub by: Option<String>,
    pub reason: String,
    /// A duty to keep the call: the purge leaves it until then.
    pub legal_hold: Option<LegalHold>,
}

/// A duty to keep a restricted call past the retention period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct LegalHold {
    /// The last day it is kept.
    pub until: NaiveDate,
    pub reason: String,
}

/// A call under a legal hold, as the „Aufbewahrung“ tab lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldCall {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub hold: LegalHold,
}

//! What the admin area and the metrics show of backups and the restore drill.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The newest backup, the newest failure if it came after it, and the newest restore drill;
/// the judgement whether they are overdue is the server's (one clock for page and metrics).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BackupStatus {
    pub last_backup: Option<BackupDone>,
    /// The newest backup run that failed, when no backup succeeded since.
    pub failed_since: Option<JobFailure>,
    pub last_drill: Option<DrillDone>,
    /// No backup in the last 26 hours: the nightly one was missed.
    pub backup_overdue: bool,
    /// No drill that matched in the last eight days.
    pub drill_overdue: bool,
}

/// A backup written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackupDone {
    pub at: DateTime<Utc>,
    pub file: String,
    pub bytes: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobFailure {
    pub at: DateTime<Utc>,
    pub error: String,
}

/// A restore drill: `error` says why it failed or what did not match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillDone {
    pub at: DateTime<Utc>,
    pub file: Option<String>,
    pub error: Option<String>,
}

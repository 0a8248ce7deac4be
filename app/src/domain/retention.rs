//! How long calls are kept: the practice's retention period, never longer than the policy's.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The retention period in days (RETENTION_DAYS), from 1 to [`Retention::MAX_DAYS`]. Calls,
/// their history, notes, dead letters, the blocked-content log, audit rows and call files are
/// deleted when they are older; until then every read hides them. The cutoff itself is
/// computed by the database (`call_retention_cutoff()`), so importer and server agree on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Retention(u16);

impl Retention {
    /// The policy's maximum (seed 000 §15): nothing personal is kept longer than 30 days.
    pub const MAX_DAYS: u16 = 30;

    pub const MAX: Self = Self(Self::MAX_DAYS);

    pub fn days(self) -> u16 {
        self.0
    }
}

impl Default for Retention {
    fn default() -> Self {
        Self::MAX
    }
}

impl fmt::Display for Retention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a retention period was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RetentionError {
    #[error("the retention period must be a whole number of days, not {0:?}")]
    NotANumber(String),
    #[error("the retention period must be at least 1 day")]
    Zero,
    #[error(
        "a retention period of {0} days is longer than the policy's maximum of {max} days",
        max = Retention::MAX_DAYS
    )]
    TooLong(u64),
}

impl TryFrom<u64> for Retention {
    type Error = RetentionError;

    fn try_from(days: u64) -> Result<Self, Self::Error> {
        match days {
            0 => Err(RetentionError::Zero),
            1..=30 => Ok(Self(days as u16)),
            _ => Err(RetentionError::TooLong(days)),
        }
    }
}

impl FromStr for Retention {
    type Err = RetentionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let days = text
            .trim()
            .parse::<u64>()
            .map_err(|_| RetentionError::NotANumber(text.to_owned()))?;
        Self::try_from(days)
    }
}

/// What a purge deleted (or, in a dry run, would delete), by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PurgeCounts {
    pub calls: i64,
    /// Entries of the calls' status history.
    pub status_entries: i64,
    pub notes: i64,
    /// Recorded reasons for revealing a masked field.
    pub reveals: i64,
    /// Audit rows about the calls whose diffs were erased (the rows stay in the chain).
    pub audit_diffs: i64,
    /// Audit rows older than the period, removed from the start of the chain.
    pub audit_rows: i64,
    pub dead_letters: i64,
    /// Entries of the log of lines from sources that are not allowed.
    pub blocked_entries: i64,
    /// Call files in the import directory, with their import offsets.
    pub files: i64,
}

impl PurgeCounts {
    /// Each kind with its machine name (the `kind` label of the metrics).
    pub fn kinds(&self) -> [(&'static str, i64); 9] {
        [
            ("calls", self.calls),
            ("status_entries", self.status_entries),
            ("notes", self.notes),
            ("reveals", self.reveals),
            ("audit_diffs", self.audit_diffs),
            ("audit_rows", self.audit_rows),
            ("dead_letters", self.dead_letters),
            ("blocked_entries", self.blocked_entries),
            ("files", self.files),
        ]
    }

    pub fn total(&self) -> i64 {
        self.kinds().iter().map(|(_, count)| count).sum()
    }
}

impl std::ops::AddAssign<&PurgeCounts> for PurgeCounts {
    fn add_assign(&mut self, other: &Self) {
        self.calls += other.calls;
        self.status_entries += other.status_entries;
        self.notes += other.notes;
        self.reveals += other.reveals;
        self.audit_diffs += other.audit_diffs;
        self.audit_rows += other.audit_rows;
        self.dead_letters += other.dead_letters;
        self.blocked_entries += other.blocked_entries;
        self.files += other.files;
    }
}

/// What started a purge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(sqlx::Type))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "text", rename_all = "lowercase")
)]
#[serde(rename_all = "lowercase")]
pub enum PurgeTrigger {
    /// The nightly run.
    Schedule,
    /// The server started and the last run was more than a day ago.
    Start,
    /// `server retention run`.
    Command,
    /// Right after `server backup restore`.
    Restore,
}

/// How a purge run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(sqlx::Type))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "text", rename_all = "lowercase")
)]
#[serde(rename_all = "lowercase")]
pub enum PurgeOutcome {
    Running,
    Ok,
    Failed,
    /// It stopped without ending (the process was killed); the next run found it so.
    Interrupted,
}

/// One run of the purge, as the admin area lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PurgeRun {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub trigger: PurgeTrigger,
    pub dry_run: bool,
    pub retention_days: i32,
    /// Records received (or written) before it were due.
    pub cutoff: DateTime<Utc>,
    pub counts: PurgeCounts,
    pub outcome: PurgeOutcome,
    pub error: Option<String>,
}

/// The „Aufbewahrung“ tab: the period, when the purge runs, its last runs, and what is
/// overdue right now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionOverview {
    pub retention_days: i32,
    pub cutoff: DateTime<Utc>,
    pub next_run: Option<DateTime<Utc>>,
    /// Records older than the period, counted now: 0 unless the purge is failing.
    pub past_retention: i64,
    pub runs: Vec<PurgeRun>,
    /// Restricted calls kept past the period under a legal hold, soonest end first.
    pub holds: Vec<super::HeldCall>,
    /// The backups and the restore drill, shown on the same tab: a backup is kept no longer
    /// than the period either.
    pub backups: super::BackupStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_one_to_thirty_days_and_explains_the_rest() {
        assert_eq!("30".parse::<Retention>().map(Retention::days), Ok(30));
        assert_eq!(" 7 ".parse::<Retention>().map(Retention::days), Ok(7));
        assert_eq!("0".parse::<Retention>(), Err(RetentionError::Zero));
        assert_eq!("31".parse::<Retention>(), Err(RetentionError::TooLong(31)));
        assert_eq!(
            "30d".parse::<Retention>(),
            Err(RetentionError::NotANumber("30d".into()))
        );
        assert_eq!(
            RetentionError::TooLong(45).to_string(),
            "a retention period of 45 days is longer than the policy's maximum of 30 days"
        );
    }
}

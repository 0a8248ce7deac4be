//! What an import run did, for the CLI's report and the logs.

use std::{collections::BTreeMap, fmt};

use crate::validate::Reason;

/// Counts of one import run. Every line read lands in exactly one of
/// blank, new, updated, unchanged, expired or dead letters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    /// Files that could not be read this time (logged; the next pass tries again).
    pub unreadable_files: usize,
    pub lines: u64,
    pub blank: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub expired: u64,
    /// Lines of erased calls (a tombstone matched), skipped.
    pub erased: u64,
    pub dead_letters: BTreeMap<Reason, u64>,
}

impl Summary {
    /// Adds the counts of `other` (e.g. one file's) to these.
    pub fn absorb(&mut self, other: Summary) {
        self.files += other.files;
        self.unreadable_files += other.unreadable_files;
        self.lines += other.lines;
        self.blank += other.blank;
        self.new += other.new;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.expired += other.expired;
        self.erased += other.erased;
        for (reason, count) in other.dead_letters {
            *self.dead_letters.entry(reason).or_default() += count;
        }
    }

    pub fn dead_letter_total(&self) -> u64 {
        self.dead_letters.values().sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "files: {}, lines: {}, new: {}, updated: {}, unchanged: {}, expired: {}, erased: {}, blank: {}, dead letters: {}",
            self.files,
            self.lines,
            self.new,
            self.updated,
            self.unchanged,
            self.expired,
            self.erased,
            self.blank,
            self.dead_letter_total()
        )?;
        if self.unreadable_files > 0 {
            write!(
                f,
                ", unreadable files: {} (see the log)",
                self.unreadable_files
            )?;
        }
        for (reason, count) in &self.dead_letters {
            write!(f, "\n  {}: {count}", reason.code())?;
        }
        Ok(())
    }
}

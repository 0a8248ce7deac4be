//! What the importer reports through the `metrics` facade. The server exports it at
//! `/metrics`; a process that installs no recorder (the CLI) pays nothing.

use chrono::{DateTime, Utc};
use metrics::{Unit, counter, describe_counter, describe_gauge, gauge};

use crate::{BatchCounts, validate::Reason};

/// Registers names, units and help texts; call once where a recorder is installed.
pub fn describe() {
    describe_counter!(
        "anrufe_import_lines_total",
        "Lines read from call files, blank ones included."
    );
    describe_counter!(
        "anrufe_import_calls_total",
        "Call events stored, by result: new, updated, unchanged."
    );
    describe_counter!(
        "anrufe_import_expired_total",
        "Valid events older than the retention period, not stored."
    );
    describe_counter!(
        "anrufe_import_dead_letters_total",
        "Lines rejected, by reason code."
    );
    describe_gauge!(
        "anrufe_import_lag_seconds",
        Unit::Seconds,
        "Time between the newest imported call and its import."
    );
    describe_gauge!(
        "anrufe_import_last_success_timestamp_seconds",
        Unit::Seconds,
        "Unix time of the last committed batch."
    );
    describe_gauge!(
        "anrufe_import_heartbeat_timestamp_seconds",
        Unit::Seconds,
        "Unix time the importer last finished a pass or committed a batch, new lines or not."
    );
}

/// What one committed batch contained.
#[derive(Debug, Default)]
pub(crate) struct BatchReport {
    pub lines: u64,
    pub expired: u64,
    pub rejected: Vec<Reason>,
    pub newest_call: Option<DateTime<Utc>>,
}

pub(crate) fn record_batch(report: &BatchReport, counts: BatchCounts) {
    let now = Utc::now();
    counter!("anrufe_import_lines_total").increment(report.lines);
    counter!("anrufe_import_calls_total", "result" => "new").increment(counts.new);
    counter!("anrufe_import_calls_total", "result" => "updated").increment(counts.updated);
    counter!("anrufe_import_calls_total", "result" => "unchanged").increment(counts.unchanged);
    counter!("anrufe_import_expired_total").increment(report.expired);
    for reason in &report.rejected {
        counter!("anrufe_import_dead_letters_total", "reason" => reason.code()).increment(1);
    }
    if let Some(newest) = report.newest_call {
        gauge!("anrufe_import_lag_seconds").set((now - newest).as_seconds_f64().max(0.0));
    }
    gauge!("anrufe_import_last_success_timestamp_seconds").set(now.timestamp() as f64);
}

//! The nightly retention purge (`app::retention`), with its counts as metrics.

use std::path::PathBuf;

use app::{
    domain::PurgeTrigger,
    retention::{self, PurgeOptions},
};
use serde_json::{Value, json};
use sqlx::PgPool;

/// Runs the purge and counts what it deleted in the metrics.
pub async fn purge(
    pool: &PgPool,
    trigger: PurgeTrigger,
    import_dir: Option<PathBuf>,
) -> anyhow::Result<Value> {
    let options = PurgeOptions {
        trigger,
        dry_run: false,
        import_dir,
        yield_to_readers: true,
    };
    let report = retention::purge(pool, &options, |_| {}).await?;
    for (kind, count) in report.counts.kinds() {
        metrics::counter!("anrufe_purge_deleted_total", "kind" => kind).increment(count as u64);
    }
    Ok(json!({ "purge_run": report.run, "counts": report.counts }))
}

/// Registers the retention metrics' help texts; call once where a recorder is installed.
pub fn describe() {
    metrics::describe_counter!(
        "anrufe_purge_deleted_total",
        "Records deleted by the retention purge of this instance, by kind."
    );
    metrics::describe_gauge!(
        "anrufe_records_past_retention",
        "Calls, dead letters, blocked-content entries and audit rows older than the retention period; must be 0."
    );
    metrics::describe_gauge!(
        "anrufe_purge_last_success_timestamp_seconds",
        metrics::Unit::Seconds,
        "Unix time at which the last retention purge ended well."
    );
}

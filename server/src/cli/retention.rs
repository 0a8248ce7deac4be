//! `server retention run [--dry-run]`.

use std::io::IsTerminal;

use anyhow::Context;
use app::{
    domain::PurgeTrigger,
    retention::{self, PurgeOptions},
};
use sqlx::PgPool;

use super::say;

/// Runs the purge with a progress bar of the records handled so far.
pub(super) async fn purge(
    pool: &PgPool,
    dry_run: bool,
    import_dir: Option<std::path::PathBuf>,
) -> anyhow::Result<bool> {
    let options = PurgeOptions {
        trigger: PurgeTrigger::Command,
        dry_run,
        import_dir,
        yield_to_readers: true,
    };
    let progress = indicatif::ProgressBar::new_spinner().with_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    if !std::io::stderr().is_terminal() {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    progress.set_message("looking for what is due");
    let result = retention::purge(pool, &options, |counts| {
        progress.set_message(format!(
            "{} calls, {} records in all deleted",
            counts.calls,
            counts.total()
        ));
        progress.tick();
    })
    .await;
    progress.finish_and_clear();
    let report = result.context("the purge did not finish")?;
    let verb = if dry_run {
        "(dry run) would delete"
    } else {
        "deleted"
    };
    let kinds: Vec<String> = report
        .counts
        .kinds()
        .iter()
        .map(|(kind, count)| format!("  {kind}: {count}"))
        .collect();
    say(&format!(
        "Purge run {} {verb} what came in before {}:\n{}",
        report.run,
        report.cutoff.format("%Y-%m-%d %H:%M UTC"),
        kinds.join("\n")
    ));
    Ok(true)
}

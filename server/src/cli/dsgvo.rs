//! `server dsgvo export|erase`: a caller's request answered from the command line, through
//! the same `app::dsgvo` as the drawer and the REST API.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use app::{
    AppError,
    audit::Actor,
    domain::{CallId, ErasureReport},
    dsgvo::{DsgvoError, Subject, erase, export},
};
use sqlx::PgPool;

use super::say;
use crate::config::{DataConfig, DsgvoCommand, SubjectArgs};

pub(super) async fn run(
    pool: &PgPool,
    data: &DataConfig,
    command: DsgvoCommand,
) -> anyhow::Result<bool> {
    match command {
        DsgvoCommand::Export {
            subject,
            reason,
            out,
        } => {
            let subject = subject_of(&subject)?;
            let document = export::export(pool, Actor::System, &subject, &reason)
                .await
                .map_err(explain)?;
            let json = serde_json::to_string_pretty(&document)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, json + "\n")
                        .with_context(|| format!("could not write {}", path.display()))?;
                    say(&format!(
                        "Exported {} call(s) to {}.",
                        document.calls.len(),
                        path.display()
                    ));
                }
                None => say(&json),
            }
            Ok(true)
        }
        DsgvoCommand::Erase {
            subject,
            reason,
            yes,
        } => {
            let subject = subject_of(&subject)?;
            let tombstones = data.tombstones()?;
            if !yes {
                let due = erase::preview(pool, &tombstones, &subject)
                    .await
                    .map_err(explain)?;
                confirm(&due)?;
            }
            let report = erase::erase(pool, &tombstones, Actor::System, &subject, &reason)
                .await
                .map_err(explain)?;
            say(&format!("Erased: {}.", describe(&report)));
            Ok(true)
        }
    }
}

fn subject_of(args: &SubjectArgs) -> anyhow::Result<Subject> {
    match (&args.call, &args.number) {
        (Some(id), _) => Ok(Subject::Call(CallId(*id))),
        (None, Some(number)) => Subject::caller(number).map_err(explain),
        (None, None) => bail!("name the call (--call) or the caller's number (--number)"),
    }
}

/// What goes, said for people.
fn describe(report: &ErasureReport) -> String {
    format!(
        "{} call(s) with {} status entries, {} note(s) and {} reveal reason(s); the diffs of {} audit row(s); {} rejected line(s) and {} blocked-content entries",
        report.calls,
        report.status_entries,
        report.notes,
        report.reveals,
        report.audit_diffs,
        report.dead_letters,
        report.blocked_entries
    )
}

/// Shows what would go and asks; refuses without a terminal to ask at.
#[expect(
    clippy::print_stdout,
    reason = "the question waits on the same line for the answer"
)]
fn confirm(due: &ErasureReport) -> anyhow::Result<()> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "this would erase {}; add --yes to erase without asking",
            describe(due)
        );
    }
    print!("This erases {} for good. Erase? [y/N] ", describe(due));
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if !matches!(answer.trim(), "y" | "Y" | "yes" | "j" | "J" | "ja") {
        bail!("nothing was erased");
    }
    Ok(())
}

/// The error in words, as the API would say it.
fn explain(error: DsgvoError) -> anyhow::Error {
    anyhow::anyhow!("{}", AppError::from(error))
}

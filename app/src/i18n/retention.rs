//! The words of the „Aufbewahrung“ tab, in each language.

use super::Lang;
use crate::domain::{PurgeOutcome, PurgeTrigger};

pub struct RetentionTexts {
    pub tab: &'static str,
    pub intro: fn(i32) -> String,
    pub past_none: fn(i32) -> String,
    pub past_some: fn(i64, i32) -> String,
    pub next_run: &'static str,
    pub cutoff: &'static str,
    pub runs: &'static str,
    pub no_runs: &'static str,
    pub started: &'static str,
    pub finished: &'static str,
    pub trigger: &'static str,
    pub outcome: &'static str,
    pub deleted: &'static str,
    pub deleted_counts: fn(i64, i64) -> String,
    pub dry_run: &'static str,
    pub trigger_name: fn(PurgeTrigger) -> &'static str,
    pub outcome_name: fn(PurgeOutcome) -> &'static str,
    pub holds: &'static str,
    pub holds_intro: &'static str,
    pub call: &'static str,
    pub received: &'static str,
    pub hold_until: &'static str,
    pub hold_reason: &'static str,
}

impl Lang {
    pub fn retention(self) -> &'static RetentionTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

const DE: RetentionTexts = RetentionTexts {
    tab: "Aufbewahrung",
    intro: |days| {
        format!(
            "Anrufe mit Verlauf, Notizen und Aufdeckungsgründen, Fehlzeilen, gesperrte Zeilen, \
             Protokolleinträge und eingelesene Anrufdateien werden nach {days} Tagen gelöscht \
             (in ganzen Stunden). Bis dahin zeigt Anrufe ältere Anrufe nirgends mehr an. \
             Vor dem Löschen werden anonyme Kennzahlen je Stunde festgehalten."
        )
    },
    past_none: |days| format!("0 Datensätze älter als {days} Tage."),
    past_some: |count, days| {
        let records = if count == 1 {
            "1 Datensatz ist".to_owned()
        } else {
            format!("{count} Datensätze sind")
        };
        format!("{records} älter als {days} Tage: Der Löschlauf ist überfällig oder schlägt fehl.")
    },
    next_run: "Nächster Löschlauf",
    cutoff: "Gelöscht wird, was vor diesem Zeitpunkt einging",
    runs: "Letzte Löschläufe",
    no_runs: "Noch kein Löschlauf.",
    started: "Beginn",
    finished: "Ende",
    trigger: "Anlass",
    outcome: "Ergebnis",
    deleted: "Gelöscht",
    deleted_counts: |calls, total| format!("{calls} Anrufe, {total} Datensätze insgesamt"),
    dry_run: "Probelauf (nichts gelöscht)",
    trigger_name: |trigger| match trigger {
        PurgeTrigger::Schedule => "nächtlich",
        PurgeTrigger::Start => "beim Start",
        PurgeTrigger::Command => "Befehl",
        PurgeTrigger::Restore => "nach Wiederherstellung",
    },
    outcome_name: |outcome| match outcome {
        PurgeOutcome::Running => "läuft",
        PurgeOutcome::Ok => "erfolgreich",
        PurgeOutcome::Failed => "fehlgeschlagen",
        PurgeOutcome::Interrupted => "abgebrochen",
    },
    holds: "Aufbewahrungspflichten",
    holds_intro: "Gesperrte Anrufe, die der Löschlauf bis zum genannten Tag stehen lässt; \
                  danach werden sie gelöscht, wenn ihre Frist abgelaufen ist.",
    call: "Anruf",
    received: "Eingegangen",
    hold_until: "Aufbewahren bis",
    hold_reason: "Grund",
};

const EN: RetentionTexts = RetentionTexts {
    tab: "Retention",
    intro: |days| {
        format!(
            "Calls with their history, notes and reveal reasons, dead letters, blocked lines, \
             audit rows and imported call files are deleted after {days} days (in whole hours). \
             Until then Anrufe shows no older call anywhere. Anonymous hourly figures are kept \
             before deleting."
        )
    },
    past_none: |days| format!("0 records older than {days} days."),
    past_some: |count, days| {
        let records = if count == 1 {
            "1 record is".to_owned()
        } else {
            format!("{count} records are")
        };
        format!("{records} older than {days} days: the purge is overdue or failing.")
    },
    next_run: "Next purge",
    cutoff: "Deleted is what came in before",
    runs: "Last purge runs",
    no_runs: "No purge has run yet.",
    started: "Started",
    finished: "Finished",
    trigger: "Started by",
    outcome: "Outcome",
    deleted: "Deleted",
    deleted_counts: |calls, total| format!("{calls} calls, {total} records in all"),
    dry_run: "Dry run (nothing deleted)",
    trigger_name: |trigger| match trigger {
        PurgeTrigger::Schedule => "nightly",
        PurgeTrigger::Start => "at start",
        PurgeTrigger::Command => "command",
        PurgeTrigger::Restore => "after a restore",
    },
    outcome_name: |outcome| match outcome {
        PurgeOutcome::Running => "running",
        PurgeOutcome::Ok => "succeeded",
        PurgeOutcome::Failed => "failed",
        PurgeOutcome::Interrupted => "interrupted",
    },
    holds: "Legal holds",
    holds_intro: "Restricted calls the purge leaves until the day named; after it they are \
                  deleted once their period is over.",
    call: "Call",
    received: "Received",
    hold_until: "Keep until",
    hold_reason: "Reason",
};

/// The retention words of the page's language.
pub fn use_retention_texts() -> &'static RetentionTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .retention()
}

//! The words of the backup part of the „Aufbewahrung“ tab, in each language.

use super::Lang;

pub struct BackupTexts {
    pub heading: &'static str,
    pub intro: fn(i32) -> String,
    pub last_backup: &'static str,
    pub none_yet: &'static str,
    pub size: fn(i64) -> String,
    pub last_drill: &'static str,
    pub drill_ok: &'static str,
    pub drill_failed: &'static str,
    pub failing: fn(&str, &str) -> String,
    pub overdue: &'static str,
    pub drill_overdue: &'static str,
}

impl Lang {
    pub fn backup(self) -> &'static BackupTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

/// Megabytes with one decimal, as people read file sizes.
fn megabytes(bytes: i64, comma: bool) -> String {
    let text = format!("{:.1} MB", bytes as f64 / 1_000_000.0);
    if comma { text.replace('.', ",") } else { text }
}

const DE: BackupTexts = BackupTexts {
    heading: "Sicherungen",
    intro: |days| {
        format!(
            "Jede Nacht eine verschlüsselte Sicherung der Datenbank; nur wer den Schlüssel \
             außerhalb des Servers hat, kann sie lesen. Sicherungen älter als {days} Tage \
             werden gelöscht, damit Gelöschtes nicht über eine Sicherung zurückkommt."
        )
    },
    last_backup: "Letzte Sicherung",
    none_yet: "noch keine",
    size: |bytes| megabytes(bytes, true),
    last_drill: "Letzter Wiederherstellungstest",
    drill_ok: "stimmt mit der Sicherung überein",
    drill_failed: "fehlgeschlagen",
    failing: |at, error| format!("Die Sicherung vom {at} ist fehlgeschlagen: {error}"),
    overdue: "In den letzten 26 Stunden wurde keine Sicherung geschrieben.",
    drill_overdue: "In den letzten 8 Tagen gab es keinen erfolgreichen Wiederherstellungstest.",
};

const EN: BackupTexts = BackupTexts {
    heading: "Backups",
    intro: |days| {
        format!(
            "An encrypted backup of the database every night; only who holds the key outside \
             the server can read it. Backups older than {days} days are deleted, so that what \
             was deleted does not come back through a backup."
        )
    },
    last_backup: "Last backup",
    none_yet: "none yet",
    size: |bytes| megabytes(bytes, false),
    last_drill: "Last restore test",
    drill_ok: "matches the backup",
    drill_failed: "failed",
    failing: |at, error| format!("The backup of {at} failed: {error}"),
    overdue: "No backup was written in the last 26 hours.",
    drill_overdue: "No restore test succeeded in the last 8 days.",
};

/// The backup words of the page's language.
pub fn use_backup_texts() -> &'static BackupTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .backup()
}

//! The words of repeat callers (`crate::repeat`): the row's count, the drawer's list, closing a
//! run, and the admin's window, in each language.

use super::Lang;

pub struct RepeatTexts {
    /// The count on a row that stands for a run: „3×“.
    pub badge: fn(i32) -> String,
    pub badge_title: fn(i32) -> String,
    /// Marking a run done: how many calls were closed.
    pub closed: fn(usize) -> String,
    /// The drawer's list of the run's other calls.
    pub others: &'static str,
    pub settings_heading: &'static str,
    pub settings_intro: &'static str,
    pub window_minutes: &'static str,
    pub save: &'static str,
    pub saved: fn(i32) -> String,
}

impl Lang {
    pub fn repeat(self) -> &'static RepeatTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

pub fn use_repeat_texts() -> &'static RepeatTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .repeat()
}

const DE: RepeatTexts = RepeatTexts {
    badge: |count| format!("{count}×"),
    badge_title: |count| {
        format!(
            "{count} offene Anrufe von dieser Nummer, kurz nacheinander; „Erledigt“ schließt alle"
        )
    },
    closed: |count| match count {
        1 => "1 Anruf erledigt.".to_owned(),
        _ => format!("{count} Anrufe erledigt."),
    },
    others: "Weitere offene Anrufe dieser Nummer",
    settings_heading: "Wiederholte Anrufe",
    settings_intro: "Offene Anrufe derselben Nummer, die jeweils innerhalb dieses Zeitfensters \
                     nach dem vorigen kamen, stehen als eine Zeile mit Anzahl auf dem Schreibtisch. \
                     0 fasst nichts zusammen.",
    window_minutes: "Zeitfenster in Minuten",
    save: "Zeitfenster speichern",
    saved: |minutes| match minutes {
        0 => "Gespeichert: Anrufe werden nicht mehr zusammengefasst.".to_owned(),
        _ => format!("Gespeichert: Anrufe innerhalb von {minutes} Minuten werden zusammengefasst."),
    },
};

const EN: RepeatTexts = RepeatTexts {
    badge: |count| format!("{count}×"),
    badge_title: |count| {
        format!("{count} open calls from this number in a row; “Done” closes them all")
    },
    closed: |count| match count {
        1 => "1 call done.".to_owned(),
        _ => format!("{count} calls done."),
    },
    others: "More open calls from this number",
    settings_heading: "Repeat calls",
    settings_intro: "Open calls from one number, each within this window of the one before, \
                     show on the desk as one row with their count. 0 folds nothing.",
    window_minutes: "Window in minutes",
    save: "Save window",
    saved: |minutes| match minutes {
        0 => "Saved: calls are no longer folded.".to_owned(),
        _ => format!("Saved: calls within {minutes} minutes are folded."),
    },
};

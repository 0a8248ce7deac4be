//! The words of the front desk's figures and of the admins' evaluation (`crate::kpi`), in each
//! language.

use super::Lang;
use crate::kpi::Within;

pub struct KpiTexts {
    pub tiles: &'static str,
    pub open: &'static str,
    pub oldest_open: &'static str,
    pub done_today: &'static str,
    pub median_to_done: &'static str,
    /// A figure there is nothing for yet.
    pub none: &'static str,
    /// A duration, by its minutes: „14 Min.“, „3 Std.“, „2 Tage“.
    pub duration: fn(i64) -> String,
    pub report_tab: &'static str,
    pub report_intro: &'static str,
    /// When the figures were counted.
    pub counted_at: fn(&str) -> String,
    pub not_counted: &'static str,
    pub no_calls: &'static str,
    pub per_day: &'static str,
    pub per_day_label: fn(i64, i64) -> String,
    pub by_hour: &'static str,
    pub by_hour_label: fn(i64) -> String,
    pub heatmap: &'static str,
    pub heatmap_label: &'static str,
    pub by_source: &'static str,
    pub by_category: &'static str,
    pub no_category: &'static str,
    pub col_day: &'static str,
    pub col_name: &'static str,
    pub calls: &'static str,
    pub done: &'static str,
    pub open_calls: &'static str,
    pub escalated: &'static str,
    pub median: &'static str,
    pub p90: &'static str,
    pub total: &'static str,
    pub download_csv: &'static str,
    /// Monday first.
    pub weekdays: [&'static str; 7],
    /// The hour of the day from `hour`: „9–10 Uhr“.
    pub hour_span: fn(usize) -> String,
    /// A time to done known to a step: „≤ 45 Min.“, „über 7 Tage“.
    pub within: fn(Within) -> String,
}

impl Lang {
    pub fn kpi(self) -> &'static KpiTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

pub fn use_kpi_texts() -> &'static KpiTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .kpi()
}

const DE: KpiTexts = KpiTexts {
    tiles: "Kennzahlen",
    open: "Offen",
    oldest_open: "Wartet am längsten",
    done_today: "Heute erledigt",
    median_to_done: "Bis erledigt (Median heute)",
    none: "—",
    duration: |minutes| match minutes {
        0..60 => format!("{minutes} Min."),
        60..1440 => format!("{} Std.", minutes / 60),
        1440..2880 => "1 Tag".to_owned(),
        _ => format!("{} Tage", minutes / 1440),
    },
    report_tab: "Auswertung",
    report_intro: "Die Anrufe der letzten 30 Tage nach ihrem Eingang: wie viele kamen, wie viele \
                   davon erledigt sind und wie schnell. Zeiten bis erledigt in Stufen.",
    counted_at: |at| format!("Stand: {at} (jede Minute neu gezählt, frühere Tage alle 10 Minuten)"),
    no_calls: "In diesen 30 Tagen sind keine Anrufe eingegangen.",
    not_counted: "Noch nicht gezählt: Die Zahlen erscheinen wenige Minuten nach dem Start des Servers.",
    per_day: "Anrufe pro Tag",
    per_day_label: |calls, done| format!("Anrufe pro Tag, zusammen {calls}, davon {done} erledigt"),
    by_hour: "Anrufe nach Uhrzeit",
    by_hour_label: |calls| format!("Anrufe nach Uhrzeit, zusammen {calls}"),
    heatmap: "Stoßzeiten nach Wochentag und Stunde",
    heatmap_label: "Stoßzeiten: je dunkler, desto mehr Anrufe",
    by_source: "Nach Quelle",
    by_category: "Nach Kategorie",
    no_category: "ohne Kategorie",
    col_day: "Tag",
    col_name: "Name",
    calls: "Anrufe",
    done: "Erledigt",
    open_calls: "Offen",
    escalated: "Eskaliert",
    median: "Bis erledigt (Median)",
    p90: "Bis erledigt (9 von 10)",
    total: "Zusammen",
    download_csv: "Als CSV herunterladen",
    weekdays: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    hour_span: |hour| format!("{hour}–{} Uhr", hour + 1),
    within: |within| match within {
        Within::AtMost(minutes) if minutes < 60 || minutes % 60 != 0 => {
            format!("≤ {minutes} Min.")
        }
        Within::AtMost(minutes) if minutes < 1440 => format!("≤ {} Std.", minutes / 60),
        Within::AtMost(1440) => "≤ 1 Tag".to_owned(),
        Within::AtMost(minutes) => format!("≤ {} Tage", minutes / 1440),
        Within::Over(minutes) => format!("über {} Tage", minutes / 1440),
    },
};

const EN: KpiTexts = KpiTexts {
    tiles: "Figures",
    open: "Open",
    oldest_open: "Longest waiting",
    done_today: "Done today",
    median_to_done: "To done (median today)",
    none: "—",
    duration: |minutes| match minutes {
        0..60 => format!("{minutes} min"),
        60..1440 => format!("{} h", minutes / 60),
        1440..2880 => "1 day".to_owned(),
        _ => format!("{} days", minutes / 1440),
    },
    report_tab: "Evaluation",
    report_intro: "The calls of the last 30 days by when they came: how many, how many of them are \
                   done, and how fast. Times to done in steps.",
    counted_at: |at| format!("As of {at} (counted every minute, earlier days every 10 minutes)"),
    no_calls: "No calls came in these 30 days.",
    not_counted: "Not counted yet: the figures appear a few minutes after the server starts.",
    per_day: "Calls per day",
    per_day_label: |calls, done| format!("Calls per day, {calls} in all, {done} of them done"),
    by_hour: "Calls by time of day",
    by_hour_label: |calls| format!("Calls by time of day, {calls} in all"),
    heatmap: "Busiest hours by weekday and hour",
    heatmap_label: "Busiest hours: the darker, the more calls",
    by_source: "By source",
    by_category: "By category",
    no_category: "no category",
    col_day: "Day",
    col_name: "Name",
    calls: "Calls",
    done: "Done",
    open_calls: "Open",
    escalated: "Escalated",
    median: "To done (median)",
    p90: "To done (9 in 10)",
    total: "Total",
    download_csv: "Download as CSV",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    hour_span: |hour| format!("{hour}:00–{}:00", hour + 1),
    within: |within| match within {
        Within::AtMost(minutes) if minutes < 60 || minutes % 60 != 0 => {
            format!("≤ {minutes} min")
        }
        Within::AtMost(minutes) if minutes < 1440 => format!("≤ {} h", minutes / 60),
        Within::AtMost(1440) => "≤ 1 day".to_owned(),
        Within::AtMost(minutes) => format!("≤ {} days", minutes / 1440),
        Within::Over(minutes) => format!("over {} days", minutes / 1440),
    },
};

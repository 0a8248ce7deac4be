//! The words of the front desk's figures (`crate::kpi`), in each language.

use super::Lang;

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
};

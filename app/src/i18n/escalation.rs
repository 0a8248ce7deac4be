//! The words of the desk's alerts (red flags, escalation banner, notifications) and of the
//! escalation settings, in each language.

use super::Lang;

pub struct EscalationTexts {
    /// The badge of a red-flag call.
    pub red_flag: &'static str,
    pub red_flag_title: &'static str,
    /// The badge of an escalated call.
    pub escalated: &'static str,
    /// The banner: how many escalated calls are open, and the escalation time.
    pub banner: fn(usize, i32) -> String,
    /// A call of the banner, by the minutes it waits: „seit 14 Min.“, „seit 3 Std.“.
    pub waiting: fn(i64) -> String,
    pub open_call: &'static str,
    /// Beyond the calls the banner names: how many more, linking to the open calls.
    pub more: fn(usize) -> String,
    pub allow_notifications: &'static str,
    /// The browser notification's title and body: no personal data.
    pub notification_title: &'static str,
    pub notification_body: fn(i64) -> String,
    /// Asked before a bulk „Erledigt“ that includes red-flag calls.
    pub confirm_done: fn(usize) -> String,
    pub settings_heading: &'static str,
    pub settings_intro: &'static str,
    pub after_minutes: &'static str,
    pub on_duty: &'static str,
    pub nobody: &'static str,
    pub save: &'static str,
    pub saved: fn(i32) -> String,
}

impl Lang {
    pub fn escalation(self) -> &'static EscalationTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

pub fn use_escalation_texts() -> &'static EscalationTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .escalation()
}

const DE: EscalationTexts = EscalationTexts {
    red_flag: "Warnzeichen",
    red_flag_title: "Ein klinisches Warnzeichen im Anliegen hat den Anruf dringend gemacht. \
                     Er bleibt oben, bis ihn jemand übernimmt.",
    escalated: "Eskaliert",
    banner: |count, minutes| {
        let time = match minutes {
            1 => "einer Minute".to_owned(),
            n => format!("{n} Minuten"),
        };
        match count {
            1 => format!("Ein dringender Anruf wartet seit über {time}."),
            n => format!("{n} dringende Anrufe warten seit über {time}."),
        }
    },
    waiting: |minutes| match minutes {
        0..60 => format!("seit {minutes} Min."),
        60..1440 => format!("seit {} Std.", minutes / 60),
        1440..2880 => "seit einem Tag".to_owned(),
        _ => format!("seit {} Tagen", minutes / 1440),
    },
    open_call: "Öffnen",
    more: |count| format!("und {count} weitere"),
    allow_notifications: "Benachrichtigungen einschalten",
    notification_title: "Anrufe: dringender Anruf wartet",
    notification_body: |minutes| {
        format!("Ein dringender Anruf ist seit {minutes} Minuten offen und wurde eskaliert.")
    },
    confirm_done: |count| match count {
        1 => "Unter den ausgewählten Anrufen ist einer mit klinischem Warnzeichen, den noch \
              niemand übernommen hat. Trotzdem alle als erledigt markieren?"
            .to_owned(),
        n => format!(
            "Unter den ausgewählten Anrufen sind {n} mit klinischem Warnzeichen, die noch \
             niemand übernommen hat. Trotzdem alle als erledigt markieren?"
        ),
    },
    settings_heading: "Eskalation",
    settings_intro: "Ein dringender Anruf, der länger offen ist, wird eskaliert: Er wird \
                     markiert, jede offene Anrufliste zeigt ihn oben an, und wenn ihn niemand \
                     hat, bekommt ihn die diensthabende Person. Jede Eskalation steht im \
                     Protokoll.",
    after_minutes: "Eskalieren nach (Minuten)",
    on_duty: "Diensthabende Person",
    nobody: "Niemand (nur anzeigen)",
    save: "Speichern",
    saved: |minutes| match minutes {
        1 => "Gespeichert: dringende Anrufe eskalieren nach einer Minute.".to_owned(),
        n => format!("Gespeichert: dringende Anrufe eskalieren nach {n} Minuten."),
    },
};

const EN: EscalationTexts = EscalationTexts {
    red_flag: "Red flag",
    red_flag_title: "A clinical red flag in the concern made this call urgent. It stays on top \
                     until someone takes it.",
    escalated: "Escalated",
    banner: |count, minutes| {
        let time = match minutes {
            1 => "a minute".to_owned(),
            n => format!("{n} minutes"),
        };
        match count {
            1 => format!("An urgent call has been waiting for over {time}."),
            n => format!("{n} urgent calls have been waiting for over {time}."),
        }
    },
    waiting: |minutes| match minutes {
        0..60 => format!("{minutes} min"),
        60..1440 => format!("{} h", minutes / 60),
        1440..2880 => "1 day".to_owned(),
        _ => format!("{} days", minutes / 1440),
    },
    open_call: "Open",
    more: |count| format!("and {count} more"),
    allow_notifications: "Turn on notifications",
    notification_title: "Anrufe: an urgent call is waiting",
    notification_body: |minutes| {
        format!("An urgent call has been open for {minutes} minutes and was escalated.")
    },
    confirm_done: |count| match count {
        1 => "One of the selected calls has a clinical red flag and nobody has taken it yet. \
              Mark them all done anyway?"
            .to_owned(),
        n => format!(
            "{n} of the selected calls have a clinical red flag and nobody has taken them yet. \
             Mark them all done anyway?"
        ),
    },
    settings_heading: "Escalation",
    settings_intro: "An urgent call open for longer is escalated: it is marked, every open \
                     calls table shows it on top, and if nobody has it, the person on duty \
                     gets it. Every escalation is in the audit log.",
    after_minutes: "Escalate after (minutes)",
    on_duty: "Person on duty",
    nobody: "Nobody (show only)",
    save: "Save",
    saved: |minutes| match minutes {
        1 => "Saved: urgent calls escalate after one minute.".to_owned(),
        n => format!("Saved: urgent calls escalate after {n} minutes."),
    },
};

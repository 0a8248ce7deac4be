//! The words of the caller's rights in the drawer (admins), in each language.

use super::Lang;
use crate::domain::ErasureReport;

pub struct RightsTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub reason: &'static str,
    pub export_call: &'static str,
    pub export_caller: &'static str,
    pub erase_call: &'static str,
    pub erase_caller: &'static str,
    pub confirm_call: fn(&ErasureReport) -> String,
    pub confirm_caller: fn(&ErasureReport, &str) -> String,
    pub never_back: &'static str,
    pub erase_for_good: &'static str,
    pub cancel: &'static str,
    pub erased: fn(&ErasureReport) -> String,
    pub restriction_title: &'static str,
    pub restriction_intro: &'static str,
    pub restriction_reason: &'static str,
    pub restrict_call: &'static str,
    pub restrict_caller: &'static str,
    pub restricted: fn(i64) -> String,
    pub restricted_since: fn(&str, &str) -> String,
    pub lift: &'static str,
    pub lift_caller: &'static str,
    pub lifted: fn(i64) -> String,
    pub hold_title: &'static str,
    pub hold_until: &'static str,
    pub hold_set: &'static str,
    pub hold_saved: &'static str,
    pub held_until: fn(&str, &str) -> String,
    pub end_hold: &'static str,
    pub hold_ended: &'static str,
    pub badge: &'static str,
}

impl Lang {
    pub fn rights(self) -> &'static RightsTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

fn calls_de(n: i64) -> String {
    if n == 1 {
        "1 Anruf".to_owned()
    } else {
        format!("{n} Anrufe")
    }
}

fn calls_en(n: i64) -> String {
    if n == 1 {
        "1 call".to_owned()
    } else {
        format!("{n} calls")
    }
}

fn what_de(report: &ErasureReport) -> String {
    format!(
        "mit {} Statuseinträgen, {} Notizen und {} Aufdeckungsgründen; die Änderungsdaten von {} \
         Protokolleinträgen werden geleert; {} Fehlzeilen mit diesen Daten werden gelöscht",
        report.status_entries,
        report.notes,
        report.reveals,
        report.audit_diffs,
        report.dead_letters
    )
}

fn what_en(report: &ErasureReport) -> String {
    format!(
        "with {} status entries, {} notes and {} reveal reasons; the change details of {} audit \
         rows are erased; {} rejected lines holding this data are deleted",
        report.status_entries,
        report.notes,
        report.reveals,
        report.audit_diffs,
        report.dead_letters
    )
}

const DE: RightsTexts = RightsTexts {
    title: "Datenschutz: Rechte der anrufenden Person",
    intro: "Auskunft und Datenübertragbarkeit (Art. 15/20 DSGVO) als JSON-Datei, Löschung \
            (Art. 17). Jede Herausgabe und jede Löschung wird mit Ihrem Namen und dem Grund \
            protokolliert.",
    reason: "Grund (wird protokolliert)",
    export_call: "Diesen Anruf exportieren",
    export_caller: "Alle Anrufe dieser Nummer exportieren",
    erase_call: "Diesen Anruf löschen …",
    erase_caller: "Alle Anrufe dieser Nummer löschen …",
    confirm_call: |report| format!("Endgültig gelöscht wird dieser Anruf {}.", what_de(report)),
    confirm_caller: |report, number| {
        let calls = if report.calls == 1 {
            format!("wird der einzige Anruf von {number}")
        } else {
            format!("werden alle {} Anrufe von {number}", report.calls)
        };
        format!("Endgültig gelöscht {calls} {}.", what_de(report))
    },
    never_back: "Gelöschte Anrufe lassen sich nicht wiederherstellen und kommen auch beim \
                 erneuten Einlesen der Anrufdateien nicht wieder.",
    erase_for_good: "Endgültig löschen",
    cancel: "Abbrechen",
    erased: |report| format!("Gelöscht: {} und alles dazu.", calls_de(report.calls)),
    restriction_title: "Sperrvermerk (Art. 18 DSGVO)",
    restriction_intro: "Statt zu löschen, wo das Gesetz Aufbewahrung verlangt: Ein gesperrter \
                        Anruf ist für den Empfang nirgends mehr zu sehen und kann von niemandem \
                        geändert werden; die Aufbewahrungsfrist löscht ihn dennoch, außer es \
                        gilt eine Aufbewahrungspflicht.",
    restriction_reason: "Grund der Sperre oder Aufbewahrung (wird protokolliert)",
    restrict_call: "Diesen Anruf sperren",
    restrict_caller: "Alle Anrufe dieser Nummer sperren",
    restricted: |n| format!("Gesperrt: {}.", calls_de(n)),
    restricted_since: |since, by| format!("Gesperrt seit {since} von {by}:"),
    lift: "Sperre aufheben",
    lift_caller: "Sperre aller Anrufe dieser Nummer aufheben",
    lifted: |n| format!("Sperre aufgehoben: {}.", calls_de(n)),
    hold_title: "Aufbewahrungspflicht",
    hold_until: "Aufbewahren bis",
    hold_set: "Aufbewahrungspflicht setzen",
    hold_saved: "Aufbewahrungspflicht gespeichert.",
    held_until: |until, reason| format!("Aufbewahren bis {until}: {reason}"),
    end_hold: "Aufbewahrungspflicht beenden",
    hold_ended: "Aufbewahrungspflicht beendet.",
    badge: "gesperrt",
};

const EN: RightsTexts = RightsTexts {
    title: "Data protection: the caller's rights",
    intro: "Access and portability (GDPR Art. 15/20) as a JSON file, erasure (Art. 17). Every \
            export and every erasure is recorded with your name and the reason.",
    reason: "Reason (recorded)",
    export_call: "Export this call",
    export_caller: "Export all calls of this number",
    erase_call: "Erase this call …",
    erase_caller: "Erase all calls of this number …",
    confirm_call: |report| format!("This call is erased for good, {}.", what_en(report)),
    confirm_caller: |report, number| {
        let calls = if report.calls == 1 {
            format!("The only call of {number} is")
        } else {
            format!("All {} calls of {number} are", report.calls)
        };
        format!("{calls} erased for good, {}.", what_en(report))
    },
    never_back: "Erased calls cannot be restored, and they do not come back when the call files \
                 are read again.",
    erase_for_good: "Erase for good",
    cancel: "Cancel",
    erased: |report| {
        format!(
            "Erased: {} and everything about them.",
            calls_en(report.calls)
        )
    },
    restriction_title: "Restriction (GDPR Art. 18)",
    restriction_intro: "Instead of erasing, where the law requires keeping: a restricted call no \
                        longer shows anywhere for the front desk and nobody can change it; \
                        retention still deletes it unless a legal hold applies.",
    restriction_reason: "Reason for the restriction or hold (recorded)",
    restrict_call: "Restrict this call",
    restrict_caller: "Restrict all calls of this number",
    restricted: |n| format!("Restricted: {}.", calls_en(n)),
    restricted_since: |since, by| format!("Restricted since {since} by {by}:"),
    lift: "Lift the restriction",
    lift_caller: "Lift the restriction of all calls of this number",
    lifted: |n| format!("Restriction lifted: {}.", calls_en(n)),
    hold_title: "Legal hold",
    hold_until: "Keep until",
    hold_set: "Set the legal hold",
    hold_saved: "Legal hold saved.",
    held_until: |until, reason| format!("Kept until {until}: {reason}"),
    end_hold: "End the legal hold",
    hold_ended: "Legal hold ended.",
    badge: "restricted",
};

/// The rights words of the page's language.
pub fn use_rights_texts() -> &'static RightsTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .rights()
}

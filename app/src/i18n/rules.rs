//! The words of the priority rules (admin tab, the drawer's reason), in each language.

use super::Lang;
use crate::rules::{PriorityReason, RuleKind};

pub struct RulesTexts {
    pub tab: &'static str,
    pub intro: &'static str,
    pub kind: &'static str,
    pub value: &'static str,
    pub label: &'static str,
    pub priority: &'static str,
    pub enabled: &'static str,
    pub actions: &'static str,
    pub remove: &'static str,
    pub remove_confirm: &'static str,
    pub none: &'static str,
    pub add_heading: &'static str,
    pub add: &'static str,
    pub kind_name: fn(RuleKind) -> &'static str,
    pub value_example: fn(RuleKind) -> &'static str,
    /// After a change: how many open calls got another priority.
    pub saved: fn(u64) -> String,
    /// The drawer's reason: „Regel „Brustschmerz“ (Stichwort)“.
    pub set_by: fn(&str, &str) -> String,
    /// The drawer's reason for a VIP rule whose label the viewer may not see.
    pub set_by_vip: &'static str,
}

impl Lang {
    pub fn rules(self) -> &'static RulesTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

impl RulesTexts {
    pub fn reason(&self, reason: &PriorityReason) -> String {
        match &reason.label {
            Some(label) => (self.set_by)(label, (self.kind_name)(reason.kind)),
            None => self.set_by_vip.to_owned(),
        }
    }
}

pub fn use_rules_texts() -> &'static RulesTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .rules()
}

pub(super) const DE: RulesTexts = RulesTexts {
    tab: "Prioritätsregeln",
    intro: "VIP-Nummern und Stichwörter im Anliegen setzen die Priorität beim Import. Ein Anruf, \
            der selbst keine Priorität nennt, bekommt die der Regel; einer mit Priorität behält \
            sie, außer die Regel ist höher. Jede Änderung stuft die offenen Anrufe sofort neu ein \
            (nicht die, deren Priorität jemand übernommen hat). Die klinischen Warnzeichen sind \
            von Anfang an eingeschaltet.",
    kind: "Art",
    value: "Wert",
    label: "Bezeichnung",
    priority: "Priorität",
    enabled: "Aktiv",
    actions: "Aktionen",
    remove: "Entfernen",
    remove_confirm: "Diese Regel entfernen? Offene Anrufe, deren Priorität sie gesetzt hat, \
                     werden sofort neu eingestuft.",
    none: "Noch keine Regeln.",
    add_heading: "Regel hinzufügen",
    add: "Hinzufügen",
    kind_name: |kind| match kind {
        RuleKind::VipNumber => "VIP-Nummer",
        RuleKind::Keyword => "Stichwort",
        RuleKind::Pattern => "Muster",
    },
    value_example: |kind| match kind {
        RuleKind::VipNumber => "z. B. 030 1234567",
        RuleKind::Keyword => "z. B. Brustschmerz (findet auch „Brustschmerzen“)",
        RuleKind::Pattern => r"z. B. fieber.*\b(39|40)",
    },
    saved: |count| match count {
        0 => "Gespeichert; kein offener Anruf ändert sich.".to_owned(),
        1 => "Gespeichert; 1 offener Anruf neu eingestuft.".to_owned(),
        n => format!("Gespeichert; {n} offene Anrufe neu eingestuft."),
    },
    set_by: |label, kind| format!("durch Regel „{label}“ ({kind})"),
    set_by_vip: "durch eine VIP-Nummer",
};

pub(super) const EN: RulesTexts = RulesTexts {
    tab: "Priority rules",
    intro: "VIP numbers and keywords in the concern set the priority at import. A call whose \
            event states no priority gets the rule's; one that states a priority keeps it unless \
            the rule's is higher. Every change re-evaluates the open calls at once (not those \
            whose priority someone accepted). The clinical red flags are on from the start.",
    kind: "Kind",
    value: "Value",
    label: "Label",
    priority: "Priority",
    enabled: "Active",
    actions: "Actions",
    remove: "Remove",
    remove_confirm: "Remove this rule? Open calls whose priority it set are re-evaluated at once.",
    none: "No rules yet.",
    add_heading: "Add a rule",
    add: "Add",
    kind_name: |kind| match kind {
        RuleKind::VipNumber => "VIP number",
        RuleKind::Keyword => "keyword",
        RuleKind::Pattern => "pattern",
    },
    value_example: |kind| match kind {
        RuleKind::VipNumber => "e.g. 030 1234567",
        RuleKind::Keyword => "e.g. Brustschmerz (finds „Brustschmerzen“ too)",
        RuleKind::Pattern => r"e.g. fieber.*\b(39|40)",
    },
    saved: |count| match count {
        0 => "Saved; no open call changes.".to_owned(),
        1 => "Saved; 1 open call re-evaluated.".to_owned(),
        n => format!("Saved; {n} open calls re-evaluated."),
    },
    set_by: |label, kind| format!("by rule „{label}“ ({kind})"),
    set_by_vip: "by a VIP number",
};

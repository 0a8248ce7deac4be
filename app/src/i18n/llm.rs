//! The words of the LLM help (drawer, table hint, admin settings), in each language.

use super::Lang;
use crate::{
    compliance::refusal::Refusal,
    llm::{Outcome, SuggestError},
};

pub struct LlmTexts {
    pub heading: &'static str,
    pub ask: &'static str,
    pub ask_again: &'static str,
    pub asking: &'static str,
    pub accept: &'static str,
    pub accepted: &'static str,
    pub category: &'static str,
    pub urgency: &'static str,
    pub none_yet: &'static str,
    /// Who made the suggestion and that it changes nothing on its own.
    pub from_model: fn(&str, &str) -> String,
    /// The table's hint: category and urgency of a suggestion not yet accepted.
    pub hint: fn(&str, &str) -> String,
    pub hint_title: &'static str,
    pub not_configured: &'static str,
    pub unreachable: &'static str,
    pub unaffected: &'static str,
    pub invalid_answer: &'static str,
    pub redaction_failed: &'static str,
    pub pii_blocked: &'static str,
    pub policy_refused: &'static str,
    pub ledger: &'static str,
    pub sent: &'static str,
    pub answer: &'static str,
    pub nothing_sent: &'static str,
    pub automatic: &'static str,
    pub measures: fn(Option<i32>, Option<i32>, Option<i32>) -> String,
    pub outcome: fn(Outcome) -> &'static str,
    pub settings_heading: &'static str,
    pub settings_intro: &'static str,
    pub auto_mode: &'static str,
    pub categories: &'static str,
    pub categories_help: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub ident: &'static str,
    pub ident_help: &'static str,
}

impl Lang {
    pub fn llm(self) -> &'static LlmTexts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }
}

impl LlmTexts {
    /// What the person is told when no suggestion came.
    pub fn error(&self, error: &SuggestError) -> String {
        let text = match error {
            SuggestError::NotConfigured => self.not_configured,
            SuggestError::Refused(Refusal::PiiBlocked) => self.pii_blocked,
            SuggestError::Refused(_) => self.policy_refused,
            SuggestError::RedactionFailed => self.redaction_failed,
            SuggestError::Unreachable => {
                return format!("{} {}", self.unreachable, self.unaffected);
            }
            SuggestError::InvalidAnswer => self.invalid_answer,
        };
        text.to_owned()
    }
}

/// Token counts and latency of a request, as far as known: „258 + 51 Tokens, 2497 ms“.
fn measures(prompt: Option<i32>, completion: Option<i32>, ms: Option<i32>, tokens: &str) -> String {
    let mut parts = Vec::new();
    if let (Some(prompt), Some(completion)) = (prompt, completion) {
        parts.push(format!("{prompt} + {completion} {tokens}"));
    }
    if let Some(ms) = ms {
        parts.push(format!("{ms} ms"));
    }
    parts.join(", ")
}

pub fn use_llm_texts() -> &'static LlmTexts {
    leptos::prelude::use_context::<Lang>()
        .unwrap_or_default()
        .llm()
}

pub(super) const DE: LlmTexts = LlmTexts {
    heading: "KI-Vorschlag",
    ask: "Vorschlagen",
    ask_again: "Erneut vorschlagen",
    asking: "Wird vorgeschlagen …",
    accept: "Übernehmen",
    accepted: "Übernommen",
    category: "Kategorie",
    urgency: "Dringlichkeit",
    none_yet: "Noch kein Vorschlag.",
    from_model: |model, at| format!("Vorschlag von {model}, {at}. Nichts wird ohne Sie geändert."),
    hint: |category, urgency| format!("KI: {category} · {urgency}"),
    hint_title: "Vorschlag der KI-Hilfe, noch nicht übernommen",
    not_configured: "Die KI-Hilfe ist nicht eingerichtet (TOMEDO_HOST).",
    unreachable: "KI-Dienst nicht erreichbar.",
    unaffected: "Alles andere funktioniert wie gewohnt.",
    invalid_answer: "Die Antwort des KI-Dienstes war unbrauchbar und wurde verworfen.",
    redaction_failed: "Die persönlichen Daten konnten nicht sicher entfernt werden; es wurde \
                       nichts gesendet.",
    pii_blocked: "Das Anliegen enthält Angaben, die eine Compliance-Regel sperrt; es wurde \
                  nichts gesendet.",
    policy_refused: "Die Quellen-Richtlinie erlaubt die KI-Hilfe für die Quelle dieses Anrufs \
                     nicht; es wurde nichts gesendet.",
    ledger: "Anfragen an den KI-Dienst",
    sent: "Gesendet",
    answer: "Antwort",
    nothing_sent: "nichts gesendet",
    automatic: "automatisch",
    measures: |prompt, completion, ms| measures(prompt, completion, ms, "Tokens"),
    outcome: |outcome| match outcome {
        Outcome::Ok => "Vorschlag",
        Outcome::Refused => "von der Richtlinie abgelehnt",
        Outcome::Blocked => "gesperrt",
        Outcome::Unreachable => "nicht erreichbar",
        Outcome::InvalidAnswer => "Antwort verworfen",
        Outcome::Failed => "abgewiesen",
    },
    settings_heading: "KI-Hilfe",
    settings_intro: "Vorschläge für Zusammenfassung, Kategorie und Dringlichkeit, nur vom \
                     KI-Dienst der Praxis (tomedo llmservice); Name, Nummer, Geburtsdatum und \
                     jeder Treffer einer PII-Regel werden vorher entfernt.",
    auto_mode: "Neue Anrufe automatisch vorschlagen lassen",
    categories: "Kategorien",
    categories_help: "Eine Kategorie je Zeile, 1 bis 30.",
    save: "Speichern",
    saved: "Gespeichert.",
    ident: "userIdent (KI-Dienst)",
    ident_help: "Leer: die Vorgabe der Praxis (TOMEDO_USER_IDENT).",
};

pub(super) const EN: LlmTexts = LlmTexts {
    heading: "AI suggestion",
    ask: "Suggest",
    ask_again: "Suggest again",
    asking: "Asking …",
    accept: "Accept",
    accepted: "Accepted",
    category: "Category",
    urgency: "Urgency",
    none_yet: "No suggestion yet.",
    from_model: |model, at| format!("Suggested by {model}, {at}. Nothing changes without you."),
    hint: |category, urgency| format!("AI: {category} · {urgency}"),
    hint_title: "Suggestion of the AI help, not yet accepted",
    not_configured: "The AI help is not set up (TOMEDO_HOST).",
    unreachable: "AI service unreachable.",
    unaffected: "Everything else works as usual.",
    invalid_answer: "The AI service's answer was unusable and was discarded.",
    redaction_failed: "The personal data could not be removed safely; nothing was sent.",
    pii_blocked: "The concern holds data a compliance rule blocks; nothing was sent.",
    policy_refused: "The source policy does not allow the AI help for this call's source; \
                     nothing was sent.",
    ledger: "Requests to the AI service",
    sent: "Sent",
    answer: "Answer",
    nothing_sent: "nothing sent",
    automatic: "automatic",
    measures: |prompt, completion, ms| measures(prompt, completion, ms, "tokens"),
    outcome: |outcome| match outcome {
        Outcome::Ok => "suggestion",
        Outcome::Refused => "refused by the policy",
        Outcome::Blocked => "blocked",
        Outcome::Unreachable => "unreachable",
        Outcome::InvalidAnswer => "answer discarded",
        Outcome::Failed => "refused by the service",
    },
    settings_heading: "AI help",
    settings_intro: "Suggestions of a summary, a category and an urgency, only from the \
                     practice's AI service (tomedo llmservice); name, number, date of birth and \
                     every match of a PII rule are removed first.",
    auto_mode: "Have new calls suggested automatically",
    categories: "Categories",
    categories_help: "One category per line, 1 to 30.",
    save: "Save",
    saved: "Saved.",
    ident: "userIdent (AI service)",
    ident_help: "Empty: the practice's default (TOMEDO_USER_IDENT).",
};

//! What of a call may leave the server for the LLM: its concern, with the caller's name, number
//! and date of birth and every match of the policy's PII rules replaced by placeholders.
//! [`Redacted`] can only be made here, and a prompt only of it.

use std::{fmt, sync::LazyLock};

use chrono::{Datelike, NaiveDate};
use regex::{Regex, RegexBuilder};

use crate::{
    compliance::pii::{Finding, PiiRules, Severity, redact as replace},
    domain::PhoneNumber,
};

/// The caller's own data, which never leaves the server.
#[derive(Clone, Debug, Default)]
pub struct Caller<'a> {
    pub name: Option<&'a str>,
    pub number: Option<&'a PhoneNumber>,
    pub date_of_birth: Option<NaiveDate>,
}

/// A call's concern with the caller's data and every PII finding replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why nothing may be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Withheld {
    /// A rule with severity `block` matched; its name.
    Blocked(String),
    /// After redaction, something of the caller's data was still there: a bug, so nothing is
    /// sent.
    Incomplete,
    /// Redaction did not finish (it took too long, or failed); the code says which.
    Failed(&'static str),
}

impl fmt::Display for Withheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blocked(rule) => write!(f, "pii_blocked:{rule}"),
            Self::Incomplete => f.write_str("redaction_incomplete"),
            Self::Failed(code) => f.write_str(code),
        }
    }
}

/// The placeholders, in the words of the default PII rules' labels.
const NAME: &str = "[NAME]";
const NUMBER: &str = "[TELEFON]";
const BIRTH: &str = "[GEBURTSDATUM]";

/// Redacts `text`, the concern of a call of `caller`, for the LLM. Every rule's match is
/// replaced, not only the `redact` ones: what is kept with a warning in the dashboard does not
/// leave it.
pub fn redact(text: &str, caller: &Caller<'_>, rules: &PiiRules) -> Result<Redacted, Withheld> {
    if let Some(block) = rules
        .scan(text, None)
        .into_iter()
        .find(|finding| finding.severity == Severity::Block)
    {
        return Err(Withheld::Blocked(block.rule));
    }
    let findings: Vec<Finding> = rules
        .scan(text, None)
        .into_iter()
        .map(|finding| Finding {
            severity: Severity::Redact,
            ..finding
        })
        .collect();
    let mut text = replace(text, &findings);
    if let Some(date) = caller.date_of_birth {
        text = date_pattern(date).replace_all(&text, BIRTH).into_owned();
    }
    if let Some(number) = caller.number {
        text = replace_number(&text, number);
    }
    if let Some(name) = caller.name {
        for part in name_parts(name) {
            text = word_pattern(part).replace_all(&text, NAME).into_owned();
        }
    }
    if still_holds(&text, caller) {
        return Err(Withheld::Incomplete);
    }
    Ok(Redacted(text))
}

/// The parts of a name worth hiding: words of two letters or more (each half of a double name
/// too).
fn name_parts(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .map(|part| part.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|part| part.chars().count() >= 2)
}

fn word_pattern(word: &str) -> Regex {
    RegexBuilder::new(&format!(r"\b{}\b", regex::escape(word)))
        .case_insensitive(true)
        .build()
        .expect("an escaped word is a valid pattern")
}

/// The date in the ways people write it: 7.3.1985, 07.03.85, 1985-03-07, 7. März 1985.
fn date_pattern(date: NaiveDate) -> Regex {
    const MONTHS: [&str; 12] = [
        "jan(?:uar|\\.)?",
        "feb(?:ruar|\\.)?",
        "m(?:ä|ae)rz|mrz\\.?",
        "apr(?:il|\\.)?",
        "mai",
        "jun(?:i|\\.)?",
        "jul(?:i|\\.)?",
        "aug(?:ust|\\.)?",
        "sep(?:t(?:ember)?)?\\.?",
        "okt(?:ober|\\.)?",
        "nov(?:ember|\\.)?",
        "dez(?:ember|\\.)?",
    ];
    let (day, month, year) = (date.day(), date.month(), date.year());
    let short_year = year % 100;
    let month_name = MONTHS[date.month0() as usize];
    let pattern = format!(
        r"\b0?{day}\.\s?0?{month}\.\s?(?:{year}|{short_year:02})\b|\b{year}-{month:02}-{day:02}\b|\b0?{day}\.?\s?(?:{month_name})\s(?:{year}|{short_year:02})\b"
    );
    RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .build()
        .expect("a date pattern is valid")
}

/// `text` with every run of digits that is the caller's number, in any notation, replaced.
fn replace_number(text: &str, number: &PhoneNumber) -> String {
    digit_runs()
        .replace_all(text, |found: &regex::Captures<'_>| {
            let run = &found[0];
            if PhoneNumber::e164_of(run).is_ok_and(|e164| e164 == number.e164()) {
                NUMBER.to_owned()
            } else {
                run.to_owned()
            }
        })
        .into_owned()
}

/// Runs of digits and the characters numbers are written with.
fn digit_runs() -> &'static Regex {
    static RUNS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[+(]?\d[\d\s()/.-]{4,}\d").expect("a valid pattern"));
    &RUNS
}

/// Whether the caller's name, number or date of birth can still be found in `text`.
fn still_holds(text: &str, caller: &Caller<'_>) -> bool {
    let name = caller
        .name
        .is_some_and(|name| name_parts(name).any(|part| word_pattern(part).is_match(text)));
    let number = caller.number.is_some_and(|number| {
        let national = number.e164().trim_start_matches("+49");
        digit_runs().find_iter(text).any(|run| {
            let digits: String = run.as_str().chars().filter(char::is_ascii_digit).collect();
            digits.contains(national)
        })
    });
    let birth = caller
        .date_of_birth
        .is_some_and(|date| date_pattern(date).is_match(text));
    name || number || birth
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::pii::{PiiRule, RuleKind, default_rules};

    fn rules() -> PiiRules {
        PiiRules::compile(&default_rules()).expect("the default rules")
    }

    fn caller(number: &PhoneNumber) -> Caller<'_> {
        Caller {
            name: Some("Erika Mustermann-Schulz"),
            number: Some(number),
            date_of_birth: NaiveDate::from_ymd_opt(2012, 3, 7),
        }
    }

    #[test]
    fn the_callers_data_and_every_finding_become_placeholders() {
        let number = PhoneNumber::parse("030 1234567").expect("a number");
        let text = "Frau Mustermann-Schulz (geb. 07.03.2012, Kind Erika) bittet um Rückruf unter \
                    030 / 123 45 67 oder +49 170 9876543, Mail erika@example.de, IBAN DE89 3704 \
                    0044 0532 0130 00. Termin am 7. März 2012? Nein, am 12.12.2026.";
        let redacted = redact(text, &caller(&number), &rules()).expect("nothing blocks");
        let out = redacted.as_str();
        for leaked in [
            "Mustermann",
            "Erika",
            "07.03.2012",
            "März 2012",
            "123 45 67",
            "9876543",
            "erika@",
            "DE89",
        ] {
            assert!(!out.contains(leaked), "{leaked:?} left in {out:?}");
        }
        assert!(out.contains("[NAME]"), "{out}");
        assert!(out.contains("[TELEFON]"), "{out}");
        assert!(out.contains("[GEBURTSDATUM]"), "{out}");
        assert!(out.contains("[E-MAIL]"), "{out}");
        assert!(out.contains("[IBAN]"), "{out}");
        assert!(
            out.contains("am 12.12.2026"),
            "an appointment date stays: {out}"
        );
        assert!(out.contains("bittet um Rückruf"), "{out}");
    }

    #[test]
    fn a_blocking_rule_withholds_the_text() {
        let mut list = default_rules();
        list.push(PiiRule {
            name: "Diagnose".to_owned(),
            label: "DIAGNOSE".to_owned(),
            kind: RuleKind::Keyword,
            pattern: "HIV".to_owned(),
            severity: Severity::Block,
            active: true,
        });
        let rules = PiiRules::compile(&list).expect("valid rules");
        let text = "Befund HIV-Test bitte zurückrufen";
        assert_eq!(
            redact(text, &Caller::default(), &rules),
            Err(Withheld::Blocked("Diagnose".to_owned()))
        );
    }

    #[test]
    fn a_text_without_personal_data_is_sent_as_it_is() {
        let text = "Rezept für Ibuprofen 600 abholen";
        assert_eq!(
            redact(text, &Caller::default(), &rules())
                .expect("nothing blocks")
                .as_str(),
            text
        );
    }
}

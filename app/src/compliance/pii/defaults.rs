//! The rules of policy version 1: e-mail addresses, German phone numbers and IBANs (seed 003
//! §2.2) and dates of birth, written for what a German front desk types. Their quality is
//! measured on `corpus.tsv` (see the tests).
//!
//! Severities differ from the crawler's seed, which blocks all three: a call is personal data by
//! nature, and a blocked call never reaches the front desk. So nothing is blocked out of the
//! box: bank details and dates of birth in free text are redacted (the date of birth has its own,
//! protected field), phone numbers and e-mail addresses are kept with a warning (callers leave
//! them for a call back). The data-protection officer can raise any of them to `block`.

use super::{PiiRule, RuleKind, Severity};

/// An e-mail address; letters beyond ASCII in the local part and the domain.
const EMAIL: &str = r"(?i)[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b";

/// A German phone number: +49 or 0049 (with an optional "(0)"), or a leading 0; the area code
/// in brackets or not; the rest in groups separated by spaces, a slash or dashes. Without a
/// separator the number has at least seven digits, so postal codes (01067) are not numbers;
/// dots are no separator, so dates are not either.
const PHONE: &str = r"(?x)
    (?:
        (?:\+|\b00)49[\x20-]?(?:\(0\)\x20?)?\(?[1-9]\d{1,4}\)?
      | \(0[1-9]\d{1,4}\)
      | \b0[1-9]\d{1,4}
    )
    (?: \d{4,} | (?:\x20?[/-]\x20?|\x20)\d{2,} )
    (?:[\x20-]\d{2,}){0,4}
    \b";

/// An IBAN: country, check digits and 11 to 30 letters or digits, with or without spaces in
/// groups of four.
const IBAN: &str = r"\b[A-Z]{2}\x20?\d{2}(?:\x20?[A-Z0-9]{4}){3,7}(?:\x20?[A-Z0-9]{1,3})?\b";

/// A date of birth: any date after "geb.", "geboren (am)", "Geburtsdatum (des Kindes)",
/// "Geb.-Dat."; without
/// such a word a date in the last century (12.03.1980, 12.3.80, 12. März 1980, 1980-03-12),
/// since an appointment or a report is dated in this one.
const DATE_OF_BIRTH: &str = r"(?xi)
    (?:
        (?:\bgeb(?:oren)?\.?(?:\x20am)?|\bgeburtsdatum(?:\x20[a-zäöüß]+){0,3}|\bgeb\.?-?dat(?:um)?\.?):?\x20*
        (?:
            \b(?:0?[1-9]|[12]\d|3[01])\.\x20?(?:0?[1-9]|1[0-2])\.\x20?(?:19|20)?\d{2}\b
          | \b(?:0?[1-9]|[12]\d|3[01])\.?\x20?MONTH\x20(?:19|20)\d{2}\b
          | \b(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b
        )
      | \b(?:0?[1-9]|[12]\d|3[01])\.\x20?(?:0?[1-9]|1[0-2])\.\x20?(?:19\d{2}|[3-9]\d)\b
      | \b(?:0?[1-9]|[12]\d|3[01])\.?\x20?MONTH\x2019\d{2}\b
      | \b19\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b
    )";

/// German month names and their usual abbreviations.
const MONTH: &str = r"(?:jan(?:uar|\.)?|feb(?:ruar|\.)?|m(?:ä|ae)rz|mrz\.?|apr(?:il|\.)?|mai|jun(?:i|\.)?|jul(?:i|\.)?|aug(?:ust|\.)?|sep(?:t(?:ember)?)?\.?|okt(?:ober|\.)?|nov(?:ember|\.)?|dez(?:ember|\.)?)";

/// The PII rules every new installation starts with.
pub fn default_rules() -> Vec<PiiRule> {
    let rule = |name: &str, label: &str, pattern: String, severity| PiiRule {
        name: name.to_owned(),
        label: label.to_owned(),
        kind: RuleKind::Regex,
        pattern,
        severity,
        active: true,
    };
    vec![
        rule("E-Mail-Adresse", "E-MAIL", EMAIL.to_owned(), Severity::Warn),
        rule("Telefonnummer", "TELEFON", squeeze(PHONE), Severity::Warn),
        rule("IBAN", "IBAN", IBAN.to_owned(), Severity::Redact),
        rule(
            "Geburtsdatum",
            "GEBURTSDATUM",
            squeeze(&DATE_OF_BIRTH.replace("MONTH", MONTH)),
            Severity::Redact,
        ),
    ]
}

/// A verbose (`(?x)`) pattern without its layout, so it fits the pattern bound and reads in
/// one line in the policy.
fn squeeze(pattern: &str) -> String {
    pattern.split_whitespace().collect()
}

//! PII rules: regular expressions or keywords that find personal data in free text (the
//! concern, notes, and whatever is exported or sent to the LLM), each with a severity.
//! The same code runs on the server, which decides, and in the browser's live tester.

mod defaults;
mod number;
#[cfg(test)]
mod tests;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

pub use defaults::default_rules;

/// Characters a rule's pattern may have.
pub const PATTERN_MAX_CHARS: usize = 1000;
/// Bytes a rule's compiled program may take; larger patterns are refused when saved.
pub const COMPILED_MAX_BYTES: usize = 256 * 1024;
/// Characters of a sample text the tester scans.
pub const SAMPLE_MAX_CHARS: usize = 10_000;
/// Characters of a rule's name and of its label.
pub const NAME_MAX_CHARS: usize = 80;

/// What a match of a rule does to the text it is found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Stored with a warning shown in the drawer.
    Warn,
    /// Stored with the match replaced by the rule's label, e.g. `[IBAN]`.
    Redact,
    /// Not stored: the line becomes a dead letter `pii_blocked`.
    Block,
}

impl Severity {
    pub const ALL: [Self; 3] = [Self::Block, Self::Redact, Self::Warn];

    pub fn code(self) -> &'static str {
        match self {
            Self::Warn => "warn",
            Self::Redact => "redact",
            Self::Block => "block",
        }
    }
}

/// How a rule's pattern is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A regular expression (Rust `regex` syntax; `(?i)` for any case).
    Regex,
    /// A word or phrase, found as a whole word in any case.
    Keyword,
}

/// One PII rule as a policy holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct PiiRule {
    /// Unique within a policy, e.g. "IBAN".
    pub name: String,
    /// What replaces a match when the rule redacts, without brackets, e.g. "IBAN".
    pub label: String,
    pub kind: RuleKind,
    pub pattern: String,
    pub severity: Severity,
    pub active: bool,
}

/// Why a rule cannot be saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a rule needs a name of 1 to {NAME_MAX_CHARS} characters")]
    NameLength,
    #[error("a rule needs a label of 1 to {NAME_MAX_CHARS} letters, digits, spaces or dashes")]
    LabelInvalid,
    #[error("two rules are called {0:?}")]
    NameTaken(String),
    #[error("a pattern needs 1 to {PATTERN_MAX_CHARS} characters")]
    PatternLength,
    #[error("the pattern of rule {rule:?} does not compile: {message}")]
    PatternInvalid { rule: String, message: String },
    #[error("the pattern of rule {0:?} matches empty text, so it would match everywhere")]
    PatternMatchesEmpty(String),
}

/// One place a rule matched, as byte offsets into the text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: String,
    pub label: String,
    pub severity: Severity,
    pub start: usize,
    pub end: usize,
}

/// What the active rules make of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// Keep the text, warn with the rules' names.
    Warn(Vec<String>),
    /// Keep this text instead, with the matches replaced by labels; warn with the names given.
    Redact {
        text: String,
        warned: Vec<String>,
    },
    /// Do not keep the text: this rule blocks it.
    Block {
        rule: String,
    },
}

/// The active rules, compiled. Only [`PiiRules::compile`] builds it, so every rule in it has
/// passed the bounds.
#[derive(Clone, Debug)]
pub struct PiiRules {
    compiled: Vec<(PiiRule, Regex)>,
}

impl PiiRules {
    /// Checks every rule (active or not, so none can be saved broken) and compiles the active
    /// ones.
    pub fn compile(rules: &[PiiRule]) -> Result<Self, RuleError> {
        let mut compiled = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if rules[..index].iter().any(|other| other.name == rule.name) {
                return Err(RuleError::NameTaken(rule.name.clone()));
            }
            let regex = compile_rule(rule)?;
            if rule.active {
                compiled.push((rule.clone(), regex));
            }
        }
        Ok(Self { compiled })
    }

    /// Every match of every active rule, in text order. A match that is the caller's own
    /// number (`own_number`, E.164), or lies within another rule's match, is not a finding.
    pub fn scan(&self, text: &str, own_number: Option<&str>) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .compiled
            .iter()
            .flat_map(|(rule, regex)| {
                regex.find_iter(text).filter_map(move |found| {
                    let is_own = own_number
                        .is_some_and(|own| number::as_e164(found.as_str()).as_deref() == Some(own));
                    (!is_own).then(|| Finding {
                        rule: rule.name.clone(),
                        label: rule.label.clone(),
                        severity: rule.severity,
                        start: found.start(),
                        end: found.end(),
                    })
                })
            })
            .collect();
        findings.sort_by_key(|finding| (finding.start, std::cmp::Reverse(finding.end)));
        // Digits inside an IBAN are no phone number: a match within another rule's longer
        // match is part of it.
        let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
        for finding in findings {
            let inside = kept.iter().any(|outer| {
                outer.rule != finding.rule
                    && outer.start <= finding.start
                    && finding.end <= outer.end
            });
            if !inside {
                kept.push(finding);
            }
        }
        kept
    }

    /// What the findings in `text` decide: the strongest severity wins.
    pub fn judge(&self, text: &str, own_number: Option<&str>) -> Verdict {
        let findings = self.scan(text, own_number);
        if let Some(blocking) = findings.iter().find(|f| f.severity == Severity::Block) {
            return Verdict::Block {
                rule: blocking.rule.clone(),
            };
        }
        let mut warned: Vec<String> = findings
            .iter()
            .filter(|finding| finding.severity == Severity::Warn)
            .map(|finding| finding.rule.clone())
            .collect();
        warned.dedup();
        if findings.iter().any(|f| f.severity == Severity::Redact) {
            Verdict::Redact {
                text: redact(text, &findings),
                warned,
            }
        } else if warned.is_empty() {
            Verdict::Clean
        } else {
            Verdict::Warn(warned)
        }
    }
}

/// `text` with each redacting finding replaced by `[label]`; overlapping findings become one
/// replacement, labelled by the first.
pub fn redact(text: &str, findings: &[Finding]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for finding in findings.iter().filter(|f| f.severity == Severity::Redact) {
        if finding.start >= at {
            out.push_str(&text[at..finding.start]);
            out.push('[');
            out.push_str(&finding.label);
            out.push(']');
            at = finding.end;
        } else if finding.end > at {
            at = finding.end;
        }
    }
    out.push_str(&text[at..]);
    out
}

fn compile_rule(rule: &PiiRule) -> Result<Regex, RuleError> {
    if rule.name.trim().is_empty() || rule.name.chars().count() > NAME_MAX_CHARS {
        return Err(RuleError::NameLength);
    }
    let label_ok = !rule.label.trim().is_empty()
        && rule.label.chars().count() <= NAME_MAX_CHARS
        && rule
            .label
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
    if !label_ok {
        return Err(RuleError::LabelInvalid);
    }
    if rule.pattern.trim().is_empty() || rule.pattern.chars().count() > PATTERN_MAX_CHARS {
        return Err(RuleError::PatternLength);
    }
    let source = match rule.kind {
        RuleKind::Regex => rule.pattern.clone(),
        RuleKind::Keyword => format!(r"(?i)\b{}\b", regex::escape(rule.pattern.trim())),
    };
    let regex = RegexBuilder::new(&source)
        .size_limit(COMPILED_MAX_BYTES)
        .dfa_size_limit(COMPILED_MAX_BYTES)
        .build()
        .map_err(|error| RuleError::PatternInvalid {
            rule: rule.name.clone(),
            message: error.to_string(),
        })?;
    if regex.is_match("") {
        return Err(RuleError::PatternMatchesEmpty(rule.name.clone()));
    }
    Ok(regex)
}

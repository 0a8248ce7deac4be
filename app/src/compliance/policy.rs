//! The source policy as one document: allowed sources with their operations, PII rules and the
//! retention period. Versions of it are stored whole, so an approved version is immutable and
//! named by the hash of its content.

use serde::{Deserialize, Serialize};

use super::pii::{PiiRule, PiiRules, RuleError, default_rules};
use crate::domain::Retention;

/// Sources one policy may list.
pub const SOURCES_MAX: usize = 50;
/// PII rules one policy may hold.
pub const RULES_MAX: usize = 100;
/// Characters of a source's display name, legal basis, and notes.
pub const SOURCE_TEXT_MAX_CHARS: usize = 500;

/// What may be done with a source's calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Shown in the dashboard.
    Lookup,
    /// Sent to the practice's LLM endpoint.
    Llm,
    /// Exported (DSGVO export, CSV).
    Export,
    /// Used to train a model: always forbidden, no policy can allow it.
    Training,
}

impl Operation {
    pub const ALL: [Self; 4] = [Self::Lookup, Self::Llm, Self::Export, Self::Training];

    pub fn code(self) -> &'static str {
        match self {
            Self::Lookup => "lookup",
            Self::Llm => "llm",
            Self::Export => "export",
            Self::Training => "training",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|operation| operation.code() == code)
    }
}

/// Whether an operation is allowed, and whether whoever does it must say why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct Permission {
    pub allowed: bool,
    pub needs_justification: bool,
}

/// The operations matrix of one source. Training has no field: it cannot be allowed (the
/// database refuses a document that tries).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Operations {
    pub lookup: Permission,
    pub llm: Permission,
    pub export: Permission,
}

impl Operations {
    /// Lookup and export allowed, export with a justification; the LLM not yet.
    pub const DEFAULT: Self = Self {
        lookup: Permission {
            allowed: true,
            needs_justification: false,
        },
        llm: Permission {
            allowed: false,
            needs_justification: false,
        },
        export: Permission {
            allowed: true,
            needs_justification: true,
        },
    };

    /// The permission of `operation`; `None` for training, which has none.
    pub fn get(&self, operation: Operation) -> Option<Permission> {
        match operation {
            Operation::Lookup => Some(self.lookup),
            Operation::Llm => Some(self.llm),
            Operation::Export => Some(self.export),
            Operation::Training => None,
        }
    }

    /// The permission of `operation` to change; `None` for training, which has none.
    pub fn get_mut(&mut self, operation: Operation) -> Option<&mut Permission> {
        match operation {
            Operation::Lookup => Some(&mut self.lookup),
            Operation::Llm => Some(&mut self.llm),
            Operation::Export => Some(&mut self.export),
            Operation::Training => None,
        }
    }
}

/// A source that may deliver calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct Source {
    /// As the phone assistant writes it in `source`, e.g. `phone`.
    pub id: String,
    /// What people see, e.g. "Telefonassistent".
    pub name: String,
    /// E.g. "Art. 6 Abs. 1 lit. b DSGVO".
    pub legal_basis: String,
    pub notes: String,
    pub active: bool,
    pub operations: Operations,
}

/// One version's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    pub sources: Vec<Source>,
    pub pii_rules: Vec<PiiRule>,
    /// Days calls are kept (1 to 30).
    pub retention_days: u16,
}

/// Why a policy document cannot be saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error(
        "a source id has 1 to 64 lowercase letters, digits, '_', '.' or '-' and starts with a letter or digit: {0:?}"
    )]
    SourceIdInvalid(String),
    #[error("two sources have the id {0:?}")]
    SourceIdTaken(String),
    #[error("the source {0:?} needs a display name of at most {SOURCE_TEXT_MAX_CHARS} characters")]
    SourceNameInvalid(String),
    #[error(
        "the legal basis or notes of source {0:?} are longer than {SOURCE_TEXT_MAX_CHARS} characters"
    )]
    SourceTextTooLong(String),
    #[error("a policy lists at most {SOURCES_MAX} sources and {RULES_MAX} PII rules")]
    TooMany,
    #[error("a text of the policy holds the character NUL, which cannot be stored")]
    NulCharacter,
    #[error("the retention period must be 1 to 30 days, not {0}")]
    RetentionDays(u16),
    #[error(transparent)]
    Rule(#[from] RuleError),
}

impl PolicyDocument {
    /// Version 1, as installed: the phone assistant, the default matrix and PII rules, 30 days.
    pub fn initial() -> Self {
        Self {
            sources: vec![Source {
                id: "phone".to_owned(),
                name: "Telefonassistent".to_owned(),
                legal_basis:
                    "Art. 6 Abs. 1 lit. b DSGVO (Terminvereinbarung und Behandlungsanfragen)"
                        .to_owned(),
                notes: String::new(),
                active: true,
                operations: Operations::DEFAULT,
            }],
            pii_rules: default_rules(),
            retention_days: Retention::MAX_DAYS,
        }
    }

    /// Checks every bound and compiles the rules: a document that passes can be enforced.
    pub fn check(&self) -> Result<PiiRules, PolicyError> {
        if self.sources.len() > SOURCES_MAX || self.pii_rules.len() > RULES_MAX {
            return Err(PolicyError::TooMany);
        }
        for (index, source) in self.sources.iter().enumerate() {
            if !is_source_id(&source.id) {
                return Err(PolicyError::SourceIdInvalid(source.id.clone()));
            }
            if self.sources[..index]
                .iter()
                .any(|other| other.id == source.id)
            {
                return Err(PolicyError::SourceIdTaken(source.id.clone()));
            }
            if source.name.trim().is_empty() || too_long(&source.name) {
                return Err(PolicyError::SourceNameInvalid(source.id.clone()));
            }
            if too_long(&source.legal_basis) || too_long(&source.notes) {
                return Err(PolicyError::SourceTextTooLong(source.id.clone()));
            }
        }
        let texts = self
            .sources
            .iter()
            .flat_map(|s| [&s.id, &s.name, &s.legal_basis, &s.notes])
            .chain(
                self.pii_rules
                    .iter()
                    .flat_map(|r| [&r.name, &r.label, &r.pattern]),
            );
        if texts.into_iter().any(|text| text.contains('\0')) {
            return Err(PolicyError::NulCharacter);
        }
        if !(1..=Retention::MAX_DAYS).contains(&self.retention_days) {
            return Err(PolicyError::RetentionDays(self.retention_days));
        }
        Ok(PiiRules::compile(&self.pii_rules)?)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|source| source.id == id)
    }

    pub fn source_mut(&mut self, id: &str) -> Option<&mut Source> {
        self.sources.iter_mut().find(|source| source.id == id)
    }

    /// Adds `source`, or replaces the one with its id in its place.
    pub fn put_source(&mut self, source: Source) {
        match self.source_mut(&source.id) {
            Some(existing) => *existing = source,
            None => self.sources.push(source),
        }
    }

    /// Removes the source `id`; `false` when there is none.
    pub fn remove_source(&mut self, id: &str) -> bool {
        let before = self.sources.len();
        self.sources.retain(|source| source.id != id);
        self.sources.len() < before
    }

    /// Adds `rule`, or replaces the one with its name in its place.
    pub fn put_rule(&mut self, rule: PiiRule) {
        match self
            .pii_rules
            .iter_mut()
            .find(|other| other.name == rule.name)
        {
            Some(existing) => *existing = rule,
            None => self.pii_rules.push(rule),
        }
    }

    /// Removes the rule `name`; `false` when there is none.
    pub fn remove_rule(&mut self, name: &str) -> bool {
        let before = self.pii_rules.len();
        self.pii_rules.retain(|rule| rule.name != name);
        self.pii_rules.len() < before
    }
}

fn too_long(text: &str) -> bool {
    text.chars().count() > SOURCE_TEXT_MAX_CHARS
}

/// `^[a-z0-9][a-z0-9_.-]{0,63}$`, as the database's allowed sources always had it.
pub fn is_source_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_lowercase() || first.is_ascii_digit())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
}

//! Priority rules (seed 000 §10): a VIP number („Pflegeheim Sonnenhof“), a word in the concern
//! („Brustschmerz“, also „Brustschmerzen“) or a pattern (a regular expression) gives a call a
//! priority at import. A call whose event states no priority gets the rule's; one that states a
//! priority keeps it unless the rule's is higher. The clinical red flags ship switched on.
//!
//! [`matcher`] decides (a pure function the importer and the re-evaluation share), [`store`]
//! keeps the rules: every change is audited once and re-evaluates the open calls at once, in
//! the same transaction. The drawer says which rule set a call's priority ([`PriorityReason`]).

#[cfg(feature = "backend")]
pub mod matcher;
#[cfg(feature = "backend")]
pub mod store;

use serde::{Deserialize, Serialize};

use crate::domain::Priority;

/// Characters of a rule's value (number, words or pattern) and of its label.
pub const VALUE_MAX_CHARS: usize = 200;
pub const LABEL_MAX_CHARS: usize = 100;

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "backend", derive(sqlx::Type, utoipa::ToSchema))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "priority_rule_kind", rename_all = "snake_case")
)]
// The OpenAPI document has a `RuleKind` already: the source policy's PII rules'.
#[cfg_attr(feature = "backend", schema(as = PriorityRuleKind))]
pub enum RuleKind {
    /// The caller's number, in any notation; stored in E.164.
    VipNumber,
    /// A word or words at the start of a word of the concern, in any case, umlauts and
    /// inflections included („Lähmung“ finds „Lähmungen“ and „LAEHMUNG“).
    Keyword,
    /// A regular expression on the concern, in any case.
    Pattern,
}

impl RuleKind {
    pub const ALL: [Self; 3] = [Self::VipNumber, Self::Keyword, Self::Pattern];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VipNumber => "vip_number",
            Self::Keyword => "keyword",
            Self::Pattern => "pattern",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == code)
    }
}

/// One rule as the admin area lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityRule {
    pub id: i64,
    pub kind: RuleKind,
    /// The number in E.164, the words or the pattern.
    pub value: String,
    pub label: String,
    pub priority: Priority,
    pub enabled: bool,
}

/// A rule an admin adds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRule {
    pub kind: RuleKind,
    pub value: String,
    pub label: String,
    pub priority: Priority,
}

/// What a change to the rules did: the rule's id, and how many open calls got another
/// priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSaved {
    pub id: i64,
    pub calls_changed: u64,
}

/// Why a call has its priority: the rule that set it. The label of a VIP number is left out
/// for a viewer who has the caller's number masked, since it could name the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct PriorityReason {
    pub kind: RuleKind,
    pub label: Option<String>,
}

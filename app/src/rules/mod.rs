//! Priority rules (seed 000 §10): a VIP number („Pflegeheim Sonnenhof“), a word in the concern
//! („Brustschmerz“, also „Brustschmerzen“) or a pattern (a regular expression) gives a call a
//! priority at import. A call whose event states no priority gets the rule's; one that states a
//! priority keeps it unless the rule's is higher. The clinical red flags ship switched on.
//!
//! [`matcher`] decides (a pure function the importer and the re-evaluation share), [`store`]
//! keeps the rules: every change is audited once and re-evaluates the open calls at once, in
//! the same transaction. The drawer says which rule set a call's priority ([`PriorityReason`]).

#[cfg(feature = "backend")]
pub mod escalation;
#[cfg(feature = "backend")]
pub mod matcher;
#[cfg(feature = "backend")]
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{CallListItem, Priority};

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

/// When an open urgent call is escalated, and to whom it then goes if nobody has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationSettings {
    /// Minutes an urgent call may wait open (`crate::domain::limits::ESCALATION_MINUTES`).
    pub after_minutes: i32,
    /// The user on duty; `None`: nobody, the banner only.
    pub on_duty: Option<i64>,
}

/// An escalated call still open, as the banner of the desk names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalatedCall {
    pub id: i64,
    pub received_at: DateTime<Utc>,
}

/// What needs the desk's attention beyond the page it looks at: the red-flag calls nobody has
/// taken (pinned on top), and the escalated ones (the banner).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeskAlerts<C = CallListItem> {
    pub pinned: Vec<C>,
    pub escalated: Vec<EscalatedCall>,
    pub after_minutes: i32,
}

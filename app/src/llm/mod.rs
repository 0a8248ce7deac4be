//! LLM help for the front desk (seed 000 §15): a one-line summary of a call's concern, a
//! category from the practice's list and an urgency suggestion, asked only of the practice's
//! own llmservice endpoint.
//!
//! The way there is one path, [`suggest::suggest`], whose steps the types enforce: the policy
//! check ([`crate::compliance::enforcer`]) comes first; only [`redact::redact`] makes the
//! [`redact::Redacted`] text a [`prompt::Prompt`] is built of; only a prompt can be sent, only
//! to the configured [`endpoint::Endpoint`] ([`client`]); the answer is parsed strictly
//! ([`answer`]); and every request, sent or not, becomes a row of the [`ledger`] with exactly
//! what was sent. A suggestion never changes a call: accepting it is a change through
//! `crate::service` like any other.

#[cfg(feature = "backend")]
pub mod answer;
#[cfg(feature = "backend")]
pub mod client;
#[cfg(feature = "backend")]
pub mod endpoint;
#[cfg(feature = "backend")]
pub mod ledger;
#[cfg(feature = "backend")]
pub mod prompt;
#[cfg(feature = "backend")]
pub mod redact;
#[cfg(feature = "backend")]
pub mod settings;
#[cfg(feature = "backend")]
pub mod suggest;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{compliance::refusal::Refusal, domain::Priority};

/// Categories the practice's list may hold, and characters of one.
pub const CATEGORIES_MAX: usize = 30;
pub const CATEGORY_MAX_CHARS: usize = 40;
/// Characters of the summary and of the reason a suggestion may have.
pub const SUMMARY_MAX_CHARS: usize = 200;
pub const REASON_MAX_CHARS: usize = 200;

/// What the model suggests for a call: plain text, never markup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The ledger row it came with; accepting names it.
    pub id: i64,
    /// One line about the concern.
    pub summary: String,
    /// One of the practice's categories.
    pub category: String,
    pub urgency: Priority,
    /// Why that urgency, in a few words.
    pub reason: String,
    pub model: String,
    pub requested_at: DateTime<Utc>,
}

/// What the table shows of a call's newest suggestion.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct Hint {
    pub category: String,
    pub urgency: Priority,
}

/// How a request to the endpoint ended, as the ledger and the metrics name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A suggestion came back and passed the parser.
    Ok,
    /// The source policy does not allow the LLM for the call's source: nothing was sent.
    Refused,
    /// A PII rule with severity `block` matched, or redaction failed: nothing was sent.
    Blocked,
    /// The endpoint did not answer, or answered with a server error, after the retries.
    Unreachable,
    /// An answer came that is not the JSON asked for: discarded.
    InvalidAnswer,
    /// The endpoint refused the request (a 4xx status).
    Failed,
}

impl Outcome {
    pub const ALL: [Self; 6] = [
        Self::Ok,
        Self::Refused,
        Self::Blocked,
        Self::Unreachable,
        Self::InvalidAnswer,
        Self::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
            Self::Blocked => "blocked",
            Self::Unreachable => "unreachable",
            Self::InvalidAnswer => "invalid_answer",
            Self::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|outcome| outcome.code() == code)
    }

    /// What the person who asked is told of a request that ended this way with `detail` (the
    /// ledger's); `None` for a suggestion.
    pub fn failure(self, detail: &str) -> Option<SuggestError> {
        Some(match self {
            Self::Ok => return None,
            Self::Refused => SuggestError::Refused(
                Refusal::from_code(detail).unwrap_or(Refusal::OperationNotAllowed),
            ),
            Self::Blocked if detail.starts_with(Refusal::PiiBlocked.code()) => {
                SuggestError::Refused(Refusal::PiiBlocked)
            }
            Self::Blocked => SuggestError::RedactionFailed,
            Self::Unreachable | Self::Failed => SuggestError::Unreachable,
            Self::InvalidAnswer => SuggestError::InvalidAnswer,
        })
    }
}

/// One request of the ledger, as admins see it in the drawer: exactly what was sent and what
/// came back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: i64,
    pub requested_at: DateTime<Utc>,
    /// Who asked; `None` for the automatic mode.
    pub requested_by: Option<String>,
    pub model: String,
    pub policy_version: i32,
    pub outcome: Outcome,
    /// Why, as a code (the refusal, the blocking rule, the status, the parser's complaint).
    pub detail: String,
    /// The request body as sent, pretty-printed; `None` when nothing was sent.
    pub prompt: Option<String>,
    pub answer: Option<String>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    pub latency_ms: Option<i32>,
}

/// What the drawer shows of the LLM help for one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionPanel {
    /// Whether the server has an endpoint configured at all.
    pub configured: bool,
    /// The newest suggestion that passed the parser.
    pub latest: Option<Suggestion>,
    /// How the newest request ended, when it brought no suggestion.
    pub last_failure: Option<(Outcome, String)>,
    /// The ledger, newest first: for admins only, empty for agents.
    pub ledger: Vec<LedgerEntry>,
}

/// Why no suggestion came back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SuggestError {
    /// The server has no endpoint configured (`TOMEDO_HOST` unset).
    NotConfigured,
    /// The source policy, or a PII rule that blocks, refused: nothing was sent.
    Refused(Refusal),
    /// Redaction did not finish or left something of the caller's data: nothing was sent.
    RedactionFailed,
    /// The endpoint could not be reached, or failed; nothing else is affected.
    Unreachable,
    /// The answer was not what was asked for, and was discarded.
    InvalidAnswer,
}

/// The practice's settings of the LLM help, as admins edit them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct LlmSettings {
    /// New calls are sent in the background as they arrive.
    pub auto_mode: bool,
    /// The categories a suggestion picks from, in the order shown: 1 to 30 distinct names of
    /// 1 to 40 characters.
    #[cfg_attr(feature = "backend", schema(min_items = 1, max_items = 30))]
    pub categories: Vec<String>,
}

impl LlmSettings {
    /// The settings with their categories trimmed, if they keep the bounds.
    pub fn checked(mut self) -> Option<Self> {
        self.categories = self
            .categories
            .iter()
            .map(|category| category.trim().to_owned())
            .collect();
        let each_ok = self.categories.iter().all(|category| {
            (1..=CATEGORY_MAX_CHARS).contains(&category.chars().count())
                && !category.chars().any(char::is_control)
        });
        let distinct = self
            .categories
            .iter()
            .enumerate()
            .all(|(index, category)| !self.categories[..index].contains(category));
        let count_ok = (1..=CATEGORIES_MAX).contains(&self.categories.len());
        (each_ok && distinct && count_ok).then_some(self)
    }
}

impl SuggestError {
    /// The reason's code, as the REST API names it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured => "llm_not_configured",
            Self::Refused(refusal) => refusal.code(),
            Self::RedactionFailed => "redaction_failed",
            Self::Unreachable => "llm_unreachable",
            Self::InvalidAnswer => "llm_invalid_answer",
        }
    }

    /// 409 for a refusal, 503 when there is no endpoint to ask, 502 for a discarded answer.
    #[cfg(feature = "ssr")]
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Refused(_) | Self::RedactionFailed => http::StatusCode::CONFLICT,
            Self::NotConfigured | Self::Unreachable => http::StatusCode::SERVICE_UNAVAILABLE,
            Self::InvalidAnswer => http::StatusCode::BAD_GATEWAY,
        }
    }
}

//! Why the enforcer refuses a use of call data, shared with the browser, which says it.

use serde::{Deserialize, Serialize};

/// Why the enforcer refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The policy does not list the source.
    SourceNotAllowed,
    /// The policy lists the source, switched off.
    SourceInactive,
    /// The operations matrix does not allow the operation for the source.
    OperationNotAllowed,
    /// Training on call data is always forbidden.
    TrainingForbidden,
    /// The matrix allows the operation only with a justification, and none was given.
    JustificationMissing,
    /// A PII rule with severity `block` matched the text.
    PiiBlocked,
}

impl Refusal {
    pub const ALL: [Self; 6] = [
        Self::SourceNotAllowed,
        Self::SourceInactive,
        Self::OperationNotAllowed,
        Self::TrainingForbidden,
        Self::JustificationMissing,
        Self::PiiBlocked,
    ];

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|refusal| refusal.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::SourceNotAllowed => "source_not_allowed",
            Self::SourceInactive => "source_inactive",
            Self::OperationNotAllowed => "operation_not_allowed",
            Self::TrainingForbidden => "training_forbidden",
            Self::JustificationMissing => "justification_missing",
            Self::PiiBlocked => "pii_blocked",
        }
    }

    /// For people reading the API's answer or the log.
    pub fn message(self) -> &'static str {
        match self {
            Self::SourceNotAllowed => "the source is not an allowed source of the active policy",
            Self::SourceInactive => "the source is switched off in the active policy",
            Self::OperationNotAllowed => {
                "the operations matrix of the active policy does not allow this for the source"
            }
            Self::TrainingForbidden => "training on call data is always forbidden",
            Self::JustificationMissing => {
                "the active policy allows this only with a justification, and none was given"
            }
            Self::PiiBlocked => "a PII rule of the active policy blocks the text",
        }
    }
}

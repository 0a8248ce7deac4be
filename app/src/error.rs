//! The one error type that crosses the server-function boundary.
//! Variants say what a user can do about it; internals stay in the server log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    domain::{CallListItem, Invalid},
    i18n::Lang,
};

/// Each variant is said in the user's language by `i18n` (`Texts::error`); `Display` gives the
/// English text, for logs, the command line and the REST API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// Something failed on the server; the details are in the server log only.
    Internal,
    /// The request did not reach the server or its answer could not be read.
    Transport(String),
    /// No valid session: never logged in, logged out, or the session ended.
    Unauthenticated,
    /// Logged in, but the role does not allow this.
    Forbidden,
    /// A login with an unknown address, a wrong password, a deactivated or a locked account;
    /// which one is not said.
    LoginRejected,
    /// Too many attempts in a short time (logins, API requests).
    TooManyRequests,
    /// The person has revealed as many masked fields in the last hour as the practice allows.
    RevealLimit { per_hour: u16 },
    /// The call does not exist (any more).
    NotFound,
    /// Someone else changed the call first; carries the call as it is now.
    Conflict(Box<CallListItem>),
    /// A field of the request broke a rule.
    Invalid { field: String, reason: Invalid },
    /// A source policy that cannot be saved; the message (English) says which bound or which
    /// pattern, with the regex compiler's words.
    PolicyInvalid(String),
    /// The LLM help brought no suggestion: not configured, refused, unreachable, or an answer
    /// that was discarded.
    Llm(crate::llm::SuggestError),
}

impl AppError {
    pub fn invalid(field: &str, reason: Invalid) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            reason,
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Lang::En.texts().error(self))
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function answers with when it fails this way.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Internal => http::StatusCode::INTERNAL_SERVER_ERROR,
            Self::Transport(_) => http::StatusCode::BAD_GATEWAY,
            Self::Unauthenticated => http::StatusCode::UNAUTHORIZED,
            Self::Forbidden => http::StatusCode::FORBIDDEN,
            Self::LoginRejected => http::StatusCode::UNAUTHORIZED,
            Self::TooManyRequests | Self::RevealLimit { .. } => http::StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => http::StatusCode::NOT_FOUND,
            Self::Conflict(_) => http::StatusCode::CONFLICT,
            Self::Invalid { .. } | Self::PolicyInvalid(_) => http::StatusCode::UNPROCESSABLE_ENTITY,
            Self::Llm(error) => error.status(),
        }
    }
}

#[cfg(feature = "backend")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database request failed");
        Self::Internal
    }
}

#[cfg(feature = "backend")]
impl From<crate::auth::AccountError> for AppError {
    fn from(error: crate::auth::AccountError) -> Self {
        use crate::auth::AccountError;
        match error {
            AccountError::Invalid { field, reason } => Self::invalid(field, reason),
            AccountError::NotFound(_) => Self::invalid("user", Invalid::AccountUnknown),
            AccountError::Hash(error) => {
                tracing::error!(%error, "could not hash a password");
                Self::Internal
            }
            AccountError::Database(error) => error.into(),
        }
    }
}

#[cfg(feature = "backend")]
impl From<crate::service::ActionError> for AppError {
    fn from(error: crate::service::ActionError) -> Self {
        use crate::service::ActionError;
        match error {
            ActionError::NotFound(_) => Self::NotFound,
            ActionError::RevealLimit { per_hour } => Self::RevealLimit { per_hour },
            ActionError::Invalid { field, reason } => Self::invalid(field, reason),
            ActionError::Database(error) => error.into(),
            ActionError::Policy(error) => error.into(),
        }
    }
}

#[cfg(feature = "backend")]
impl From<crate::compliance::ComplianceError> for AppError {
    fn from(error: crate::compliance::ComplianceError) -> Self {
        use crate::compliance::ComplianceError;
        match error {
            ComplianceError::Invalid { field, reason } => Self::invalid(field, reason),
            ComplianceError::Policy(error) => Self::PolicyInvalid(error.to_string()),
            ComplianceError::NotFound | ComplianceError::NoSuchPart(_) => Self::NotFound,
            ComplianceError::Stored(..) | ComplianceError::RetentionTooLong { .. } => {
                tracing::error!(%error, "the source policy cannot be used");
                Self::Internal
            }
            ComplianceError::Database(error) => error.into(),
        }
    }
}

#[cfg(feature = "backend")]
impl From<crate::dsgvo::DsgvoError> for AppError {
    fn from(error: crate::dsgvo::DsgvoError) -> Self {
        use crate::dsgvo::DsgvoError;
        match error {
            DsgvoError::Invalid { field, reason } => Self::invalid(field, reason),
            DsgvoError::NotFound => Self::NotFound,
            DsgvoError::Refused(refused) => {
                tracing::info!(%refused, "the source policy refused an export");
                Self::invalid("id", Invalid::PolicyRefused)
            }
            DsgvoError::Policy(error) => {
                tracing::error!(%error, "the source policy cannot be read");
                Self::Internal
            }
            DsgvoError::Database(error) => error.into(),
        }
    }
}

#[cfg(feature = "backend")]
impl From<crate::llm::suggest::LlmError> for AppError {
    fn from(error: crate::llm::suggest::LlmError) -> Self {
        use crate::llm::suggest::LlmError;
        match error {
            LlmError::Suggest(error) => Self::Llm(error),
            LlmError::NotFound(_) => Self::NotFound,
            LlmError::Invalid { field, reason } => Self::invalid(field, reason),
            LlmError::Policy(error) => error.into(),
            LlmError::Database(error) => error.into(),
        }
    }
}

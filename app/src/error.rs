//! The one error type that crosses the server-function boundary.
//! Variants say what a user can do about it; internals stay in the server log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::domain::CallListItem;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Something failed on the server; the details are in the server log only.
    #[error(
        "Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es gleich noch einmal."
    )]
    Internal,
    /// The request did not reach the server or its answer could not be read.
    #[error("Der Server ist nicht erreichbar ({0}). Bitte prüfen Sie die Verbindung.")]
    Transport(String),
    /// No valid session: never logged in, logged out, or the session ended.
    #[error("Bitte melden Sie sich an; Ihre Sitzung ist abgelaufen oder wurde beendet.")]
    Unauthenticated,
    /// Logged in, but the role does not allow this.
    #[error("Dafür fehlt Ihnen die Berechtigung.")]
    Forbidden,
    /// A login with an unknown address, a wrong password, a deactivated or a locked account;
    /// which one is not said.
    #[error("E-Mail-Adresse oder Passwort ist falsch.")]
    LoginRejected,
    /// Too many attempts in a short time (logins, API requests).
    #[error("Zu viele Versuche in kurzer Zeit. Bitte warten Sie eine Minute.")]
    TooManyRequests,
    /// The person has revealed as many masked fields in the last hour as the practice allows.
    #[error(
        "Sie haben in der letzten Stunde {per_hour} Felder aufgedeckt – mehr erlaubt die Praxis nicht."
    )]
    RevealLimit { per_hour: u16 },
    #[error("Diesen Anruf gibt es nicht (mehr).")]
    NotFound,
    /// Someone else changed the call first; carries the call as it is now.
    #[error(
        "Jemand anderes hat diesen Anruf inzwischen geändert. Die aktuelle Fassung wird angezeigt; bitte prüfen Sie Ihre Änderung."
    )]
    Conflict(Box<CallListItem>),
    /// A field of the request is not acceptable; the message says why.
    #[error("{message}")]
    Invalid { field: String, message: String },
}

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
            Self::Invalid { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
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
            AccountError::Invalid { field, message } => Self::Invalid {
                field: field.to_owned(),
                message,
            },
            AccountError::NotFound(_) => Self::Invalid {
                field: "user".to_owned(),
                message: "Dieses Konto gibt es nicht (mehr).".to_owned(),
            },
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
            ActionError::Invalid { field, message } => Self::Invalid {
                field: field.to_owned(),
                message,
            },
            ActionError::Database(error) => error.into(),
        }
    }
}

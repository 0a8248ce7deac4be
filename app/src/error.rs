//! The one error type that crosses the server-function boundary.
//! Variants say what a user can do about it; internals stay in the server log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

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
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(feature = "backend")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database request failed");
        Self::Internal
    }
}

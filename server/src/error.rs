//! The one error shape of the REST API, used by its handlers and by the layers in front of it
//! (access, cross-site check, rate limits):
//! `{"error": {"code": "conflict", "message": "…", "field": …, "current": …}}`.
//! `code` is stable for programs, `message` is German for people.

use app::{AppError, domain::CallListItem, service::ActionError};
use axum::{
    Json,
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

/// What went wrong with a request.
#[derive(Debug)]
pub enum ApiError {
    NotFound(String),
    Conflict(Box<CallListItem>),
    /// A parameter or body field is not acceptable (422).
    Invalid {
        field: String,
        message: String,
    },
    /// The body is not JSON of the expected shape, or a path segment is malformed.
    BadRequest(String),
    /// No valid API token (401).
    Unauthenticated,
    /// The token's user may not do this (403).
    Forbidden,
    /// A browser sent this from another site (403).
    CrossSite,
    /// Too many requests from this caller (429).
    TooManyRequests,
    Internal,
}

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `not_found`, `conflict`, `invalid`, `bad_request`, `unauthenticated`, `forbidden`,
    /// `cross_site`, `too_many_requests` or `internal`.
    pub code: &'static str,
    pub message: String,
    /// For `invalid`: the parameter or body field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `conflict`: the call as it is now, to retry against its `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<CallListItem>>,
}

impl ApiError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, field, current) = match self {
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message, None, None),
            Self::Conflict(call) => (
                StatusCode::CONFLICT,
                "conflict",
                AppError::Conflict(call.clone()).to_string(),
                None,
                Some(call),
            ),
            Self::Invalid { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                message,
                Some(field),
                None,
            ),
            Self::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "bad_request", message, None, None)
            }
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Bitte senden Sie ein gültiges API-Token: `Authorization: Bearer anrufe_…`."
                    .to_owned(),
                None,
                None,
            ),
            Self::Forbidden => simple(StatusCode::FORBIDDEN, "forbidden", AppError::Forbidden),
            Self::CrossSite => (
                StatusCode::FORBIDDEN,
                "cross_site",
                "Anfragen von fremden Seiten werden abgelehnt.".to_owned(),
                None,
                None,
            ),
            Self::TooManyRequests => simple(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                AppError::TooManyRequests,
            ),
            Self::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                AppError::Internal.to_string(),
                None,
                None,
            ),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                field,
                current,
            },
        };
        (status, Json(body)).into_response()
    }
}

type Parts = (
    StatusCode,
    &'static str,
    String,
    Option<String>,
    Option<Box<CallListItem>>,
);

fn simple(status: StatusCode, code: &'static str, error: AppError) -> Parts {
    (status, code, error.to_string(), None, None)
}

/// Through [`AppError`], so the service's errors map to one REST form in one place.
impl From<ActionError> for ApiError {
    fn from(error: ActionError) -> Self {
        AppError::from(error).into()
    }
}

/// The REST form of an error the service or the masking code answered with.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound => Self::NotFound(error.to_string()),
            AppError::Conflict(call) => Self::Conflict(call),
            AppError::Invalid { field, message } => Self::Invalid { field, message },
            AppError::Unauthenticated | AppError::LoginRejected => Self::Unauthenticated,
            AppError::Forbidden => Self::Forbidden,
            AppError::TooManyRequests | AppError::RevealLimit { .. } => Self::TooManyRequests,
            AppError::Internal | AppError::Transport(_) => Self::Internal,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database request failed");
        Self::Internal
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            // Well-formed JSON of the wrong shape: say which field, as for any invalid value.
            JsonRejection::JsonDataError(error) => Self::Invalid {
                field: "body".to_owned(),
                message: error.body_text(),
            },
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::Invalid {
            field: "query".to_owned(),
            message: rejection.body_text(),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

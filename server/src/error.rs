//! The one error shape of the REST API, used by its handlers and by the layers in front of it
//! (access, cross-site check, rate limits):
//! `{"error": {"code": "invalid", "reason": "note_too_long", "message": "…", "field": "note"}}`.
//! `code` and `reason` are stable for programs, `message` is English for the people writing them.

use app::{
    AppError,
    compliance::ComplianceError,
    domain::{CallListItem, Invalid},
    llm::SuggestError,
    service::ActionError,
};
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
    /// The call does not exist, or the API has no such route (404).
    NotFound(String),
    Conflict(Box<CallListItem>),
    /// A parameter or body field broke a rule (422).
    Invalid {
        field: String,
        reason: Invalid,
    },
    /// A parameter or the body is not of the documented type (422); the message says how.
    Malformed {
        field: &'static str,
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
    /// The LLM help brought no suggestion: refused (409), no endpoint or unreachable (503), or
    /// a discarded answer (502).
    Llm(SuggestError),
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
    /// `cross_site`, `too_many_requests`, `llm_refused`, `llm_unavailable`,
    /// `llm_invalid_answer` or `internal`.
    pub code: &'static str,
    /// For `invalid`: the rule broken; absent when the value was not of the documented type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Invalid>,
    pub message: String,
    /// For `llm_refused` and `llm_unavailable`: why, e.g. `operation_not_allowed`,
    /// `pii_blocked`, `llm_unreachable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm_reason: Option<&'static str>,
    /// For `invalid`: the parameter or body field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `conflict`: the call as it is now, to retry against its `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Box<CallListItem>>,
}

impl ApiError {
    pub fn invalid(field: &str, reason: Invalid) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            reason,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut detail = ErrorDetail {
            code: "",
            reason: None,
            message: String::new(),
            field: None,
            current: None,
            llm_reason: None,
        };
        let status = match self {
            Self::NotFound(message) => {
                (detail.code, detail.message) = ("not_found", message);
                StatusCode::NOT_FOUND
            }
            Self::Conflict(call) => {
                detail.code = "conflict";
                detail.message = AppError::Conflict(call.clone()).to_string();
                detail.current = Some(call);
                StatusCode::CONFLICT
            }
            Self::Invalid { field, reason } => {
                detail.code = "invalid";
                detail.message = AppError::invalid(&field, reason).to_string();
                (detail.reason, detail.field) = (Some(reason), Some(field));
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Malformed { field, message } => {
                (detail.code, detail.message) = ("invalid", message);
                detail.field = Some(field.to_owned());
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::BadRequest(message) => {
                (detail.code, detail.message) = ("bad_request", message);
                StatusCode::BAD_REQUEST
            }
            Self::Unauthenticated => {
                detail.code = "unauthenticated";
                detail.message =
                    "Please send a valid API token: `Authorization: Bearer anrufe_…`.".to_owned();
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden => {
                (detail.code, detail.message) = ("forbidden", AppError::Forbidden.to_string());
                StatusCode::FORBIDDEN
            }
            Self::CrossSite => {
                detail.code = "cross_site";
                detail.message = "Requests from other sites are refused.".to_owned();
                StatusCode::FORBIDDEN
            }
            Self::TooManyRequests => {
                detail.code = "too_many_requests";
                detail.message = AppError::TooManyRequests.to_string();
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Llm(error) => {
                detail.code = match error {
                    SuggestError::Refused(_) | SuggestError::RedactionFailed => "llm_refused",
                    SuggestError::InvalidAnswer => "llm_invalid_answer",
                    SuggestError::NotConfigured | SuggestError::Unreachable => "llm_unavailable",
                };
                detail.llm_reason = Some(error.code());
                detail.message = AppError::Llm(error.clone()).to_string();
                error.status()
            }
            Self::Internal => {
                (detail.code, detail.message) = ("internal", AppError::Internal.to_string());
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(ErrorBody { error: detail })).into_response()
    }
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
            AppError::Invalid { field, reason } => Self::Invalid { field, reason },
            AppError::PolicyInvalid(message) => Self::Malformed {
                field: "document",
                message,
            },
            AppError::Unauthenticated | AppError::LoginRejected => Self::Unauthenticated,
            AppError::Forbidden => Self::Forbidden,
            AppError::TooManyRequests | AppError::RevealLimit { .. } => Self::TooManyRequests,
            AppError::Llm(error) => Self::Llm(error),
            AppError::Internal | AppError::Transport(_) => Self::Internal,
        }
    }
}

/// Through [`AppError`], like the service's errors: rule codes as `invalid`, a document that
/// breaks a bound as `invalid` with its message (a pattern's compiler message included).
impl From<ComplianceError> for ApiError {
    fn from(error: ComplianceError) -> Self {
        match error {
            ComplianceError::NotFound | ComplianceError::NoSuchPart(_) => {
                Self::NotFound(error.to_string())
            }
            other => AppError::from(other).into(),
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
            JsonRejection::JsonDataError(error) => Self::Malformed {
                field: "body",
                message: error.body_text(),
            },
            other => Self::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::Malformed {
            field: "query",
            message: rejection.body_text(),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadRequest(rejection.body_text())
    }
}

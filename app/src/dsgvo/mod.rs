//! The rights of the person who called (seed 000 §9, §12, §15.6; README "Rights of the
//! caller"): everything about one call or one caller number can be exported ([`export`]) and
//! erased ([`erase`]) by an admin, with a reason that goes into the audit trail; an erased
//! call never comes back ([`tombstones`]). Where the law requires keeping, calls are
//! restricted instead, and may be held past the retention period ([`restrict`]).
//!
//! This module is the one place that decides whether such an operation may run: server
//! functions, the REST API and the `server dsgvo` commands only call it.

pub mod erase;
pub mod export;
mod restore;
pub mod restrict;
pub mod tombstones;

pub use restore::{Restored, restore};

use sqlx::PgPool;

use crate::domain::{CallId, Invalid, PhoneNumber, limits};

/// Whose data an operation is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// One call.
    Call(CallId),
    /// Every call of one caller number.
    Caller(PhoneNumber),
}

impl Subject {
    /// The subject `+49…`, which must be a number in E.164.
    pub fn caller(e164: &str) -> Result<Self, DsgvoError> {
        let number = PhoneNumber::parse(e164)
            .ok()
            .filter(|number| number.e164() == e164)
            .ok_or(DsgvoError::Invalid {
                field: "number",
                reason: Invalid::NumberMalformed,
            })?;
        Ok(Self::Caller(number))
    }

    /// The caller of call `id`, to export or erase everything of their number.
    pub async fn caller_of(pool: &PgPool, id: CallId) -> Result<Self, DsgvoError> {
        let number = sqlx::query_scalar!(
            "select caller_number from calls where id = $1 and received_at >= call_retention_cutoff()",
            id.0
        )
        .fetch_optional(pool)
        .await?
        .ok_or(DsgvoError::NotFound)?
        .ok_or(DsgvoError::Invalid {
            field: "id",
            reason: Invalid::CallerAnonymous,
        })?;
        Ok(Self::Caller(PhoneNumber::from_stored(number)))
    }

    /// The call's id, for queries that take either (`id = $1 or caller_number = $2`).
    fn call_id(&self) -> Option<i64> {
        match self {
            Self::Call(id) => Some(id.0),
            Self::Caller(_) => None,
        }
    }

    /// The number in E.164, for queries that take either.
    fn number(&self) -> Option<&str> {
        match self {
            Self::Call(_) => None,
            Self::Caller(number) => Some(number.e164()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::Call(_) => "call",
            Self::Caller(_) => "caller",
        }
    }
}

/// Why a data-protection operation did not run. Nothing of it was done.
#[derive(Debug, thiserror::Error)]
pub enum DsgvoError {
    #[error("{field}: {reason:?}")]
    Invalid {
        field: &'static str,
        reason: Invalid,
    },
    #[error("there is no such call, and no call of this number")]
    NotFound,
    /// The source policy does not allow it for a call's source (logged as blocked).
    #[error(transparent)]
    Refused(#[from] crate::compliance::enforcer::Refused),
    #[error(transparent)]
    Policy(#[from] crate::compliance::ComplianceError),
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// The trimmed reason, if it is one the audit trail can keep.
fn reason(text: &str) -> Result<&str, DsgvoError> {
    let text = text.trim();
    if !limits::REASON_CHARS.contains(&text.chars().count()) {
        return Err(DsgvoError::Invalid {
            field: "reason",
            reason: Invalid::ReasonLength,
        });
    }
    if text.contains('\0') {
        return Err(DsgvoError::Invalid {
            field: "reason",
            reason: Invalid::NulCharacter,
        });
    }
    Ok(text)
}

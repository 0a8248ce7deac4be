//! The compliance area (seed 003 on call data): the versioned source policy with its allowed
//! sources, operations matrix and PII rules ([`policy`], [`store`], changed through four eyes in
//! [`approval`]), the one enforcer every use of call data asks ([`enforcer`]), and the report for
//! the data-protection officer and auditors ([`report`]).

#[cfg(feature = "backend")]
pub mod approval;
pub mod blocked;
pub mod checklist;
#[cfg(feature = "backend")]
pub mod enforcer;
pub mod pii;
pub mod policy;
pub mod policy_log;
pub mod refusal;
#[cfg(feature = "backend")]
pub mod report;
pub mod shadow;
#[cfg(feature = "backend")]
pub mod store;
pub mod version;

#[cfg(feature = "backend")]
pub use error::ComplianceError;

#[cfg(feature = "backend")]
mod error {
    use crate::domain::{Invalid, limits};

    use super::policy::PolicyError;

    /// Why a compliance operation did not run. Nothing of it was done.
    #[derive(Debug, thiserror::Error)]
    pub enum ComplianceError {
        #[error("{field}: {reason:?}")]
        Invalid {
            field: &'static str,
            reason: Invalid,
        },
        /// The policy document breaks a rule; the message says which (a pattern's compiler
        /// message included).
        #[error("{0}")]
        Policy(#[from] PolicyError),
        #[error("there is no such policy version")]
        NotFound,
        /// The process is configured to keep calls longer than the active version allows.
        #[error(
            "a retention period of {configured} days (RETENTION_DAYS) is longer than the \
             {allowed} days of the active source policy (version {version}); lower \
             RETENTION_DAYS, or have a policy with a longer period approved first"
        )]
        RetentionTooLong {
            configured: u16,
            allowed: u16,
            version: i32,
        },
        /// The policy has no source or rule of that name, e.g. `source "fax"`.
        #[error("the policy has no {0}")]
        NoSuchPart(String),
        /// A stored version cannot be read: the database was changed around the application.
        #[error("policy version {0} cannot be read: {1}")]
        Stored(i32, String),
        #[error("database request failed: {0}")]
        Database(#[from] sqlx::Error),
    }

    impl ComplianceError {
        pub fn invalid(field: &'static str, reason: Invalid) -> Self {
            Self::Invalid { field, reason }
        }
    }

    /// The trimmed reason or note, if the audit trail can keep it.
    pub(super) fn reason<'a>(
        field: &'static str,
        text: &'a str,
    ) -> Result<&'a str, ComplianceError> {
        let text = text.trim();
        if text.contains('\0') {
            return Err(ComplianceError::invalid(field, Invalid::NulCharacter));
        }
        if !limits::REASON_CHARS.contains(&text.chars().count()) {
            return Err(ComplianceError::invalid(field, Invalid::ReasonLength));
        }
        Ok(text)
    }
}

#[cfg(feature = "backend")]
use error::reason;

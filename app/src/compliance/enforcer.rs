//! The one enforcer: whether calls of a source may be used for an operation under the active
//! policy ([`ActivePolicy::decide`], [`enforce`]), what PII a text holds (`ActivePolicy::rules`)
//! and what of a person's note may be stored ([`screen`]). The importer, exports, the live check and the LLM help ask it; every
//! refusal of a use is written to the blocked-content log, never with the content.

use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::{pii::Verdict, policy::Operation, store::ActivePolicy};
use crate::audit::Actor;

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

impl ActivePolicy {
    /// Whether calls of `source` may be used for `operation`; a justification counts when it
    /// holds more than blanks.
    pub fn decide(
        &self,
        source: &str,
        operation: Operation,
        justification: Option<&str>,
    ) -> Result<(), Refusal> {
        let source = self
            .document
            .source(source)
            .ok_or(Refusal::SourceNotAllowed)?;
        let permission = source
            .operations
            .get(operation)
            .ok_or(Refusal::TrainingForbidden)?;
        if !source.active {
            return Err(Refusal::SourceInactive);
        }
        if !permission.allowed {
            return Err(Refusal::OperationNotAllowed);
        }
        let justified = justification.is_some_and(|text| !text.trim().is_empty());
        if permission.needs_justification && !justified {
            return Err(Refusal::JustificationMissing);
        }
        Ok(())
    }

    /// Whether calls of `source` may be imported: it is listed and switched on.
    pub fn may_import(&self, source: &str) -> Result<(), Refusal> {
        match self.document.source(source) {
            None => Err(Refusal::SourceNotAllowed),
            Some(source) if !source.active => Err(Refusal::SourceInactive),
            Some(_) => Ok(()),
        }
    }
}

/// What a person's free text (a note) may be stored as under the policy's PII rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Screened {
    /// Store this: the text, with what a rule redacts replaced by its label.
    Keep(String),
    /// Store nothing: this rule blocks the text.
    Blocked { rule: String },
}

/// Screens a person's free text about a call of `source` with the policy's PII rules (the
/// call's own number, `own_number` in E.164, is no finding). A blocked text is written to the
/// blocked-content log on its own (rule, version, who; never the text).
pub async fn screen(
    pool: &PgPool,
    policy: &ActivePolicy,
    actor: Actor,
    source: &str,
    text: &str,
    own_number: Option<&str>,
) -> Result<Screened, sqlx::Error> {
    let screened = match policy.rules.judge(text, own_number) {
        Verdict::Clean | Verdict::Warn(_) => Screened::Keep(text.to_owned()),
        Verdict::Redact { text, .. } => Screened::Keep(text),
        Verdict::Block { rule } => Screened::Blocked { rule },
    };
    if let Screened::Blocked { rule } = &screened {
        sqlx::query!(
            "insert into blocked_content_log (source, reason, rule, policy_version, actor_id)
             values ($1, $2, $3, $4, $5)",
            source,
            Refusal::PiiBlocked.code(),
            rule,
            policy.version,
            actor.user_id(),
        )
        .execute(pool)
        .await?;
    }
    Ok(screened)
}

/// A use the enforcer refused, as logged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("policy version {policy_version} refuses {} of calls from {source_id:?}: {}", .operation.code(), .reason.message())]
pub struct Refused {
    pub source_id: String,
    pub operation: Operation,
    pub reason: Refusal,
    pub policy_version: i32,
}

/// Decides like [`ActivePolicy::decide`] and writes a refusal to the blocked-content log on its
/// own (so it stays when the caller's transaction is rolled back).
pub async fn enforce(
    pool: &PgPool,
    policy: &ActivePolicy,
    actor: Actor,
    source: &str,
    operation: Operation,
    justification: Option<&str>,
) -> Result<Result<(), Refused>, sqlx::Error> {
    let Err(reason) = policy.decide(source, operation, justification) else {
        return Ok(Ok(()));
    };
    sqlx::query!(
        "insert into blocked_content_log (source, reason, operation, policy_version, actor_id)
         values ($1, $2, $3, $4, $5)",
        source,
        reason.code(),
        operation.code(),
        policy.version,
        actor.user_id(),
    )
    .execute(pool)
    .await?;
    Ok(Err(Refused {
        source_id: source.to_owned(),
        operation,
        reason,
        policy_version: policy.version,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::policy::PolicyDocument;

    fn policy() -> ActivePolicy {
        let mut document = PolicyDocument::initial();
        let mut webform = document.sources[0].clone();
        webform.id = "webform".to_owned();
        webform.active = false;
        document.sources.push(webform);
        ActivePolicy::new(3, document).expect("a valid policy")
    }

    #[test]
    fn every_cell_of_the_default_matrix_decides_as_documented() {
        let policy = policy();
        let why = Some("Auskunftsersuchen");
        assert_eq!(policy.decide("phone", Operation::Lookup, None), Ok(()));
        assert_eq!(
            policy.decide("phone", Operation::Llm, why),
            Err(Refusal::OperationNotAllowed)
        );
        assert_eq!(policy.decide("phone", Operation::Export, why), Ok(()));
        assert_eq!(
            policy.decide("phone", Operation::Export, Some("  ")),
            Err(Refusal::JustificationMissing)
        );
        assert_eq!(
            policy.decide("phone", Operation::Training, why),
            Err(Refusal::TrainingForbidden)
        );
        assert_eq!(
            policy.decide("webform", Operation::Lookup, None),
            Err(Refusal::SourceInactive)
        );
        assert_eq!(
            policy.decide("fax", Operation::Lookup, None),
            Err(Refusal::SourceNotAllowed)
        );
        assert_eq!(policy.may_import("phone"), Ok(()));
        assert_eq!(policy.may_import("webform"), Err(Refusal::SourceInactive));
        assert_eq!(policy.may_import("fax"), Err(Refusal::SourceNotAllowed));
    }
}

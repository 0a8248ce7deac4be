//! The one enforcer: whether calls of a source may be used for an operation under the active
//! policy ([`ActivePolicy::decide`], [`enforce`]), what PII a text holds (`ActivePolicy::rules`)
//! and what of a person's note may be stored ([`screen`]). The importer, exports, the live check and the LLM help ask it; every
//! refusal of a use is written to the blocked-content log, never with the content.

use sqlx::PgPool;

pub use super::refusal::Refusal;
use super::{pii::Verdict, policy::Operation, store::ActivePolicy};
use crate::audit::Actor;

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
        log_blocked_text(pool, policy, actor, source, rule).await?;
    }
    Ok(screened)
}

/// Writes to the blocked-content log that `rule` blocked a text about a call of `source` (the
/// rule, the version, who; never the text).
pub async fn log_blocked_text(
    pool: &PgPool,
    policy: &ActivePolicy,
    actor: Actor,
    source: &str,
    rule: &str,
) -> Result<(), sqlx::Error> {
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
    Ok(())
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

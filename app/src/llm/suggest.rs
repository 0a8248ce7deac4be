//! The one path to a suggestion: who may ask, the policy check, redaction, the request, the
//! strict parse, the ledger. It fails closed: when a step before sending fails or takes too
//! long, nothing is sent, and the ledger says why.

use std::time::Duration;

use sqlx::PgPool;

use super::{
    Outcome, SuggestError, Suggestion,
    answer::{self, Parsed, Usage},
    client::{LlmClient, SendError},
    endpoint::UserIdent,
    ledger::{self, NewEntry},
    prompt::Prompt,
    redact::{self, Caller, Withheld},
    settings,
};
use crate::{
    audit::Actor,
    compliance::{ComplianceError, enforcer, policy::Operation, store},
    db::{self, calls::Restricted},
    domain::{CallId, Invalid, StoredCall},
};

/// How long redaction may take before the request is given up.
const REDACTION_TIMEOUT: Duration = Duration::from_secs(2);

/// Why [`suggest`] brought no suggestion.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// Refused, unreachable, discarded: recorded in the ledger, an answer for the person.
    #[error("no suggestion: {0:?}")]
    Suggest(SuggestError),
    #[error("call {0} does not exist")]
    NotFound(CallId),
    #[error("{field}: {reason:?}")]
    Invalid {
        field: &'static str,
        reason: Invalid,
    },
    #[error(transparent)]
    Policy(#[from] ComplianceError),
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// Asks the endpoint for a suggestion for call `call_id` on behalf of `actor` (a person, or the
/// automatic mode as [`Actor::System`]), with the justification the policy may require.
pub async fn suggest(
    pool: &PgPool,
    client: Option<&LlmClient>,
    actor: Actor,
    call_id: CallId,
    justification: Option<&str>,
) -> Result<Suggestion, LlmError> {
    let client = client.ok_or(LlmError::Suggest(SuggestError::NotConfigured))?;
    let (call, ident) = visible_call(pool, actor, call_id).await?;
    let ident = ident.unwrap_or_else(|| client.endpoint().default_ident.clone());
    let policy = store::active(pool).await?;
    let model = client.endpoint().model.as_str();
    let mut entry = NewEntry {
        call_id,
        actor,
        model,
        policy_version: policy.version,
        prompt: None,
        answer: None,
        usage: Usage::default(),
        latency_ms: None,
        outcome: Outcome::Refused,
        detail: "",
        parsed: None,
    };
    let checked = enforcer::enforce(
        pool,
        &policy,
        actor,
        &call.source,
        Operation::Llm,
        justification,
    )
    .await?;
    if let Err(refused) = checked {
        entry.detail = refused.reason.code();
        finish(pool, &entry).await?;
        return Err(LlmError::Suggest(SuggestError::Refused(refused.reason)));
    }
    let mut tx = pool.begin().await?;
    let categories = settings::read(&mut tx).await?.categories;
    tx.commit().await?;
    let redacted = match redact_in_time(&call, &policy.rules).await {
        Ok(redacted) => redacted,
        Err(withheld) => {
            if let Withheld::Blocked(rule) = &withheld {
                enforcer::log_blocked_text(pool, &policy, actor, &call.source, rule).await?;
            }
            let detail = withheld.to_string();
            entry.outcome = Outcome::Blocked;
            entry.detail = &detail;
            finish(pool, &entry).await?;
            let error = match withheld {
                Withheld::Blocked(_) => SuggestError::Refused(enforcer::Refusal::PiiBlocked),
                Withheld::Incomplete | Withheld::Failed(_) => SuggestError::RedactionFailed,
            };
            return Err(LlmError::Suggest(error));
        }
    };
    let prompt = Prompt::new(model, &categories, &redacted);
    entry.prompt = Some(prompt.body());
    let answered = client.send(&ident, &prompt).await;
    let (outcome, detail, parsed, reply, latency) = match answered {
        Err(error) => {
            let (outcome, detail) = match error {
                SendError::Unreachable(code) => (Outcome::Unreachable, code),
                SendError::Refused(status) => (Outcome::Failed, format!("status_{status}")),
            };
            (outcome, detail, None, None, None)
        }
        Ok(answered) => {
            let latency = answered.latency;
            match answer::reply(&answered.body) {
                Err(rejected) => (
                    Outcome::InvalidAnswer,
                    rejected.to_string(),
                    None,
                    Some(answer::Reply {
                        content: String::from_utf8_lossy(&answered.body).into_owned(),
                        usage: Usage::default(),
                    }),
                    Some(latency),
                ),
                Ok(reply) => match answer::parse(&reply.content, &categories) {
                    Ok(parsed) => (
                        Outcome::Ok,
                        String::new(),
                        Some(parsed),
                        Some(reply),
                        Some(latency),
                    ),
                    Err(rejected) => (
                        Outcome::InvalidAnswer,
                        rejected.to_string(),
                        None,
                        Some(reply),
                        Some(latency),
                    ),
                },
            }
        }
    };
    entry.outcome = outcome;
    entry.detail = &detail;
    entry.answer = reply.as_ref().map(|reply| reply.content.as_str());
    entry.usage = reply.as_ref().map(|reply| reply.usage).unwrap_or_default();
    entry.latency_ms = latency.map(|latency| latency.as_millis().min(i32::MAX as u128) as i32);
    entry.parsed = parsed.as_ref();
    if let Some(latency) = latency {
        metrics::histogram!("anrufe_llm_request_duration_seconds").record(latency.as_secs_f64());
    }
    for (kind, tokens) in [
        ("prompt", entry.usage.prompt_tokens),
        ("completion", entry.usage.completion_tokens),
    ] {
        if let Some(tokens) = tokens {
            metrics::counter!("anrufe_llm_tokens_total", "kind" => kind)
                .increment(tokens.max(0) as u64);
        }
    }
    let (id, requested_at) = finish(pool, &entry).await?;
    let Some(Parsed {
        summary,
        category,
        urgency,
        reason,
    }) = parsed
    else {
        let error = match outcome {
            Outcome::InvalidAnswer => SuggestError::InvalidAnswer,
            _ => SuggestError::Unreachable,
        };
        return Err(LlmError::Suggest(error));
    };
    Ok(Suggestion {
        id,
        summary,
        category,
        urgency,
        reason,
        model: model.to_owned(),
        requested_at,
    })
}

/// The call as `actor` may see it, and `actor`'s own userIdent. Agents do not find calls they
/// cannot see; nobody may send a restricted call's data (Art. 18).
pub async fn visible_call(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
) -> Result<(StoredCall, Option<UserIdent>), LlmError> {
    let mut conn = pool.acquire().await?;
    let (admin, ident) = match actor.user_id() {
        Some(id) => {
            let user = sqlx::query!(
                r#"select role = 'ADMIN' as "admin!", llm_ident from users where id = $1"#,
                id
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(LlmError::NotFound(call_id))?;
            (
                user.admin,
                user.llm_ident.and_then(|ident| ident.parse().ok()),
            )
        }
        None => (true, None),
    };
    let restricted = if admin {
        Restricted::Shown
    } else {
        Restricted::Hidden
    };
    let call = db::calls::item(&mut conn, call_id.0, restricted)
        .await?
        .ok_or(LlmError::NotFound(call_id))?;
    if call.restricted {
        return Err(LlmError::Invalid {
            field: "id",
            reason: Invalid::CallRestricted,
        });
    }
    Ok((call, ident))
}

/// Redacts the call's concern on a blocking thread, within [`REDACTION_TIMEOUT`].
async fn redact_in_time(
    call: &StoredCall,
    rules: &crate::compliance::pii::PiiRules,
) -> Result<redact::Redacted, Withheld> {
    let (topic, name, number, date_of_birth, rules) = (
        call.topic.clone().unwrap_or_default(),
        call.caller_name.clone(),
        call.caller_number.clone(),
        call.date_of_birth,
        rules.clone(),
    );
    let work = tokio::task::spawn_blocking(move || {
        let caller = Caller {
            name: name.as_deref(),
            number: number.as_ref(),
            date_of_birth,
        };
        redact::redact(&topic, &caller, &rules)
    });
    match tokio::time::timeout(REDACTION_TIMEOUT, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(Withheld::Failed("redaction_panicked")),
        Err(_) => Err(Withheld::Failed("redaction_timeout")),
    }
}

/// Records the request in the ledger and counts it.
async fn finish(
    pool: &PgPool,
    entry: &NewEntry<'_>,
) -> sqlx::Result<(i64, chrono::DateTime<chrono::Utc>)> {
    let mut tx = pool.begin().await?;
    let recorded = ledger::record(&mut tx, entry).await?;
    if entry.outcome == Outcome::Ok {
        db::notify_changed(&mut tx, &[entry.call_id]).await?;
    }
    tx.commit().await?;
    metrics::counter!("anrufe_llm_requests_total", "outcome" => entry.outcome.code()).increment(1);
    if entry.outcome == Outcome::InvalidAnswer {
        metrics::counter!("anrufe_llm_answers_discarded_total", "reason" => entry.detail.to_owned())
            .increment(1);
    }
    tracing::info!(
        call_id = entry.call_id.0,
        outcome = entry.outcome.code(),
        detail = entry.detail,
        latency_ms = entry.latency_ms,
        "LLM request"
    );
    Ok(recorded)
}

//! The one path to a suggestion: who may ask, the policy check, redaction, the request, the
//! strict parse, the ledger. It fails closed: when a step before sending fails or takes too
//! long, nothing is sent, and the ledger says why.

use std::time::Duration;

use sqlx::PgPool;

use super::{
    Outcome, SuggestError, Suggestion,
    answer::{self, Parsed, Usage},
    client::{Answered, LlmClient, SendError},
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
        return Err(failed(entry.outcome, entry.detail));
    }
    let categories = settings::read(&mut *pool.acquire().await?)
        .await?
        .categories;
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
            return Err(failed(entry.outcome, &detail));
        }
    };
    let prompt = Prompt::new(model, &categories, &redacted);
    entry.prompt = Some(prompt.body());
    let judged = judge(client.send(&ident, &prompt).await, &categories);
    entry.outcome = judged.outcome;
    entry.detail = &judged.detail;
    entry.answer = judged.answer.as_deref();
    entry.usage = judged.usage;
    entry.latency_ms = judged
        .latency
        .map(|latency| latency.as_millis().min(i32::MAX as u128) as i32);
    entry.parsed = judged.parsed.as_ref();
    count(&judged);
    let (id, requested_at) = finish(pool, &entry).await?;
    let Some(Parsed {
        summary,
        category,
        urgency,
        reason,
    }) = judged.parsed
    else {
        return Err(failed(judged.outcome, &judged.detail));
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

/// How a sent request ended, as the ledger records it.
struct Judged {
    outcome: Outcome,
    detail: String,
    parsed: Option<Parsed>,
    /// The answer's content as it came (the whole body when it was no completion).
    answer: Option<String>,
    usage: Usage,
    latency: Option<Duration>,
}

/// Reads what came back for a request: the envelope, then the suggestion in it.
fn judge(answered: Result<Answered, SendError>, categories: &[String]) -> Judged {
    let mut judged = Judged {
        outcome: Outcome::InvalidAnswer,
        detail: String::new(),
        parsed: None,
        answer: None,
        usage: Usage::default(),
        latency: None,
    };
    let answered = match answered {
        Ok(answered) => answered,
        Err(SendError::Unreachable(code)) => {
            (judged.outcome, judged.detail) = (Outcome::Unreachable, code);
            return judged;
        }
        Err(SendError::Refused(status)) => {
            (judged.outcome, judged.detail) = (Outcome::Failed, format!("status_{status}"));
            return judged;
        }
    };
    judged.latency = Some(answered.latency);
    let reply = match answer::reply(&answered.body) {
        Ok(reply) => reply,
        Err(rejected) => {
            judged.detail = rejected.to_string();
            judged.answer = Some(String::from_utf8_lossy(&answered.body).into_owned());
            return judged;
        }
    };
    judged.usage = reply.usage;
    match answer::parse(&reply.content, categories) {
        Ok(parsed) => (judged.outcome, judged.parsed) = (Outcome::Ok, Some(parsed)),
        Err(rejected) => judged.detail = rejected.to_string(),
    }
    judged.answer = Some(reply.content);
    judged
}

/// Records a sent request's latency and tokens in the metrics.
fn count(judged: &Judged) {
    if let Some(latency) = judged.latency {
        metrics::histogram!("anrufe_llm_request_duration_seconds").record(latency.as_secs_f64());
    }
    for (kind, tokens) in [
        ("prompt", judged.usage.prompt_tokens),
        ("completion", judged.usage.completion_tokens),
    ] {
        if let Some(tokens) = tokens {
            metrics::counter!("anrufe_llm_tokens_total", "kind" => kind)
                .increment(tokens.max(0) as u64);
        }
    }
}

/// The error for a request that brought no suggestion.
fn failed(outcome: Outcome, detail: &str) -> LlmError {
    LlmError::Suggest(
        outcome
            .failure(detail)
            .unwrap_or(SuggestError::InvalidAnswer),
    )
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

//! The ledger: one row per request, sent or not, with exactly the body that left the server and
//! the answer that came back, and an `llm_request` audit row beside it that names the outcome
//! but holds nothing of the text. Rows leave with their call (`crate::db::deletion`).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::{LedgerEntry, Outcome, Suggestion, answer::Parsed, answer::Usage};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, CallId, Priority},
};

/// Rows of the ledger the drawer shows an admin.
pub const SHOWN: i64 = 20;

/// One request as it is recorded.
#[derive(Clone, Debug)]
pub struct NewEntry<'a> {
    pub call_id: CallId,
    pub actor: Actor,
    pub model: &'a str,
    pub policy_version: i32,
    /// The body as sent; `None` when nothing was sent.
    pub prompt: Option<&'a Value>,
    pub answer: Option<&'a str>,
    pub usage: Usage,
    pub latency_ms: Option<i32>,
    pub outcome: Outcome,
    pub detail: &'a str,
    pub parsed: Option<&'a Parsed>,
}

/// Writes the row and its audit row in the caller's transaction; the row's id and time.
pub async fn record(
    conn: &mut PgConnection,
    entry: &NewEntry<'_>,
) -> sqlx::Result<(i64, DateTime<Utc>)> {
    let parsed = entry.parsed;
    let row = sqlx::query!(
        "insert into llm_requests (call_id, requested_by, model, policy_version, prompt, answer,
                                   prompt_tokens, completion_tokens, latency_ms, outcome, detail,
                                   summary, category, urgency, reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         returning id, requested_at",
        entry.call_id.0,
        entry.actor.user_id(),
        entry.model,
        entry.policy_version,
        entry.prompt,
        entry.answer,
        entry.usage.prompt_tokens,
        entry.usage.completion_tokens,
        entry.latency_ms,
        entry.outcome.code(),
        entry.detail,
        parsed.map(|p| p.summary.as_str()),
        parsed.map(|p| p.category.as_str()),
        parsed.map(|p| p.urgency) as Option<Priority>,
        parsed.map(|p| p.reason.as_str()),
    )
    .fetch_one(&mut *conn)
    .await?;
    let diff = json!({
        "request_id": row.id,
        "outcome": entry.outcome.code(),
        "detail": entry.detail,
        "model": entry.model,
        "sent": entry.prompt.is_some(),
        "prompt_tokens": entry.usage.prompt_tokens,
        "completion_tokens": entry.usage.completion_tokens,
    });
    audit::record(
        conn,
        entry.actor,
        AuditAction::LlmRequest,
        Some(entry.call_id.0),
        diff,
    )
    .await?;
    Ok((row.id, row.requested_at))
}

/// The call's newest suggestion that passed the parser.
pub async fn latest(pool: &PgPool, call_id: CallId) -> sqlx::Result<Option<Suggestion>> {
    sqlx::query_as!(
        Suggestion,
        r#"select id, summary as "summary!", category as "category!",
                  urgency as "urgency!: Priority", reason as "reason!", model, requested_at
           from llm_requests where call_id = $1 and outcome = 'ok' order by id desc limit 1"#,
        call_id.0
    )
    .fetch_optional(pool)
    .await
}

/// The suggestion `id` of the call, if it passed the parser.
pub async fn suggestion(
    conn: &mut PgConnection,
    call_id: CallId,
    id: i64,
) -> sqlx::Result<Option<Parsed>> {
    sqlx::query_as!(
        Parsed,
        r#"select summary as "summary!", category as "category!",
                  urgency as "urgency!: Priority", reason as "reason!"
           from llm_requests where id = $1 and call_id = $2 and outcome = 'ok'"#,
        id,
        call_id.0
    )
    .fetch_optional(conn)
    .await
}

/// The call's newest request, when it brought no suggestion: its outcome and detail.
pub async fn last_failure(
    pool: &PgPool,
    call_id: CallId,
) -> sqlx::Result<Option<(Outcome, String)>> {
    let row = sqlx::query!(
        "select outcome, detail from llm_requests where call_id = $1 order by id desc limit 1",
        call_id.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(row
        .and_then(|row| Some((Outcome::from_code(&row.outcome)?, row.detail)))
        .filter(|(outcome, _)| *outcome != Outcome::Ok))
}

/// The call's newest [`SHOWN`] requests, with what was sent, for admins.
pub async fn entries(pool: &PgPool, call_id: CallId) -> sqlx::Result<Vec<LedgerEntry>> {
    let rows = sqlx::query!(
        "select r.id, r.requested_at, u.name as \"requested_by?\", r.model, r.policy_version,
                r.outcome, r.detail, r.prompt, r.answer, r.prompt_tokens, r.completion_tokens,
                r.latency_ms
         from llm_requests r left join users u on u.id = r.requested_by
         where r.call_id = $1 order by r.id desc limit $2",
        call_id.0,
        SHOWN
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(LedgerEntry {
                id: row.id,
                requested_at: row.requested_at,
                requested_by: row.requested_by,
                model: row.model,
                policy_version: row.policy_version,
                outcome: Outcome::from_code(&row.outcome)?,
                detail: row.detail,
                prompt: row
                    .prompt
                    .map(|body| serde_json::to_string_pretty(&body).unwrap_or_default()),
                answer: row.answer,
                prompt_tokens: row.prompt_tokens,
                completion_tokens: row.completion_tokens,
                latency_ms: row.latency_ms,
            })
        })
        .collect())
}

//! The automatic mode of the LLM help: calls that arrived since it was switched on get a
//! suggestion in the background, a batch per run, a bounded number in flight (the client's
//! concurrency), through the same path as a person's request (`app::llm::suggest`). Calls of
//! sources whose policy does not allow the LLM without a justification are left alone; a call
//! whose requests failed is tried again, three times at most.

use std::sync::Arc;

use anyhow::Context;
use app::{
    audit::Actor,
    compliance::{policy::Operation, store},
    domain::CallId,
    llm::{LlmSettings, client::LlmClient, settings, suggest},
};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use sqlx::PgPool;

/// Calls one run sends at most.
const BATCH: i64 = 20;
/// Requests after which a call is left to people.
const TRIES: i64 = 3;

pub async fn run(pool: &PgPool, client: &Arc<LlmClient>) -> anyhow::Result<Value> {
    let mut conn = pool.acquire().await?;
    let LlmSettings { auto_mode, .. } = settings::read(&mut conn).await?;
    if !auto_mode {
        return Ok(json!({ "auto_mode": false }));
    }
    if !client.available() {
        return Ok(json!({ "auto_mode": true, "endpoint": "circuit_open" }));
    }
    let policy = store::active(pool).await.context("the source policy")?;
    let sources: Vec<String> = policy
        .document
        .sources
        .iter()
        .filter(|source| policy.decide(&source.id, Operation::Llm, None).is_ok())
        .map(|source| source.id.clone())
        .collect();
    let ids = sqlx::query_scalar!(
        "select c.id from calls c, llm_settings s
         where c.received_at >= greatest(s.auto_since, call_retention_cutoff())
           and c.restricted_at is null and c.source = any($1)
           and not exists (select from llm_requests r
                           where r.call_id = c.id and r.outcome not in ('unreachable'))
           and (select count(*) from llm_requests r where r.call_id = c.id) < $2
         order by c.received_at limit $3",
        &sources,
        TRIES,
        BATCH,
    )
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let concurrency = client.concurrency();
    let outcomes: Vec<_> = stream::iter(ids)
        .map(|id| async move {
            suggest::suggest(pool, Some(client), Actor::System, CallId(id), None).await
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let suggested = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    Ok(json!({
        "auto_mode": true,
        "calls": outcomes.len(),
        "suggested": suggested,
        "without": outcomes.len() - suggested,
    }))
}

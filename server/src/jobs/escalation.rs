//! The escalation job: every half minute, the open urgent calls that waited too long are
//! escalated (`app::rules::escalation`), and counted in `anrufe_escalations_total`.

use chrono::Utc;
use metrics::counter;
use serde_json::Value;
use sqlx::PgPool;

pub async fn run(pool: &PgPool) -> anyhow::Result<Value> {
    let done = app::rules::escalation::escalate_due(pool, Utc::now()).await?;
    counter!("anrufe_escalations_total").increment(done.escalated);
    Ok(serde_json::to_value(done)?)
}

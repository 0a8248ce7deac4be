//! The evaluation's counts (`app::kpi::report`): every ten minutes, the calls of the recent days
//! are counted again into hourly rows.

use chrono::Utc;
use serde_json::Value;
use sqlx::PgPool;

pub async fn run(pool: &PgPool) -> anyhow::Result<Value> {
    let recounted = app::kpi::report::recount(pool, Utc::now()).await?;
    Ok(serde_json::to_value(recounted)?)
}

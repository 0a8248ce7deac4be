//! The evaluation's counts (`app::kpi::report`): every minute the last two days' calls are
//! counted again into hourly rows, and all of the report's days at start and every ten minutes
//! (calls of earlier days get done too).

use app::kpi::report::{self, ALL_DAYS, RECENT_DAYS};
use chrono::{Timelike, Utc};
use serde_json::Value;
use sqlx::PgPool;

use super::Why;

pub async fn run(pool: &PgPool, why: Why) -> anyhow::Result<Value> {
    let now = Utc::now();
    let days = if why != Why::Schedule || now.minute().is_multiple_of(10) {
        ALL_DAYS
    } else {
        RECENT_DAYS
    };
    Ok(serde_json::to_value(
        report::recount(pool, now, days).await?,
    )?)
}

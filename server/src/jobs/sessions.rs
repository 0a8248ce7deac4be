//! The hourly clean-up: ended sessions, failed logins that lock nothing any more,
//! identity-provider logins that never came back, and the records of old job runs.

use app::auth::{SessionPolicy, oidc, sessions};
use serde_json::{Value, json};
use sqlx::PgPool;

/// Days the runs of the jobs are kept (the automatic mode of the LLM help alone records one
/// every half minute). Each job's newest good run stays, so its last success is always known.
const RUNS_KEPT_DAYS: i32 = 90;

pub async fn purge(pool: &PgPool, policy: SessionPolicy) -> anyhow::Result<Value> {
    let sessions = sessions::purge_ended(pool, policy).await?;
    let oidc_logins = oidc::purge_stale(pool).await?;
    let job_runs = sqlx::query!(
        "delete from job_runs where started_at < now() - make_interval(days => $1)
           and id not in (select max(id) from job_runs where outcome = 'ok' group by job)",
        RUNS_KEPT_DAYS
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(json!({ "sessions": sessions, "oidc_logins": oidc_logins, "job_runs": job_runs }))
}

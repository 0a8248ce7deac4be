//! The hourly clean-up of logins: ended sessions, failed logins that lock nothing any more,
//! and identity-provider logins that never came back.

use app::auth::{SessionPolicy, oidc, sessions};
use serde_json::{Value, json};
use sqlx::PgPool;

pub async fn purge(pool: &PgPool, policy: SessionPolicy) -> anyhow::Result<Value> {
    let sessions = sessions::purge_ended(pool, policy).await?;
    let oidc_logins = oidc::purge_stale(pool).await?;
    Ok(json!({ "sessions": sessions, "oidc_logins": oidc_logins }))
}

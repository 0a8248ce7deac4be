//! The practice's settings of the LLM help: the automatic mode and the category list. Changed
//! by admins, audited.

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{LlmSettings, endpoint::UserIdent};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Invalid},
};

pub async fn read(conn: &mut PgConnection) -> sqlx::Result<LlmSettings> {
    sqlx::query_as!(
        LlmSettings,
        "select auto_mode, categories from llm_settings"
    )
    .fetch_one(conn)
    .await
}

/// Saves `settings`, checked, with an audit row naming the change. Returns what was saved.
pub async fn save(
    pool: &PgPool,
    actor: Actor,
    settings: LlmSettings,
) -> Result<Result<LlmSettings, Invalid>, sqlx::Error> {
    let Some(settings) = settings.checked() else {
        return Ok(Err(Invalid::CategoriesInvalid));
    };
    let mut tx = pool.begin().await?;
    let old = sqlx::query_as!(
        LlmSettings,
        "select auto_mode, categories from llm_settings for update"
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update llm_settings set auto_mode = $1, categories = $2, updated_by = $3,
                updated_at = now(),
                auto_since = case when $1 and not auto_mode then now() else auto_since end",
        settings.auto_mode,
        &settings.categories,
        actor.user_id(),
    )
    .execute(&mut *tx)
    .await?;
    let diff = json!({
        "auto_mode": { "old": old.auto_mode, "new": settings.auto_mode },
        "categories": { "old": old.categories, "new": settings.categories },
    });
    audit::record(&mut tx, actor, AuditAction::LlmSettingsChanged, None, diff).await?;
    tx.commit().await?;
    Ok(Ok(settings))
}

/// Sets the userIdent of `user`'s requests (`None`: the practice default), audited as a change
/// of the user. False when there is no such user.
pub async fn set_ident(
    pool: &PgPool,
    actor: Actor,
    user: i64,
    ident: Option<&UserIdent>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let Some(old) =
        sqlx::query_scalar!("select llm_ident from users where id = $1 for update", user)
            .fetch_optional(&mut *tx)
            .await?
    else {
        return Ok(false);
    };
    let new = ident.map(UserIdent::as_str);
    sqlx::query!("update users set llm_ident = $2 where id = $1", user, new)
        .execute(&mut *tx)
        .await?;
    let diff = json!({ "user_id": user, "llm_ident": { "old": old, "new": new } });
    audit::record(&mut tx, actor, AuditAction::UserChanged, None, diff).await?;
    tx.commit().await?;
    Ok(true)
}

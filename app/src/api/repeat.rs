//! Server functions of the repeat callers' window (`crate::repeat`), for admins.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{AppError, repeat::RepeatSettings};

#[server(endpoint = "admin/repeat_settings", input = Json)]
pub async fn get_repeat_settings() -> Result<RepeatSettings, AppError> {
    super::caller(crate::domain::Role::Admin)?;
    let mut conn = super::pool()?.acquire().await.map_err(AppError::from)?;
    Ok(crate::repeat::store::settings(&mut conn).await?)
}

/// Saves the window; the open calls fold by it at once.
#[server(endpoint = "admin/save_repeat_settings", input = Json)]
pub async fn save_repeat_settings(settings: RepeatSettings) -> Result<RepeatSettings, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::repeat::store::save(&pool, actor, settings).await)
}

//! The credential a request comes with: an API token (`Authorization: Bearer`) or, without
//! one, the session cookie; and the user behind it.

use app::{
    auth::{SessionSettings, sessions, tokens},
    domain::SessionUser,
};
use axum::http::{HeaderMap, header};
use sqlx::PgPool;

/// The user behind the request's API token or, without one, its session cookie.
pub async fn caller(
    pool: &PgPool,
    settings: SessionSettings,
    headers: &HeaderMap,
) -> sqlx::Result<Option<SessionUser>> {
    if let Some(secret) = bearer(headers) {
        return tokens::user(pool, secret).await;
    }
    match settings.token(headers) {
        Some(token) => sessions::user(pool, &token, settings.policy).await,
        None => Ok(None),
    }
}

/// Whether the credential a request came with still admits it, without marking a session used
/// (see [`sessions::is_live`]): how a long-lived connection learns that its session ended.
pub async fn still_admitted(
    pool: &PgPool,
    settings: SessionSettings,
    headers: &HeaderMap,
) -> sqlx::Result<bool> {
    if let Some(secret) = bearer(headers) {
        return Ok(tokens::user(pool, secret).await?.is_some());
    }
    match settings.token(headers) {
        Some(token) => sessions::is_live(pool, &token, settings.policy).await,
        None => Ok(false),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

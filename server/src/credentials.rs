//! The credential a request comes with: an API token (`Authorization: Bearer`) or, without
//! one, the session cookie; and the user behind it.

use app::{
    auth::{SessionSettings, sessions, tokens},
    domain::{SessionUser, TokenScope},
};
use axum::http::{HeaderMap, header};
use sqlx::PgPool;

/// How a caller was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    Session,
    Token(TokenScope),
}

/// The user behind the request's API token or, without one, its session cookie. A token counts
/// only where its scope is `accepted`: nowhere else is it anyone (so a leaked REST token opens
/// neither the pages nor the server functions).
pub async fn caller(
    pool: &PgPool,
    settings: SessionSettings,
    headers: &HeaderMap,
    accepted: &[TokenScope],
) -> sqlx::Result<Option<(SessionUser, Credential)>> {
    if let Some(secret) = bearer(headers) {
        if accepted.is_empty() {
            return Ok(None);
        }
        let user = tokens::user(pool, secret, accepted).await?;
        return Ok(user.map(|(user, scope)| (user, Credential::Token(scope))));
    }
    match settings.token(headers) {
        Some(token) => Ok(sessions::user(pool, &token, settings.policy)
            .await?
            .map(|user| (user, Credential::Session))),
        None => Ok(None),
    }
}

/// Whether the session a request came with still admits it, without marking it used (see
/// [`sessions::is_live`]): how a live connection, which only a session opens, learns that its
/// session ended.
pub async fn still_admitted(
    pool: &PgPool,
    settings: SessionSettings,
    headers: &HeaderMap,
) -> sqlx::Result<bool> {
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

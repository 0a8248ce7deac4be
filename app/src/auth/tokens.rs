//! API tokens: a program acts as a user through one. Shown once at creation; only the digest
//! and a short prefix (to tell tokens apart) are kept.

use serde_json::json;
use sqlx::PgPool;

use super::{AccountError, secret};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Invalid, SessionUser, TokenInfo, TokenScope, limits},
};

/// How every token begins, so leaked tokens are easy to recognise (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "anrufe_";

/// Writes of `last_used_at` are skipped when the last one is younger than this.
const TOUCH_EVERY_SECONDS: f64 = 60.0;

/// A newly made token: its id, the secret, which is never shown again, and when it expires.
#[derive(Debug)]
pub struct NewToken {
    pub id: i64,
    pub secret: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// How long a token works after it was made.
pub const VALID_DAYS: i32 = 90;

/// What a new token is: whom it acts as, where, and its name.
#[derive(Clone, Copy, Debug)]
pub struct TokenRequest<'a> {
    pub user_id: i64,
    pub scope: TokenScope,
    pub name: &'a str,
}

/// Creates a token for `actor`, acting as the active user `request.user_id`: the actor
/// themselves or a service account, never another person; the administration commands
/// ([`Actor::System`]) make tokens for service accounts only.
pub async fn create(
    pool: &PgPool,
    actor: Actor,
    request: TokenRequest<'_>,
) -> Result<NewToken, AccountError> {
    let TokenRequest {
        user_id,
        scope,
        name,
    } = request;
    let name = name.trim();
    if !limits::TOKEN_NAME_CHARS.contains(&name.chars().count()) {
        return Err(AccountError::Invalid {
            field: "name",
            reason: Invalid::TokenNameLength,
        });
    }
    if name.contains('\0') {
        return Err(AccountError::Invalid {
            field: "name",
            reason: Invalid::NulCharacter,
        });
    }
    let mut tx = pool.begin().await?;
    let user = sqlx::query!(
        "select is_active, is_service from users where id = $1 for share",
        user_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AccountError::NotFound(user_id))?;
    if !user.is_active {
        return Err(AccountError::Invalid {
            field: "user",
            reason: Invalid::TokenForInactiveAccount,
        });
    }
    if !user.is_service && actor.user_id() != Some(user_id) {
        return Err(AccountError::Invalid {
            field: "user",
            reason: Invalid::TokenForAnotherPerson,
        });
    }
    let secret = format!("{TOKEN_PREFIX}{}", secret::random_hex());
    let prefix: String = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let made = sqlx::query!(
        "insert into api_tokens (user_id, name, scope, token_hash, prefix, created_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7))
         returning id, expires_at",
        user_id,
        name,
        scope as TokenScope,
        secret::digest(&secret),
        prefix,
        actor.user_id(),
        VALID_DAYS,
    )
    .fetch_one(&mut *tx)
    .await?;
    let diff = json!({
        "token_id": made.id,
        "user_id": user_id,
        "scope": scope,
        "valid_days": VALID_DAYS,
    });
    audit::record(&mut tx, actor, AuditAction::TokenCreated, None, diff).await?;
    tx.commit().await?;
    Ok(NewToken {
        id: made.id,
        secret,
        expires_at: made.expires_at,
    })
}

/// The active user a token of one of `scopes` acts as, with the token's scope, unless it was
/// revoked or has expired; marks the token used (at most every [`TOUCH_EVERY_SECONDS`]) in the
/// same statement.
pub async fn user(
    pool: &PgPool,
    secret: &str,
    scopes: &[TokenScope],
) -> sqlx::Result<Option<(SessionUser, TokenScope)>> {
    let scopes: Vec<&str> = scopes.iter().map(|scope| scope.code()).collect();
    let row = sqlx::query!(
        r#"with live as (
               select t.id as token_id, t.last_used_at, t.scope, u.id, u.name, u.email, u.role
               from api_tokens t join users u on u.id = t.user_id
               where t.token_hash = $1 and t.scope::text = any($3) and t.revoked_at is null
                 and t.expires_at > now() and u.is_active
           ), touched as (
               update api_tokens set last_used_at = now()
               from live
               where api_tokens.id = live.token_id
                 and coalesce(live.last_used_at < now() - make_interval(secs => $2), true)
           )
           select id, name, email, role as "role: crate::domain::Role",
                  scope as "scope: TokenScope" from live"#,
        secret::digest(secret),
        TOUCH_EVERY_SECONDS,
        &scopes as &[&str],
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| {
        let user = SessionUser {
            id: row.id,
            name: row.name,
            email: row.email,
            role: row.role,
        };
        (user, row.scope)
    }))
}

/// Every token, active ones first, newest first.
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<TokenInfo>> {
    sqlx::query_as!(
        TokenInfo,
        r#"select t.id, t.name, t.scope as "scope: TokenScope", t.user_id, u.name as user_name, t.prefix,
                  c.name as "created_by?", t.created_at, t.last_used_at, t.expires_at,
                  t.revoked_at
           from api_tokens t
           join users u on u.id = t.user_id
           left join users c on c.id = t.created_by
           order by t.revoked_at is not null, t.created_at desc, t.id desc"#
    )
    .fetch_all(pool)
    .await
}

/// Revokes a token for good. Returns whether it was active.
pub async fn revoke(pool: &PgPool, actor: Actor, token_id: i64) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query!(
        "update api_tokens set revoked_at = now() where id = $1 and revoked_at is null",
        token_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if revoked {
        let diff = json!({ "token_id": token_id });
        audit::record(&mut tx, actor, AuditAction::TokenRevoked, None, diff).await?;
    }
    tx.commit().await?;
    Ok(revoked)
}

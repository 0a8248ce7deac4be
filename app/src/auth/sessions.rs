//! Browser sessions, kept in PostgreSQL so they survive restarts, can be listed, and can be
//! ended for a person at once. The cookie holds a random token; the table holds its digest.

use std::time::Duration;

use sqlx::{PgConnection, PgPool};

use super::secret;
use crate::domain::{SessionInfo, SessionUser};

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session nobody used for this long has ended.
    pub idle: Duration,
    /// A session ends this long after login, however busy.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    /// A front desk's working day; half an hour away from the desk logs out.
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// Writes of `last_seen_at` are skipped when the last one is younger than this, so a busy
/// page does not write on every request.
const TOUCH_EVERY_SECONDS: f64 = 30.0;

/// Starts a session for `user_id` and returns the token for the cookie.
pub async fn create(
    conn: &mut PgConnection,
    user_id: i64,
    user_agent: &str,
    policy: SessionPolicy,
) -> sqlx::Result<String> {
    let token = secret::random_hex();
    let user_agent: String = user_agent.chars().take(200).collect();
    sqlx::query!(
        "insert into sessions (token_hash, user_id, expires_at, user_agent)
         values ($1, $2, now() + make_interval(secs => $3), $4)",
        secret::digest(&token),
        user_id,
        policy.absolute.as_secs_f64(),
        user_agent,
    )
    .execute(conn)
    .await?;
    Ok(token)
}

/// The active user of a live session, marking it used (at most every
/// [`TOUCH_EVERY_SECONDS`]). Expired sessions, idle ones and those of deactivated users give
/// `None`. One statement: the check and the mark are a single round trip.
pub async fn user(
    pool: &PgPool,
    token: &str,
    policy: SessionPolicy,
) -> sqlx::Result<Option<SessionUser>> {
    sqlx::query_as!(
        SessionUser,
        r#"with live as (
               select s.token_hash, s.last_seen_at, u.id, u.name, u.email, u.role
               from sessions s join users u on u.id = s.user_id
               where s.token_hash = $1 and u.is_active
                 and s.expires_at > now()
                 and s.last_seen_at > now() - make_interval(secs => $2)
           ), touched as (
               update sessions set last_seen_at = now()
               from live
               where sessions.token_hash = live.token_hash
                 and live.last_seen_at < now() - make_interval(secs => $3)
           )
           select id, name, email, role as "role: crate::domain::Role" from live"#,
        secret::digest(token),
        policy.idle.as_secs_f64(),
        TOUCH_EVERY_SECONDS,
    )
    .fetch_optional(pool)
    .await
}

/// Whether the session behind `token` is still live, without marking it used: for checks the
/// browser did not ask for (an open live connection), which must not keep an idle session
/// alive.
pub async fn is_live(pool: &PgPool, token: &str, policy: SessionPolicy) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (
               select from sessions s join users u on u.id = s.user_id
               where s.token_hash = $1 and u.is_active
                 and s.expires_at > now()
                 and s.last_seen_at > now() - make_interval(secs => $2)
           ) as "live!""#,
        secret::digest(token),
        policy.idle.as_secs_f64(),
    )
    .fetch_one(pool)
    .await
}

/// The sessions that have not ended, most recently used first.
pub async fn list(pool: &PgPool, policy: SessionPolicy) -> sqlx::Result<Vec<SessionInfo>> {
    sqlx::query_as!(
        SessionInfo,
        "select s.user_id, u.name as user_name, s.created_at, s.last_seen_at, s.expires_at,
                s.user_agent
         from sessions s join users u on u.id = s.user_id
         where s.expires_at > now() and s.last_seen_at > now() - make_interval(secs => $1)
         order by s.last_seen_at desc",
        policy.idle.as_secs_f64(),
    )
    .fetch_all(pool)
    .await
}

/// Ends one session (logout). Returns whose it was, if it existed.
pub async fn end(conn: &mut PgConnection, token: &str) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "delete from sessions where token_hash = $1 returning user_id",
        secret::digest(token)
    )
    .fetch_optional(conn)
    .await
}

/// Ends every session of a user; returns how many there were.
pub async fn end_all(conn: &mut PgConnection, user_id: i64) -> sqlx::Result<u64> {
    Ok(
        sqlx::query!("delete from sessions where user_id = $1", user_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Removes sessions that can no longer be used; run now and then.
pub async fn purge_ended(pool: &PgPool, policy: SessionPolicy) -> sqlx::Result<u64> {
    // Failed logins of a day ago that lock nothing any more are no longer needed either.
    sqlx::query!(
        "delete from login_failures
         where last_failed_at <= now() - interval '1 day'
           and coalesce(locked_until <= now(), true)"
    )
    .execute(pool)
    .await?;
    Ok(sqlx::query!(
        "delete from sessions
         where expires_at <= now() or last_seen_at <= now() - make_interval(secs => $1)",
        policy.idle.as_secs_f64(),
    )
    .execute(pool)
    .await?
    .rows_affected())
}

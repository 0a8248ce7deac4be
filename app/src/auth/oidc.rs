//! Logins through the practice's identity provider (OpenID Connect): the logins under way, and
//! turning a verified identity into a user and a session. The protocol itself (discovery, PKCE,
//! the ID token's checks) is the server's part; this is what the database knows.
//!
//! People from the provider are known by issuer and subject. An existing local account is
//! linked to them only when the provider vouches for the e-mail address (`email_verified`).

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{SessionPolicy, accounts, secret, sessions};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Role, SessionUser},
};

/// How long a login may take at the provider before it has to start again.
const PENDING_MINUTES: i32 = 10;

/// A login sent to the provider, as the callback needs it back.
#[derive(Debug)]
pub struct PendingLogin {
    pub pkce_verifier: String,
    pub nonce: String,
    /// The page to go to afterwards.
    pub next: String,
}

/// Remembers a login sent to the provider under its `state`.
pub async fn begin(pool: &PgPool, state: &str, pending: &PendingLogin) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into oidc_logins (state_hash, pkce_verifier, nonce, next) values ($1, $2, $3, $4)",
        secret::digest(state),
        pending.pkce_verifier,
        pending.nonce,
        pending.next,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Takes the login begun under `state`, if it is recent; each one can be taken once.
pub async fn resume(pool: &PgPool, state: &str) -> sqlx::Result<Option<PendingLogin>> {
    sqlx::query_as!(
        PendingLogin,
        "delete from oidc_logins
         where state_hash = $1 and created_at > now() - make_interval(mins => $2)
         returning pkce_verifier, nonce, next",
        secret::digest(state),
        PENDING_MINUTES,
    )
    .fetch_optional(pool)
    .await
}

/// Removes logins that never came back; run now and then.
pub async fn purge_stale(pool: &PgPool) -> sqlx::Result<u64> {
    Ok(sqlx::query!(
        "delete from oidc_logins where created_at <= now() - make_interval(mins => $1)",
        PENDING_MINUTES,
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Who the provider says logged in, from a verified ID token.
#[derive(Clone, Debug)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    /// The role the provider's claims give; `None` when they give no access to Anrufe (neither
    /// the admin nor the agent value): the login is refused.
    pub role: Option<Role>,
}

/// Why a verified identity did not get a session.
#[derive(Debug, thiserror::Error)]
pub enum OidcLoginError {
    #[error("the provider gives this person no access to Anrufe")]
    NotEntitled,
    #[error("the account is deactivated")]
    Deactivated,
    #[error("the provider sent no e-mail address for a new user")]
    NoEmail,
    #[error("a local account has this e-mail address, and the provider did not verify it")]
    EmailTaken,
    #[error("the admin account with this address may be linked only once an admin allowed it")]
    AdminLinkUnconfirmed,
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// Finds or provisions the user for `identity` and starts a session; returns the user and the
/// session token for the cookie. Everything it changes is audited.
pub async fn login(
    pool: &PgPool,
    identity: &Identity,
    user_agent: &str,
    policy: SessionPolicy,
) -> Result<(SessionUser, String), OidcLoginError> {
    let mut tx = pool.begin().await?;
    let Some(role) = identity.role else {
        let diff = json!({ "method": "oidc", "reason": "not_entitled" });
        accounts::record_failure(tx, diff).await?;
        return Err(OidcLoginError::NotEntitled);
    };
    let user_id = match known(&mut tx, identity).await? {
        Some(id) => id,
        None => match link_or_add(&mut tx, identity, role).await {
            Ok(id) => id,
            Err(error) => {
                let reason = match &error {
                    OidcLoginError::NoEmail => "no_email",
                    OidcLoginError::EmailTaken => "email_taken",
                    OidcLoginError::AdminLinkUnconfirmed => "admin_link_unconfirmed",
                    _ => "error",
                };
                let diff = json!({ "method": "oidc", "reason": reason });
                accounts::record_failure(tx, diff).await?;
                return Err(error);
            }
        },
    };
    let account = sqlx::query!(
        r#"select name, email, role as "role: Role", is_active from users where id = $1 for update"#,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !account.is_active {
        let diff = json!({ "user_id": user_id, "method": "oidc", "reason": "deactivated" });
        accounts::record_failure(tx, diff).await?;
        return Err(OidcLoginError::Deactivated);
    }
    if role != account.role {
        let change = accounts::RoleChange {
            user_id,
            old: account.role,
            new: role,
        };
        accounts::write_role(&mut tx, Actor::System, change, Some("oidc_claim")).await?;
    }
    let token = sessions::create(&mut tx, user_id, user_agent, policy).await?;
    let diff = json!({ "method": "oidc" });
    audit::record(
        &mut tx,
        Actor::User(user_id),
        AuditAction::Login,
        None,
        diff,
    )
    .await?;
    tx.commit().await?;
    let user = SessionUser {
        id: user_id,
        name: account.name,
        email: account.email,
        role,
    };
    Ok((user, token))
}

async fn known(conn: &mut PgConnection, identity: &Identity) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        "select id from users where oidc_issuer = $1 and oidc_subject = $2",
        identity.issuer,
        identity.subject,
    )
    .fetch_optional(conn)
    .await
}

/// Links the identity to the local account with its (verified) address, or adds a user.
async fn link_or_add(
    conn: &mut PgConnection,
    identity: &Identity,
    role: Role,
) -> Result<i64, OidcLoginError> {
    let email = identity
        .email
        .as_deref()
        .map(|email| email.trim().to_lowercase())
        .filter(|email| email.contains('@'))
        .ok_or(OidcLoginError::NoEmail)?;
    let existing = sqlx::query!(
        r#"select id, oidc_subject is not null or is_service as "taken!",
                  role as "role: Role",
                  coalesce(oidc_link_allowed_until > now(), false) as "allowed!"
           from users where email = $1 for update"#,
        email
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(existing) = existing {
        if existing.taken || !identity.email_verified {
            return Err(OidcLoginError::EmailTaken);
        }
        if existing.role == Role::Admin && !existing.allowed {
            return Err(OidcLoginError::AdminLinkUnconfirmed);
        }
        sqlx::query!(
            "update users set oidc_issuer = $2, oidc_subject = $3, oidc_link_allowed_until = null
             where id = $1",
            existing.id,
            identity.issuer,
            identity.subject,
        )
        .execute(&mut *conn)
        .await?;
        let diff = json!({ "user_id": existing.id, "linked": "oidc" });
        audit::record(conn, Actor::System, AuditAction::UserChanged, None, diff).await?;
        return Ok(existing.id);
    }
    let name = identity
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or(&email)
        .chars()
        .take(200)
        .collect::<String>();
    let id = sqlx::query_scalar!(
        "insert into users (name, email, role, oidc_issuer, oidc_subject)
         values ($1, $2, $3, $4, $5) returning id",
        name,
        email,
        role as Role,
        identity.issuer,
        identity.subject,
    )
    .fetch_one(&mut *conn)
    .await?;
    let diff = json!({ "user_id": id, "role": role, "source": "oidc" });
    audit::record(conn, Actor::System, AuditAction::UserCreated, None, diff).await?;
    Ok(id)
}

/// How long an admin's leave to link an admin account to the provider lasts.
pub const LINK_ALLOWED_HOURS: i32 = 24;

/// Lets the next login through the provider with the address of the admin account `user_id`
/// link to it, within [`LINK_ALLOWED_HOURS`]; an admin's decision, audited. Returns until when.
pub async fn allow_link(
    pool: &PgPool,
    actor: Actor,
    user_id: i64,
) -> Result<chrono::DateTime<chrono::Utc>, accounts::AccountError> {
    let mut tx = pool.begin().await?;
    let until = sqlx::query_scalar!(
        "update users set oidc_link_allowed_until = now() + make_interval(hours => $2)
         where id = $1 returning oidc_link_allowed_until as \"until!\"",
        user_id,
        LINK_ALLOWED_HOURS,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(accounts::AccountError::NotFound(user_id))?;
    let diff = json!({ "user_id": user_id, "oidc_link_allowed_until": until });
    audit::record(&mut tx, actor, AuditAction::UserChanged, None, diff).await?;
    tx.commit().await?;
    Ok(until)
}

//! Local accounts: adding people, logging in and out, and what admins change about accounts.
//!
//! Failed logins count per account and client address; after [`LOCKOUT_AFTER`] in a row the
//! account is locked for that address for [`LOCKOUT_MINUTES`], so someone failing on purpose
//! cannot lock its owner out elsewhere. A locked account answers exactly like a wrong password.
//! Every login, failed login and logout is audited.

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use super::{SessionPolicy, password, sessions};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Invalid, Role, SessionUser, limits},
};

/// Failed logins in a row that lock an account.
pub const LOCKOUT_AFTER: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i32 = 15;

/// Why an account was not created or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{field}: {reason:?}")]
    Invalid {
        field: &'static str,
        reason: Invalid,
    },
    #[error("user {0} does not exist")]
    NotFound(i64),
    #[error("could not hash the password: {0}")]
    Hash(String),
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// Why a login did not succeed. Unknown accounts, wrong passwords, deactivated and locked
/// accounts look the same, so a login form does not tell which addresses have accounts or
/// which are locked.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("wrong e-mail address or password")]
    Rejected,
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// An account to add.
#[derive(Clone, Debug)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub login: NewLogin<'a>,
}

/// How a new account logs in.
#[derive(Clone, Copy, Debug)]
pub enum NewLogin<'a> {
    /// A person with a local password.
    Password(&'a str),
    /// A person who logs in through the practice's identity provider only.
    Provider,
    /// A service account: a program that never logs in and acts only through API tokens.
    Service,
}

/// Adds a user and returns the id. The e-mail address is stored in lower case.
pub async fn add_user(pool: &PgPool, actor: Actor, new: NewUser<'_>) -> Result<i64, AccountError> {
    let email = normalize_email(new.email)?;
    let name = new.name.trim();
    if !limits::ACCOUNT_NAME_CHARS.contains(&name.chars().count()) {
        return Err(invalid("name", Invalid::AccountNameLength));
    }
    if name.contains('\0') {
        return Err(invalid("name", Invalid::NulCharacter));
    }
    let password_hash = match new.login {
        NewLogin::Password(password) => {
            password::check_policy(password).map_err(|reason| invalid("password", reason))?;
            Some(hash_off_runtime(password.to_owned()).await?)
        }
        NewLogin::Provider | NewLogin::Service => None,
    };
    let is_service = matches!(new.login, NewLogin::Service);
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into users (name, email, role, password_hash, is_service)
         values ($1, $2, $3, $4, $5)
         on conflict on constraint users_email_key do nothing
         returning id",
        name,
        email,
        new.role as Role,
        password_hash,
        is_service,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| invalid("email", Invalid::EmailTaken))?;
    let diff = json!({ "user_id": id, "role": new.role, "service": is_service });
    audit::record(&mut tx, actor, AuditAction::UserCreated, None, diff).await?;
    tx.commit().await?;
    Ok(id)
}

/// Where a login comes from: the client's address, as the server determined it.
#[derive(Clone, Copy, Debug)]
pub struct LoginFrom<'a> {
    pub client: &'a str,
    pub user_agent: &'a str,
}

/// Checks a password and, when it matches an active account not locked for this client,
/// starts a session. Returns the user and the session token for the cookie.
pub async fn login(
    pool: &PgPool,
    email: &str,
    password: &str,
    from: LoginFrom<'_>,
    policy: SessionPolicy,
) -> Result<(SessionUser, String), LoginError> {
    // No stored address holds a control character (`normalize_email`); a NUL, which no text
    // column can hold, must not turn a wrong login into a server error.
    let email = email.trim().to_lowercase().replace('\0', "\u{fffd}");
    let account = sqlx::query!(
        r#"select u.id, u.name, u.email, u.role as "role: Role", u.password_hash, u.is_active,
                  f.locked_until > now() as locked
           from users u
           left join login_failures f on f.user_id = u.id and f.client = $2
           where u.email = $1"#,
        email,
        from.client,
    )
    .fetch_optional(pool)
    .await?;
    let stored = account
        .as_ref()
        .filter(|account| account.is_active)
        .and_then(|account| account.password_hash.clone());
    let attempt = password.to_owned();
    let matches =
        tokio::task::spawn_blocking(move || password::verify(&attempt, stored.as_deref()))
            .await
            .unwrap_or(false);

    let mut tx = pool.begin().await?;
    let Some(account) = account else {
        let diff = json!({ "reason": "unknown_account" });
        return refuse(tx, diff, LoginError::Rejected).await;
    };
    if account.locked == Some(true) {
        let diff = json!({ "user_id": account.id, "reason": "locked" });
        return refuse(tx, diff, LoginError::Rejected).await;
    }
    if !matches {
        let reason = if !account.is_active {
            "deactivated"
        } else if account.password_hash.is_none() {
            "no_password"
        } else {
            "wrong_password"
        };
        let locked = count_failure(&mut tx, account.id, from.client).await?;
        let diff = json!({ "user_id": account.id, "reason": reason, "locked": locked });
        return refuse(tx, diff, LoginError::Rejected).await;
    }
    sqlx::query!(
        "delete from login_failures where user_id = $1 and client = $2",
        account.id,
        from.client,
    )
    .execute(&mut *tx)
    .await?;
    let token = sessions::create(&mut tx, account.id, from.user_agent, policy).await?;
    let actor = Actor::User(account.id);
    audit::record(&mut tx, actor, AuditAction::Login, None, json!({})).await?;
    tx.commit().await?;
    let user = SessionUser {
        id: account.id,
        name: account.name,
        email: account.email,
        role: account.role,
    };
    Ok((user, token))
}

/// Records a failed login, commits, and answers with `error`.
async fn refuse<T>(
    tx: Transaction<'_, Postgres>,
    diff: Value,
    error: LoginError,
) -> Result<T, LoginError> {
    record_failure(tx, diff).await?;
    Err(error)
}

/// Records a failed login (local or through the identity provider) and commits, so the record
/// stays although the login does not happen.
pub(super) async fn record_failure(
    mut tx: Transaction<'_, Postgres>,
    diff: Value,
) -> sqlx::Result<()> {
    audit::record(
        &mut tx,
        Actor::Anonymous,
        AuditAction::LoginFailed,
        None,
        diff,
    )
    .await?;
    tx.commit().await
}

/// Counts a failed login of the account from `client`; returns whether it locked the
/// account for that client.
async fn count_failure(conn: &mut PgConnection, user_id: i64, client: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"insert into login_failures as f (user_id, client, failures, locked_until)
           values ($1, $2, 1, case when 1 >= $3 then now() + make_interval(mins => $4) end)
           on conflict on constraint login_failures_pkey do update
           set failures = case when f.failures + 1 >= $3 then 0 else f.failures + 1 end,
               locked_until = case when f.failures + 1 >= $3
                                   then now() + make_interval(mins => $4) else f.locked_until end,
               last_failed_at = now()
           returning coalesce(locked_until > now(), false) as "locked!""#,
        user_id,
        client,
        LOCKOUT_AFTER,
        LOCKOUT_MINUTES,
    )
    .fetch_one(conn)
    .await
}

/// Ends the session behind `token` (logout).
pub async fn logout(pool: &PgPool, token: &str) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    if let Some(user_id) = sessions::end(&mut tx, token).await? {
        let actor = Actor::User(user_id);
        audit::record(&mut tx, actor, AuditAction::Logout, None, json!({})).await?;
    }
    tx.commit().await
}

/// Ends every session of a user at once, e.g. after a lost device.
pub async fn end_sessions(pool: &PgPool, actor: Actor, user_id: i64) -> Result<u64, AccountError> {
    let mut tx = pool.begin().await?;
    exists(&mut tx, user_id).await?;
    let ended = sessions::end_all(&mut tx, user_id).await?;
    let diff = json!({ "user_id": user_id, "sessions": ended });
    audit::record(&mut tx, actor, AuditAction::SessionsEnded, None, diff).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Activates or deactivates a user. Deactivating ends the user's sessions at once, and their
/// API tokens stop working; the last active admin cannot be deactivated.
pub async fn set_active(
    pool: &PgPool,
    actor: Actor,
    user_id: i64,
    active: bool,
) -> Result<(), AccountError> {
    let mut tx = pool.begin().await?;
    let (was_active, role) = exists(&mut tx, user_id).await?;
    if was_active == active {
        return Ok(());
    }
    if !active && role == Role::Admin {
        keep_an_admin(&mut tx, user_id).await?;
    }
    sqlx::query!(
        "update users set is_active = $2 where id = $1",
        user_id,
        active
    )
    .execute(&mut *tx)
    .await?;
    let ended = if active {
        0
    } else {
        sessions::end_all(&mut tx, user_id).await?
    };
    let diff = json!({
        "user_id": user_id,
        "is_active": { "old": was_active, "new": active },
        "sessions_ended": ended,
    });
    audit::record(&mut tx, actor, AuditAction::UserChanged, None, diff).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a user another role; the last active admin keeps theirs.
pub async fn set_role(
    pool: &PgPool,
    actor: Actor,
    user_id: i64,
    role: Role,
) -> Result<(), AccountError> {
    let mut tx = pool.begin().await?;
    let (_, old) = exists(&mut tx, user_id).await?;
    if old == role {
        return Ok(());
    }
    if old == Role::Admin {
        keep_an_admin(&mut tx, user_id).await?;
    }
    let change = RoleChange {
        user_id,
        old,
        new: role,
    };
    write_role(&mut tx, actor, change, None).await?;
    tx.commit().await?;
    Ok(())
}

/// A user's role as it was and as it becomes.
#[derive(Clone, Copy, Debug)]
pub struct RoleChange {
    pub user_id: i64,
    pub old: Role,
    pub new: Role,
}

/// Writes a role change with its audit row, inside the caller's transaction; `source` names
/// where it came from when not from an admin (e.g. `oidc_claim`). The caller has checked that
/// the change is allowed.
pub(super) async fn write_role(
    conn: &mut PgConnection,
    actor: Actor,
    change: RoleChange,
    source: Option<&str>,
) -> sqlx::Result<()> {
    let RoleChange { user_id, old, new } = change;
    sqlx::query!(
        "update users set role = $2 where id = $1",
        user_id,
        new as Role
    )
    .execute(&mut *conn)
    .await?;
    let mut diff = json!({ "user_id": user_id, "role": { "old": old, "new": new } });
    if let Some(source) = source {
        diff["source"] = json!(source);
    }
    audit::record(conn, actor, AuditAction::UserChanged, None, diff).await
}

/// Locks the user's row; returns whether they are active, and their role.
async fn exists(conn: &mut PgConnection, user_id: i64) -> Result<(bool, Role), AccountError> {
    sqlx::query!(
        r#"select is_active, role as "role: Role" from users where id = $1 for update"#,
        user_id
    )
    .fetch_optional(conn)
    .await?
    .map(|row| (row.is_active, row.role))
    .ok_or(AccountError::NotFound(user_id))
}

async fn keep_an_admin(conn: &mut PgConnection, leaving: i64) -> Result<(), AccountError> {
    let others = sqlx::query_scalar!(
        r#"select count(*) as "count!" from users
           where role = 'ADMIN' and is_active and id <> $1"#,
        leaving
    )
    .fetch_one(conn)
    .await?;
    if others == 0 {
        return Err(invalid("user", Invalid::LastAdmin));
    }
    Ok(())
}

fn normalize_email(email: &str) -> Result<String, AccountError> {
    let email = email.trim().to_lowercase();
    let well_formed = email.len() <= 254
        && !email.contains(|c: char| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if well_formed {
        Ok(email)
    } else {
        Err(invalid("email", Invalid::EmailInvalid))
    }
}

async fn hash_off_runtime(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|error| AccountError::Hash(error.to_string()))?
        .map_err(|error| AccountError::Hash(error.to_string()))
}

fn invalid(field: &'static str, reason: Invalid) -> AccountError {
    AccountError::Invalid { field, reason }
}

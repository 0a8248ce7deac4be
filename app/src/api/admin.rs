//! Server functions of the admin area: users and roles, sessions, API tokens, masking and the
//! audit log. Each one checks for the admin role itself, whatever the server's guard did.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    domain::{
        Account, AuditFilter, AuditLogPage, MaskingSettings, RetentionOverview, Role, SessionInfo,
        TokenInfo, TokenScope,
    },
};

/// Where the admin area begins.
pub const ADMIN_PATH: &str = "/admin";

/// The audit log as a download (CSV or JSON), served by the server directly.
pub const AUDIT_EXPORT_PATH: &str = "/admin/audit/export";

#[server(endpoint = "admin/accounts", input = Json)]
pub async fn accounts() -> Result<Vec<Account>, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    Ok(crate::db::users::accounts(&pool).await?)
}

/// Adds a local account; the admin passes the first password on in person.
#[server(endpoint = "admin/add_user")]
pub async fn add_user(
    name: String,
    email: String,
    role: Role,
    password: String,
) -> Result<i64, AppError> {
    use crate::auth::accounts::{self, NewLogin, NewUser};

    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    let new = NewUser {
        email: &email,
        name: &name,
        role,
        login: NewLogin::Password(&password),
    };
    super::answer(accounts::add_user(&pool, actor, new).await)
}

#[server(endpoint = "admin/set_role", input = Json)]
pub async fn set_role(user_id: i64, role: Role) -> Result<(), AppError> {
    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::auth::accounts::set_role(&pool, actor, user_id, role).await)
}

/// Activates or deactivates an account; deactivating ends its sessions at once.
#[server(endpoint = "admin/set_active", input = Json)]
pub async fn set_active(user_id: i64, active: bool) -> Result<(), AppError> {
    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::auth::accounts::set_active(&pool, actor, user_id, active).await)
}

/// Lets the admin account `user_id` be linked to the practice's identity provider at its next
/// login there, within a day.
#[server(endpoint = "admin/allow_oidc_link", input = Json)]
pub async fn allow_oidc_link(user_id: i64) -> Result<(), AppError> {
    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    let allowed = crate::auth::oidc::allow_link(&pool, actor, user_id).await;
    super::answer(allowed.map(|_| ()))
}

/// Ends every session of a user; returns how many there were.
#[server(endpoint = "admin/end_sessions", input = Json)]
pub async fn end_sessions(user_id: i64) -> Result<u64, AppError> {
    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::auth::accounts::end_sessions(&pool, actor, user_id).await)
}

#[server(endpoint = "admin/sessions", input = Json)]
pub async fn sessions() -> Result<Vec<SessionInfo>, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    let settings = super::auth::session_settings()?;
    Ok(crate::auth::sessions::list(&pool, settings.policy).await?)
}

#[server(endpoint = "admin/tokens", input = Json)]
pub async fn tokens() -> Result<Vec<TokenInfo>, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    Ok(crate::auth::tokens::list(&pool).await?)
}

/// Creates an API token acting as the admin themselves or as the service account `user_id`,
/// and returns its secret, which is shown only now.
#[server(endpoint = "admin/create_token")]
pub async fn create_token(
    user_id: i64,
    scope: TokenScope,
    name: String,
) -> Result<String, AppError> {
    use crate::auth::tokens::{self, TokenRequest};

    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    let request = TokenRequest {
        user_id,
        scope,
        name: &name,
    };
    let token = tokens::create(&pool, actor, request).await;
    super::answer(token.map(|token| token.secret))
}

/// Revokes a token; revoking it twice is fine.
#[server(endpoint = "admin/revoke_token", input = Json)]
pub async fn revoke_token(token_id: i64) -> Result<(), AppError> {
    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    crate::auth::tokens::revoke(&pool, actor, token_id).await?;
    Ok(())
}

/// What agents see of callers' personal data, and how often one may reveal it.
#[server(endpoint = "admin/masking", input = Json)]
pub async fn masking() -> Result<MaskingSettings, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    Ok(crate::masking::settings(&pool).await?)
}

#[server(endpoint = "admin/set_masking", input = Json)]
pub async fn set_masking(settings: MaskingSettings) -> Result<(), AppError> {
    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::masking::set_settings(&pool, actor, settings).await)
}

/// A page of the audit log, newest first; `before` continues from an earlier page.
#[server(endpoint = "admin/audit_log", input = Json)]
pub async fn audit_log(filter: AuditFilter, before: Option<i64>) -> Result<AuditLogPage, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    let now = chrono::Utc::now();
    Ok(crate::audit::log_page(&pool, &filter, before, now).await?)
}

/// The retention period, the purge's last runs and what is past the period now.
#[server(endpoint = "admin/retention", input = Json)]
pub async fn retention() -> Result<RetentionOverview, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    let next_run =
        use_context::<crate::retention::PurgeTime>().map(|at| at.next_after(chrono::Utc::now()));
    Ok(crate::retention::overview::overview(&pool, next_run).await?)
}

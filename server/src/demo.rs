//! Demo mode's people: an admin and an agent who can log in, and a team to assign calls to.
//! Their passwords are public, so demo mode runs only on this machine (a loopback address,
//! without TLS), and the first start without demo mode retires the demo logins.

use std::net::SocketAddr;

use anyhow::bail;
use app::{
    audit::{self, Actor},
    auth::accounts::{self, NewLogin, NewUser},
    domain::{AuditAction, Role},
};
use serde_json::json;
use sqlx::PgPool;

/// The demo logins. The passwords are public (README); demo mode is for trying Anrufe out on
/// one's own machine, never for real calls.
pub const ACCOUNTS: [(&str, &str, Role, &str); 2] = [
    (
        "admin@praxis.example",
        "Praxis-Admin (Demo)",
        Role::Admin,
        "anrufe-demo-admin",
    ),
    (
        "empfang@praxis.example",
        "Empfang (Demo)",
        Role::Agent,
        "anrufe-demo-empfang",
    ),
];

/// Refuses demo mode unless the server listens on a loopback address and is not published
/// under an https `PUBLIC_URL`: its passwords are public.
pub fn check_allowed(addr: SocketAddr, public_url: Option<&url::Url>) -> anyhow::Result<()> {
    if !addr.ip().is_loopback() {
        bail!(
            "demo mode (DEMO_CALLS) has public passwords and serves only on a loopback address such as 127.0.0.1:3000, not on {addr}; start without DEMO_CALLS to serve others"
        );
    }
    if let Some(url) = public_url.filter(|url| url.scheme() != "http") {
        bail!(
            "demo mode (DEMO_CALLS) has public passwords and runs without TLS only, but PUBLIC_URL is {url}; start without DEMO_CALLS to serve others"
        );
    }
    Ok(())
}

/// Without demo mode: takes the password of each demo login that still has one and
/// deactivates it (the last active admin stays active, without a password, until the practice
/// has its own). Audited; returns how many were retired.
pub async fn retire_accounts(pool: &PgPool) -> anyhow::Result<usize> {
    let emails: Vec<String> = ACCOUNTS
        .iter()
        .map(|(email, ..)| (*email).to_owned())
        .collect();
    let mut tx = pool.begin().await?;
    let retired = sqlx::query_scalar!(
        "update users set password_hash = null
         where email = any($1) and password_hash is not null returning id",
        &emails,
    )
    .fetch_all(&mut *tx)
    .await?;
    for user_id in &retired {
        let diff =
            json!({ "user_id": user_id, "password": "removed", "reason": "demo_login_retired" });
        audit::record(&mut tx, Actor::System, AuditAction::UserChanged, None, diff).await?;
    }
    tx.commit().await?;
    for user_id in &retired {
        if let Err(error) = accounts::set_active(pool, Actor::System, *user_id, false).await {
            tracing::warn!(user_id, %error, "a retired demo login stays active without a password");
        }
    }
    Ok(retired.len())
}

/// Adds whoever of the demo people is missing and prints how to log in.
pub async fn create_accounts(pool: &PgPool) -> anyhow::Result<()> {
    app::db::users::create_demo_team(pool).await?;
    for (email, name, role, password) in ACCOUNTS {
        let exists = sqlx::query_scalar!("select id from users where email = $1", email)
            .fetch_optional(pool)
            .await?
            .is_some();
        if !exists {
            let new = NewUser {
                email,
                name,
                role,
                login: NewLogin::Password(password),
            };
            accounts::add_user(pool, Actor::System, new).await?;
        }
    }
    show_logins();
    Ok(())
}

#[allow(
    clippy::print_stdout,
    reason = "demo mode shows its public demo logins to the person who started it"
)]
fn show_logins() {
    println!("Demo logins (demo mode only):");
    for (email, _, role, password) in ACCOUNTS {
        println!("  {role:<5}  {email}  /  {password}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_mode_runs_only_on_this_machine_without_tls() {
        let local: SocketAddr = "127.0.0.1:3000".parse().expect("address");
        let everyone: SocketAddr = "0.0.0.0:3000".parse().expect("address");
        let https = url::Url::parse("https://anrufe.praxis.example").expect("url");
        let http = url::Url::parse("http://127.0.0.1:3000").expect("url");
        assert!(check_allowed(local, None).is_ok());
        assert!(check_allowed(local, Some(&http)).is_ok());
        assert!(check_allowed("[::1]:3000".parse().expect("address"), None).is_ok());
        let refused = check_allowed(everyone, None).expect_err("not on every address");
        assert!(refused.to_string().contains("0.0.0.0:3000"), "{refused}");
        assert!(check_allowed(local, Some(&https)).is_err());
    }
}

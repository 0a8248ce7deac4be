//! Demo mode's people: an admin and an agent who can log in, and a team to assign calls to.

use app::{
    audit::Actor,
    auth::accounts::{self, NewUser},
    domain::Role,
};
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
                password: Some(password),
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

//! The administration commands (`server user add`, `server token add`, `server audit verify`).
//! They print for people, on standard output; errors go to standard error with the exit code.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use app::{
    audit::{self, Actor},
    auth::{
        AccountError,
        accounts::{self, NewUser},
        tokens,
    },
};
use sqlx::PgPool;

use crate::config::{AuditCommand, Command, TokenCommand, UserCommand};

/// Runs one command; `Ok(false)` means it ran but found a problem (exit code 1).
pub async fn run(pool: &PgPool, command: Command) -> anyhow::Result<bool> {
    match command {
        Command::User(UserCommand::Add { email, name, role }) => {
            let password = read_password()?;
            let new = NewUser {
                email: &email,
                name: &name,
                role,
                password: Some(&password),
            };
            let id = accounts::add_user(pool, Actor::System, new)
                .await
                .map_err(explain)?;
            say(&format!("Added {role} {email} (user {id})."));
            Ok(true)
        }
        Command::Token(TokenCommand::Add { user, name }) => {
            let email = user.trim().to_lowercase();
            let user_id =
                sqlx::query_scalar!("select id from users where email = $1 and is_active", email)
                    .fetch_optional(pool)
                    .await?
                    .with_context(|| format!("there is no active user {email}"))?;
            let token = tokens::create(pool, Actor::System, user_id, &name).await?;
            say(&format!(
                "Token {} for {email} (shown only now; keep it secret):\n{}",
                token.id, token.secret
            ));
            Ok(true)
        }
        Command::Audit(AuditCommand::Verify) => {
            let verification = audit::verify(pool).await?;
            match verification.broken {
                None => {
                    say(&format!(
                        "The audit trail is intact: {} rows checked ({} with erased diffs).",
                        verification.rows, verification.erased
                    ));
                    Ok(true)
                }
                Some(broken) => {
                    say(&format!(
                        "The audit trail is broken at position {} (row id {}): {}. The {} rows before it are intact.",
                        broken.chain_position, broken.id, broken.reason, verification.rows
                    ));
                    Ok(false)
                }
            }
        }
    }
}

/// The password: typed without echo at a terminal, otherwise the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Password (at least 12 characters): ")
            .context("could not read the password");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

fn explain(error: AccountError) -> anyhow::Error {
    match error {
        AccountError::Invalid { field, message } => anyhow::anyhow!("{field}: {message}"),
        other => other.into(),
    }
}

#[allow(
    clippy::print_stdout,
    reason = "the commands answer people on standard output"
)]
fn say(text: &str) {
    println!("{text}");
}

//! The administration commands (`server migrate`, `server user add`, `server token add`, `server audit verify`,
//! `server audit anchor`, `server retention run`, `server dsgvo …`, `server keys …`,
//! `server backup …`).
//! They print for people, on standard output; errors go to standard error with the exit code.

pub mod backup;
mod dsgvo;
mod keys;
mod retention;

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use app::{
    audit::{self, Actor},
    auth::{
        AccountError,
        accounts::{self, NewLogin, NewUser},
        tokens,
    },
};
use sqlx::PgPool;

use crate::{
    anchors::Anchors,
    config::{
        AuditCommand, Command, Config, DataConfig, RetentionCommand, TokenCommand, UserCommand,
    },
};

/// Runs one command; `Ok(false)` means it ran but found a problem (exit code 1).
pub async fn run(pool: &PgPool, config: &Config, command: Command) -> anyhow::Result<bool> {
    let data = &config.data;
    match command {
        Command::Migrate => {
            say("The schema is current and DATABASE_URL connects with the runtime's rights.");
            Ok(true)
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            service,
        }) => {
            let password = if service {
                None
            } else {
                Some(read_password()?)
            };
            let new = NewUser {
                email: &email,
                name: &name,
                role,
                login: password
                    .as_deref()
                    .map_or(NewLogin::Service, NewLogin::Password),
            };
            let id = accounts::add_user(pool, Actor::System, new)
                .await
                .map_err(explain)?;
            let kind = if service { "service account" } else { "user" };
            say(&format!("Added {role} {kind} {email} (user {id})."));
            Ok(true)
        }
        Command::Token(TokenCommand::Add { user, name, scope }) => {
            let email = user.trim().to_lowercase();
            let user_id =
                sqlx::query_scalar!("select id from users where email = $1 and is_active", email)
                    .fetch_optional(pool)
                    .await?
                    .with_context(|| format!("there is no active user {email}"))?;
            let request = tokens::TokenRequest {
                user_id,
                scope,
                name: &name,
            };
            let token = tokens::create(pool, Actor::System, request)
                .await
                .map_err(explain)?;
            say(&format!(
                "Token {} for {email}, valid until {} (shown only now; keep it secret):\n{}",
                token.id,
                token.expires_at.format("%Y-%m-%d %H:%M UTC"),
                token.secret
            ));
            Ok(true)
        }
        Command::Audit(AuditCommand::Verify) => verify(pool, data).await,
        Command::Audit(AuditCommand::Anchor) => {
            let anchors = Anchors::open_or_create(data)?;
            match anchors.anchor(pool).await? {
                Some(anchor) => say(&format!(
                    "Anchored position {} ({}) in {}.",
                    anchor.position,
                    anchor.hash,
                    anchors.file().display()
                )),
                None => say("Nothing new to anchor: the newest anchor names the chain's head."),
            }
            Ok(true)
        }
        Command::Retention(RetentionCommand::Run {
            dry_run,
            import_dir,
        }) => retention::purge(pool, dry_run, import_dir).await,
        Command::Dsgvo(command) => dsgvo::run(pool, data, command).await,
        Command::Keys(command) => keys::run(pool, data, command).await,
        Command::Backup(command) => backup::run(pool, config, &command).await,
    }
}

/// Checks the chain, then the chain against its anchors; says what it found.
async fn verify(pool: &PgPool, config: &DataConfig) -> anyhow::Result<bool> {
    let verification = audit::verify(pool).await?;
    if let Some(broken) = verification.broken {
        say(&format!(
            "The audit trail is broken at position {} (row id {}): {}. The {} rows before it are intact.",
            broken.chain_position, broken.id, broken.reason, verification.rows
        ));
        return Ok(false);
    }
    let chain = format!(
        "{} rows checked ({} with erased diffs)",
        verification.rows, verification.erased
    );
    let Some(anchors) = Anchors::open(config)? else {
        say(&format!(
            "The audit chain holds: {chain}. There are no anchors in {} yet, so rows removed from its end or a recomputed chain would not show.",
            config.anchor_file().display()
        ));
        return Ok(true);
    };
    let check = anchors.check(pool).await?;
    match check.problem {
        None => {
            say(&format!(
                "The audit trail is intact: {chain}; {} anchors match ({} older than the retention period).",
                check.matched, check.pruned
            ));
            Ok(true)
        }
        Some(problem) => {
            say(&format!(
                "The audit trail does not match its anchors: {problem}. The chain itself holds ({chain}); {} anchors before this one match.",
                check.matched
            ));
            Ok(false)
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
        AccountError::Invalid { field, reason } => {
            anyhow::anyhow!("{field}: {}", app::AppError::invalid(field, reason))
        }
        other => other.into(),
    }
}

#[allow(
    clippy::print_stdout,
    reason = "the commands answer people on standard output"
)]
pub(super) fn say(text: &str) {
    println!("{text}");
}

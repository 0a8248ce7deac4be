//! Database access: plain async functions on a pool, compile-checked against the schema.

pub mod calls;
pub mod deletion;
pub mod detail;
pub mod users;

use crate::domain::{CallId, Retention};
use serde_json::json;
use sqlx::{
    PgConnection, PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

/// The channel on which every committed change to calls is announced, by the importer (one
/// notification per batch) and by the service layer (one per change). Payloads hold ids or
/// counts, never personal data.
pub const NOTIFY_CHANNEL: &str = "calls_changed";

/// The schema migrations in `migrations/`; [`migrate`] applies them as the owner role.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The role the server and the importer connect as (README, "Database roles").
pub const RUNTIME_ROLE: &str = "anrufe_app";

/// Why the database could not be made ready at start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not connect to PostgreSQL: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "could not read which migrations the database has ({0}); a database made before the \
         database roles needs `server migrate` as its owner first"
    )]
    Unreadable(#[source] sqlx::Error),
    #[error(
        "the database schema lacks {0} migration(s): run `server migrate` with \
         MIGRATION_DATABASE_URL (the owner role), or start the server with it set"
    )]
    Behind(usize),
    #[error(
        "DATABASE_URL connects as {0}, which may change or delete audit rows; connect as \
         the runtime role {RUNTIME_ROLE} (README, \"Database roles\")"
    )]
    Privileged(String),
}

/// Applies pending migrations through `owner_url`, a connection as the owner role, and closes
/// it again.
pub async fn migrate(owner_url: &str) -> Result<(), StartError> {
    // Without PostgreSQL's notices of what already exists, which sqlx would log at every start.
    let options = owner_url
        .parse::<PgConnectOptions>()
        .map_err(StartError::Connect)?
        .options([("client_min_messages", "warning")]);
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(StartError::Connect)?;
    MIGRATOR.run(&pool).await?;
    pool.close().await;
    Ok(())
}

/// Opens a pool of at most `max_connections` as the server and the importer use it, each
/// connection with the practice's `retention` (see [`with_retention`]). Refuses a schema with
/// pending migrations, and a role that could rewrite the audit trail (a superuser, the tables'
/// owner, or any role granted more than insert and select on it).
pub async fn connect(
    url: &str,
    max_connections: u32,
    retention: Retention,
) -> Result<PgPool, StartError> {
    let options = url
        .parse::<PgConnectOptions>()
        .map_err(StartError::Connect)?;
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .connect_with(with_retention(options, retention))
        .await
        .map_err(StartError::Connect)?;
    let behind = pending_migrations(&pool)
        .await
        .map_err(StartError::Unreadable)?;
    if behind > 0 {
        return Err(StartError::Behind(behind));
    }
    let (role, privileged): (String, bool) = sqlx::query_as(
        "select current_user::text, \
                has_table_privilege('actions_audit', 'update, delete, truncate, trigger')",
    )
    .fetch_one(&pool)
    .await
    .map_err(StartError::Connect)?;
    if privileged {
        return Err(StartError::Privileged(role));
    }
    Ok(pool)
}

/// `options` with the retention period set for the session (`anrufe.retention_days`), which
/// `call_retention_cutoff()` reads: every read of calls and the purge use that cutoff.
pub fn with_retention(options: PgConnectOptions, retention: Retention) -> PgConnectOptions {
    options.options([("anrufe.retention_days", retention.days().to_string())])
}

/// How many migrations of this version the database lacks (all in one never migrated).
/// Migrations of a newer version, applied by an instance upgraded first, do not count.
pub async fn pending_migrations(pool: &PgPool) -> Result<usize, sqlx::Error> {
    let migrated: bool = sqlx::query_scalar("select to_regclass('_sqlx_migrations') is not null")
        .fetch_one(pool)
        .await?;
    let applied: Vec<i64> = if migrated {
        sqlx::query_scalar("select version from _sqlx_migrations where success")
            .fetch_all(pool)
            .await?
    } else {
        Vec::new()
    };
    Ok(MIGRATOR
        .iter()
        .filter(|migration| !applied.contains(&migration.version))
        .count())
}

/// Tells the live tables which calls changed; delivered at commit. Ids only, and only a
/// count for very large changes, which would not fit PostgreSQL's 8000-byte payload.
pub async fn notify_changed(tx: &mut PgConnection, call_ids: &[CallId]) -> sqlx::Result<()> {
    const MAX_IDS: usize = 500;
    if call_ids.is_empty() {
        return Ok(());
    }
    let payload = if call_ids.len() <= MAX_IDS {
        json!({ "changed": call_ids })
    } else {
        json!({ "updated": call_ids.len() })
    }
    .to_string();
    sqlx::query!("select pg_notify($1, $2)", NOTIFY_CHANNEL, payload)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

//! Database access: plain async functions on a pool, compile-checked against the schema.

pub mod calls;
pub mod detail;
pub mod users;

use sqlx::{PgPool, postgres::PgPoolOptions};

/// The channel on which every committed change to calls is announced, by the importer (one
/// notification per batch) and by the service layer (one per change). Payloads hold ids or
/// counts, never personal data.
pub const NOTIFY_CHANNEL: &str = "calls_changed";

/// The schema migrations in `migrations/`; [`connect`] applies them.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Why the database could not be made ready at start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not connect to PostgreSQL (check DATABASE_URL): {0}")]
    Connect(#[source] sqlx::Error),
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens a pool of at most `max_connections` and applies pending migrations, as both the
/// server and the importer do at start.
pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, StartError> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .connect(url)
        .await
        .map_err(StartError::Connect)?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

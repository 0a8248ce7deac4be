//! Database access: plain async functions on a pool, compile-checked against the schema.

pub mod calls;

/// The schema migrations in `migrations/`; the server and the importer apply them at start.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

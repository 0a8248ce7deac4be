//! The importer: `reader` (files, offsets, complete lines) → `validate` (pure: a line becomes
//! an event or a rejection) → `store` (one transaction per batch: calls, dead letters, file
//! offset and one NOTIFY). A bad line is data, not an error; an error means the pipeline
//! itself failed (I/O, database).

pub mod demo;
mod heartbeat;
pub mod metrics;
mod reader;
pub mod replay;
mod store;
mod summary;
pub mod validate;
mod watch;

pub use app::domain::is_call_file;
pub use heartbeat::Heartbeat;
pub use reader::{CONNECTIONS, Importer};
pub use store::BatchCounts;
pub use summary::Summary;

/// The PostgreSQL channel that receives one notification per committed batch.
pub use app::db::NOTIFY_CHANNEL;

/// What can stop an import run. Rejected lines are not errors: they become dead letters.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("could not read {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("the source policy cannot be used: {0}")]
    Policy(#[from] app::compliance::ComplianceError),
    #[error("a stored line cannot be opened: {0}")]
    Seal(#[from] app::at_rest::SealError),
    #[error("the task committing a batch failed: {0}")]
    CommitTask(#[from] tokio::task::JoinError),
}

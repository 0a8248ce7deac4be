//! Backups that can be restored: PostgreSQL's own `pg_dump` custom format (compressed),
//! encrypted with age to public keys, so the server cannot read its own backups; a checksum
//! next to each file; backups past the retention period deleted (seed §15.4: old personal data
//! must not come back through a backup). A restore goes into an empty database only, checks the
//! whole file before it writes anything, and then at once applies the purge and every erasure
//! made after the backup; the restore drill proves a backup can be read back.

mod archive;
mod create;
mod drill;
mod keys;
mod manifest;
mod pg;
mod restore;
pub mod status;

use std::path::PathBuf;

pub use archive::{BackupFile, prune};
pub use create::{Created, create};
pub use drill::{Drill, drill};
pub use keys::{Identity, Recipients, generate_identity};
pub use manifest::{AuditHead, Manifest};
pub use pg::PgTools;
pub use restore::{Restore, restore};

use crate::{db::StartError, dsgvo::tombstones::TombstoneFileError, retention::PurgeError};

/// Why a backup, restore or drill did not happen; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "could not run {tool}: {source}; install PostgreSQL's client programs or name their \
         directory in PG_BIN_DIR"
    )]
    Tool {
        tool: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{tool} failed ({status}): {message}")]
    ToolFailed {
        tool: &'static str,
        status: std::process::ExitStatus,
        message: String,
    },
    #[error(
        "{} does not match its checksum in {}: it is damaged or incomplete; nothing was written",
        file.display(),
        archive::checksum_path(file).display()
    )]
    Checksum { file: PathBuf },
    #[error("{} is not an Anrufe backup ({why}); nothing was written", file.display())]
    NotABackup { file: PathBuf, why: String },
    #[error(
        "the identity does not open {}: the backup was encrypted to other recipients \
         (BACKUP_RECIPIENTS when it was made); nothing was written",
        file.display()
    )]
    WrongIdentity { file: PathBuf },
    #[error(
        "{} is damaged or incomplete ({detail}); nothing was written",
        file.display()
    )]
    Damaged { file: PathBuf, detail: String },
    #[error("{0}")]
    Keys(String),
    #[error(
        "the database to restore into is not empty ({0} tables or sequences): restore only into \
         an empty database, e.g. one made with `createdb -O anrufe_owner anrufe_restored`"
    )]
    NotEmpty(i64),
    #[error(
        "could not make a throwaway database for the drill ({0}): the role needs the right to \
         create databases (scripts/db/roles.sql gives it to anrufe_owner)"
    )]
    NoDrillDatabase(#[source] sqlx::Error),
    #[error("there is no backup in {} yet", .0.display())]
    NoBackup(PathBuf),
    #[error("the restored backup does not match its manifest: {}", .0.join("; "))]
    Mismatch(Vec<String>),
    #[error("the database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("after the restore: {0}")]
    Migrate(#[from] StartError),
    #[error("the purge after the restore: {0}")]
    Purge(#[from] PurgeError),
    #[error("the erasures after the restore: {0}")]
    Tombstones(#[from] TombstoneFileError),
    #[error("a background task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

impl BackupError {
    fn file(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| Self::File {
            path: path.to_path_buf(),
            source,
        }
    }
}

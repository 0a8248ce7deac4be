//! The backup settings (`app::backup` does the work; `jobs::backup` runs it nightly and the
//! restore drill weekly; `cli::backup` are the commands).

use std::path::PathBuf;

use app::{
    backup::{PgTools, Recipients},
    retention::PurgeTime,
};
use clap::Args;

use crate::{
    config::{Config, DatabaseUrl},
    jobs::backup::{Backups, Drill},
};

/// Encrypted backups: nightly into BACKUP_DIR, to the public keys in BACKUP_RECIPIENTS; kept
/// as long as calls (RETENTION_DAYS). README, "Backups".
#[derive(Args, Debug, Clone)]
pub struct BackupConfig {
    /// Directory the backups go to, one file a night (`anrufe-backup-<UTC time>.age` and its
    /// `.sha256`); best on other storage than the database. Without it the server makes none.
    #[arg(
        long,
        env = "BACKUP_DIR",
        requires = "backup_recipients",
        global = true
    )]
    pub backup_dir: Option<PathBuf>,
    /// The age public keys (age1…) backups are encrypted to, comma-separated: the server
    /// cannot read its own backups. Make a key pair with `server backup keygen`.
    #[arg(long, env = "BACKUP_RECIPIENTS", global = true)]
    pub backup_recipients: Option<Recipients>,
    /// Time of day (Europe/Berlin, HH:MM) of the nightly backup, after the purge. It also
    /// runs at start when the last backup is more than a day old.
    #[arg(long, env = "BACKUP_AT", default_value = "03:00", global = true)]
    pub backup_at: PurgeTime,
    /// An identity file that opens the backups, for the restore drill the nightly job runs
    /// once a week. Without it, run `server backup verify` where the identity is kept.
    #[arg(long, env = "BACKUP_DRILL_IDENTITY_FILE", global = true)]
    pub backup_drill_identity_file: Option<PathBuf>,
    /// Directory of PostgreSQL's pg_dump and pg_restore, at least as new as the database
    /// server (default: the PATH).
    #[arg(long, env = "PG_BIN_DIR", global = true)]
    pub pg_bin_dir: Option<PathBuf>,
}

impl BackupConfig {
    pub fn tools(&self) -> PgTools {
        PgTools {
            bin_dir: self.pg_bin_dir.clone(),
        }
    }
}

impl Config {
    /// The backup job's settings, when BACKUP_DIR and BACKUP_RECIPIENTS are set.
    pub fn backups(&self) -> Option<Backups> {
        Some(Backups {
            dir: self.backup.backup_dir.clone()?,
            recipients: self.backup.backup_recipients.clone()?,
            url: self.owner_url(),
            tools: self.backup.tools(),
            keep: self.retention_days,
        })
    }

    /// A drill of `file` (default: the newest in BACKUP_DIR) opened with `identity_file`.
    pub fn drill(&self, file: Option<PathBuf>, identity_file: PathBuf) -> Drill {
        Drill {
            dir: self.backup.backup_dir.clone().unwrap_or_default(),
            file,
            identity_file,
            url: self.owner_url(),
            tools: self.backup.tools(),
        }
    }

    /// The role backups read as and drills make their database as: the owner, where given.
    fn owner_url(&self) -> DatabaseUrl {
        self.migration_database_url
            .clone()
            .unwrap_or_else(|| self.database_url.clone())
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum BackupCommand {
    /// Write a backup into BACKUP_DIR now and delete those past the retention period, as the
    /// nightly job does; recorded like its runs.
    Create,
    /// List the backups in BACKUP_DIR, oldest first.
    List,
    /// Restore a backup into an empty database, then at once delete what is past the retention
    /// period and erase again what was erased after the backup (ERASURE_FILE), and check the
    /// audit chain. The whole file is checked before anything is written.
    Restore {
        /// The backup file (`anrufe-backup-….age`; its `.sha256` next to it is checked too).
        file: PathBuf,
        /// The identity file that opens it (kept offline; see `server backup keygen`).
        #[arg(long)]
        identity: PathBuf,
        /// The empty database to restore into, as its owner role (e.g. made with
        /// `createdb -O anrufe_owner anrufe_restored`).
        #[arg(long, value_parser = database_url)]
        into: DatabaseUrl,
    },
    /// Restore drill: restore a backup (default: the newest in BACKUP_DIR) into a throwaway
    /// database next to MIGRATION_DATABASE_URL's, compare it with its manifest, report and
    /// drop it; recorded, and shown in the admin area. Exits with 1 when it does not match.
    Verify {
        /// The backup file; default the newest in BACKUP_DIR.
        file: Option<PathBuf>,
        /// The identity file that opens it.
        #[arg(long)]
        identity: PathBuf,
    },
    /// Make a key pair for the backups: writes the identity (secret; keep it offline, not on
    /// the server) to a new file and prints the public key for BACKUP_RECIPIENTS.
    Keygen {
        /// The file to write; never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
}

fn database_url(value: &str) -> Result<DatabaseUrl, String> {
    Ok(value.to_owned().into())
}

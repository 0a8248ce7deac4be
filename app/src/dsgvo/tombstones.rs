//! Tombstones: what stays of an erased call so that it never comes back, without personal
//! data. The key of a tombstone is a keyed hash (HMAC-SHA-256 under the erasure key, which
//! never enters the database) of the call's event id, or of the caller's number for an
//! erased caller; without the key, nobody can tell from a backup whose number it was.
//!
//! They live in the database (`erased_events`, `erased_callers`), where the importer checks
//! each line, and in an append-only file outside it (`DATA_DIR/erasures.jsonl`), from which
//! [`super::restore`] puts them back at start after an older backup was restored, and
//! erases the calls that came back with it ([`super::restore`]).

use std::{
    collections::HashSet,
    fmt,
    io::{BufRead, Write},
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::PgConnection;

use crate::auth::secret::{self, KeyFileError};

/// The key of the tombstones' hashes (ERASURE_KEY_FILE, default DATA_DIR/erasure.key).
#[derive(Clone)]
pub struct ErasureKey(Vec<u8>);

impl fmt::Debug for ErasureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ErasureKey(…)")
    }
}

impl ErasureKey {
    /// The key in `path`, made there (256 random bits, readable by the owner only) if the
    /// file does not exist yet: what the server does at start.
    pub fn open_or_create(path: &Path) -> Result<Self, KeyFileError> {
        if !path.exists() {
            secret::create_key_file(path)?;
        }
        Self::open(path)
    }

    /// The key in `path`, which must exist: what the importer on its own does.
    pub fn open(path: &Path) -> Result<Self, KeyFileError> {
        secret::read_key_file(path).map(Self)
    }

    /// A key of its own, for tests and benchmarks that erase nothing.
    pub fn random() -> Self {
        Self(hex::decode(secret::random_hex()).unwrap_or_default())
    }

    fn hash(&self, kind: &str, value: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("anrufe-erasure-v1|{kind}|{value}").as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The tombstone key of an event id.
    pub fn event(&self, event_id: &str) -> Vec<u8> {
        self.hash("event", event_id)
    }

    /// The tombstone key of a number in E.164.
    pub fn number(&self, e164: &str) -> Vec<u8> {
        self.hash("number", e164)
    }
}

/// One tombstone, as a line of the file outside the database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    pub kind: TombstoneKind,
    #[serde(with = "hex::serde")]
    pub key: Vec<u8>,
    pub erased_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TombstoneKind {
    /// An erased call's event id.
    Event,
    /// An erased caller's number: their lines received up to `erased_at` are skipped.
    Caller,
}

/// Writes `stones` into the database, inside the erasure's transaction.
pub(super) async fn insert(conn: &mut PgConnection, stones: &[Tombstone]) -> sqlx::Result<()> {
    for stone in stones {
        match stone.kind {
            TombstoneKind::Event => {
                sqlx::query!(
                    "insert into erased_events (event_key, erased_at) values ($1, $2)
                     on conflict (event_key) do nothing",
                    stone.key,
                    stone.erased_at,
                )
                .execute(&mut *conn)
                .await?;
            }
            TombstoneKind::Caller => {
                sqlx::query!(
                    "insert into erased_callers (number_key, erased_at) values ($1, $2)
                     on conflict (number_key) do update
                     set erased_at = greatest(erased_callers.erased_at, excluded.erased_at)",
                    stone.key,
                    stone.erased_at,
                )
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

/// An event as the importer is about to store it: its id, number and time.
pub struct Incoming<'a> {
    pub event_id: &'a str,
    pub caller_number: Option<&'a str>,
    pub received_at: DateTime<Utc>,
}

/// Which of `events` (by index) are erased: their event id has a tombstone, or their number
/// has one from after they were received. Call inside the transaction that stores them, after
/// [`hold_off_erasures`].
pub async fn erased(
    conn: &mut PgConnection,
    key: &ErasureKey,
    events: &[Incoming<'_>],
) -> sqlx::Result<HashSet<usize>> {
    let event_keys: Vec<Vec<u8>> = events.iter().map(|e| key.event(e.event_id)).collect();
    let number_keys: Vec<Vec<u8>> = events
        .iter()
        .map(|e| e.caller_number.map(|n| key.number(n)).unwrap_or_default())
        .collect();
    let erased_events: HashSet<Vec<u8>> = sqlx::query_scalar!(
        "select event_key from erased_events where event_key = any($1)",
        &event_keys
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let erased_callers: Vec<(Vec<u8>, DateTime<Utc>)> = sqlx::query!(
        "select number_key, erased_at from erased_callers where number_key = any($1)",
        &number_keys
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| (row.number_key, row.erased_at))
    .collect();
    Ok(events
        .iter()
        .enumerate()
        .filter(|(i, event)| {
            erased_events.contains(&event_keys[*i])
                || erased_callers
                    .iter()
                    .any(|(k, at)| *k == number_keys[*i] && event.received_at <= *at)
        })
        .map(|(i, _)| i)
        .collect())
}

/// Makes an erasure that starts now wait until this transaction (which stores calls) ends,
/// and this transaction wait for an erasure under way: so a batch either sees the tombstones
/// or its calls exist when the erasure looks for them.
pub async fn hold_off_erasures(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock_shared(hashtext('anrufe-erasure'))")
        .execute(conn)
        .await?;
    Ok(())
}

/// The erasure's side of [`hold_off_erasures`].
pub(super) async fn exclude_imports(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("select pg_advisory_xact_lock(hashtext('anrufe-erasure'))")
        .execute(conn)
        .await?;
    Ok(())
}

/// The tombstones and the file outside the database that keeps them.
#[derive(Clone, Debug)]
pub struct Tombstones {
    pub key: ErasureKey,
    pub file: PathBuf,
}

/// Why the tombstone file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TombstoneFileError {
    #[error("could not read or write the tombstone file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("line {line} of the tombstone file {path} is not a tombstone")]
    Malformed { path: PathBuf, line: usize },
    #[error("the database could not be reached: {0}")]
    Database(#[from] sqlx::Error),
}

impl Tombstones {
    fn io(&self) -> impl Fn(std::io::Error) -> TombstoneFileError + '_ {
        |source| TombstoneFileError::Io {
            path: self.file.clone(),
            source,
        }
    }

    /// Appends `stones` to the file and flushes it to disk.
    pub fn append(&self, stones: &[Tombstone]) -> Result<(), TombstoneFileError> {
        if let Some(dir) = self.file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(self.io())?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.file).map_err(self.io())?;
        for stone in stones {
            let line = serde_json::to_string(stone).expect("a tombstone serialises");
            writeln!(file, "{line}").map_err(self.io())?;
        }
        file.sync_all().map_err(self.io())
    }

    /// The tombstones in the file (none when it does not exist yet).
    pub fn read(&self) -> Result<Vec<Tombstone>, TombstoneFileError> {
        let file = match std::fs::File::open(&self.file) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(self.io()(error)),
        };
        let mut stones = Vec::new();
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(self.io())?;
            if line.trim().is_empty() {
                continue;
            }
            let stone = serde_json::from_str(&line).map_err(|_| TombstoneFileError::Malformed {
                path: self.file.clone(),
                line: n + 1,
            })?;
            stones.push(stone);
        }
        Ok(stones)
    }
}

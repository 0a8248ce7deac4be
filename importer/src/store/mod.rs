//! Writes one batch in one transaction: new and changed calls, `edit` audit rows for the
//! changes, dead letters, the file's new offset and one NOTIFY. Either all of it commits
//! or none of it does, so a crash at any moment loses and repeats nothing.

mod calls;
mod dead_letters;

use app::{compliance, dsgvo::tombstones::ErasureKey};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

pub use calls::store_events;
use dead_letters::{DeadLetter, insert_dead_letters};

use crate::{
    ImportError, NOTIFY_CHANNEL,
    metrics::BatchReport,
    validate::{CallEvent, Policy, Rejection},
};

/// Where reading stopped: the byte after the last consumed line, and how many lines that is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub byte_offset: i64,
    pub line_number: i64,
}

/// What recognises a file across runs.
#[derive(Clone, Debug)]
pub struct FileIdentity {
    pub device: i64,
    pub inode: i64,
    pub fingerprint: Vec<u8>,
    pub fingerprint_len: i32,
    /// The first bytes of the file as it is now, to check a fingerprint taken when it was shorter.
    pub head: Vec<u8>,
}

impl FileIdentity {
    /// Whether `current` is the file this identity was taken from, possibly grown since.
    pub fn same_file(&self, current: &FileIdentity) -> bool {
        let len = self.fingerprint_len as usize;
        self.device == current.device
            && self.inode == current.inode
            && current.head.len() >= len
            && Sha256::digest(&current.head[..len]).as_slice() == self.fingerprint
    }
}

/// Lines waiting to be committed.
#[derive(Debug, Default)]
pub struct Batch {
    calls: Vec<CallEvent>,
    dead_letters: Vec<DeadLetter>,
    /// Lines consumed since the last commit, blank and expired ones included.
    pub lines: u64,
    pub expired: u64,
}

impl Batch {
    pub fn push_call(&mut self, event: CallEvent) {
        self.calls.push(event);
    }

    /// `at` is where the rejected `line` starts.
    pub fn push_dead_letter(&mut self, at: Position, rejection: Rejection, line: &[u8]) {
        self.dead_letters.push(DeadLetter::new(at, rejection, line));
    }

    pub fn len(&self) -> usize {
        self.calls.len() + self.dead_letters.len()
    }

    /// What the batch holds, for the metrics.
    pub fn report(&self) -> BatchReport {
        BatchReport {
            lines: self.lines,
            expired: self.expired,
            rejected: self
                .dead_letters
                .iter()
                .map(|d| d.rejection.reason)
                .collect(),
            newest_call: self.calls.iter().map(|c| c.received_at).max(),
        }
    }
}

/// What a committed batch did to the calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Events of erased calls, skipped.
    pub erased: u64,
}

/// The saved identity and position of a file, if it was read before.
pub async fn load_offset(
    pool: &PgPool,
    file_name: &str,
) -> sqlx::Result<Option<(FileIdentity, Position)>> {
    let row = sqlx::query!(
        "select device, inode, fingerprint, fingerprint_len, byte_offset, line_number
         from import_offsets where file_name = $1",
        file_name,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|row| {
        let identity = FileIdentity {
            device: row.device,
            inode: row.inode,
            fingerprint: row.fingerprint,
            fingerprint_len: row.fingerprint_len,
            head: Vec::new(),
        };
        (
            identity,
            Position {
                byte_offset: row.byte_offset,
                line_number: row.line_number,
            },
        )
    }))
}

/// How often a batch is tried when PostgreSQL ends its transaction to break a deadlock.
const ATTEMPTS: u32 = 3;

/// Commits `batch` and the file position after it in one transaction. Batches of files imported
/// side by side can lock the same calls in different orders (an event id both hold, the runs
/// of a repeat caller both refold); PostgreSQL then ends one of them with a deadlock, which
/// undoes all of it, and that one is tried again.
pub async fn commit_batch(
    pool: &PgPool,
    key: &ErasureKey,
    file_name: &str,
    identity: &FileIdentity,
    position: Position,
    batch: &Batch,
) -> sqlx::Result<BatchCounts> {
    let mut attempt = 1;
    loop {
        let tried = async {
            let mut tx = pool.begin().await?;
            let counts = store_events(&mut tx, key, &batch.calls).await?;
            insert_dead_letters(&mut tx, file_name, &batch.dead_letters).await?;
            save_offset(&mut tx, file_name, identity, position).await?;
            notify(&mut tx, counts).await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(counts)
        }
        .await;
        match tried {
            Err(error) if attempt < ATTEMPTS && is_deadlock(&error) => {
                tracing::warn!(
                    file_name,
                    attempt,
                    "a batch met a deadlock; trying it again"
                );
                attempt += 1;
            }
            done => return done,
        }
    }
}

fn is_deadlock(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|error| error.code())
        .is_some_and(|code| code == "40P01")
}

/// Where the next batch of `file_name` starts.
async fn save_offset(
    tx: &mut PgConnection,
    file_name: &str,
    identity: &FileIdentity,
    position: Position,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into import_offsets
             (file_name, device, inode, fingerprint, fingerprint_len, byte_offset, line_number)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (file_name) do update set
             device = excluded.device, inode = excluded.inode, fingerprint = excluded.fingerprint,
             fingerprint_len = excluded.fingerprint_len, byte_offset = excluded.byte_offset,
             line_number = excluded.line_number, updated_at = now()",
        file_name,
        identity.device,
        identity.inode,
        identity.fingerprint,
        identity.fingerprint_len,
        position.byte_offset,
        position.line_number,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// Queues the one notification of a transaction that changed calls; PostgreSQL delivers it
/// at commit. The payload holds counts only, never personal data.
pub async fn notify(tx: &mut PgConnection, counts: BatchCounts) -> sqlx::Result<()> {
    if counts.new + counts.updated > 0 {
        let payload = json!({ "new": counts.new, "updated": counts.updated }).to_string();
        sqlx::query!("select pg_notify($1, $2)", NOTIFY_CHANNEL, payload)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// What validation needs from the database: its time, the retention cutoff of the pool's
/// retention period, and the active source policy.
pub async fn policy(pool: &PgPool) -> Result<Policy, ImportError> {
    let times = sqlx::query!(r#"select now() as "now!", call_retention_cutoff() as "cutoff!""#)
        .fetch_one(pool)
        .await?;
    Ok(Policy {
        now: times.now,
        retention_cutoff: times.cutoff,
        compliance: compliance::store::active(pool).await?,
        rules: app::rules::store::active(pool).await?,
    })
}

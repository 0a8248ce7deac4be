//! Writes one batch in one transaction: new and changed calls, `edit` audit rows for the
//! changes, dead letters, the file's new offset and one NOTIFY. Either all of it commits
//! or none of it does, so a crash at any moment loses and repeats nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use crate::{
    NOTIFY_CHANNEL,
    metrics::BatchReport,
    validate::{CallEvent, Rejection},
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

/// How much of a rejected line is kept in its dead letter.
const DEAD_LETTER_RAW_BYTES: usize = 16 * 1024;

/// A rejected line as it will be kept.
#[derive(Debug)]
struct DeadLetter {
    at: Position,
    rejection: Rejection,
    raw: Vec<u8>,
    truncated: bool,
    /// Of the whole line as read, so that reading a file again stores no second copy.
    sha256: Vec<u8>,
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
        self.dead_letters.push(DeadLetter {
            at,
            rejection,
            raw: line[..line.len().min(DEAD_LETTER_RAW_BYTES)].to_vec(),
            truncated: line.len() > DEAD_LETTER_RAW_BYTES,
            sha256: Sha256::digest(line).to_vec(),
        });
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

/// Commits `batch` and the file position after it in one transaction.
pub async fn commit_batch(
    pool: &PgPool,
    file_name: &str,
    identity: &FileIdentity,
    position: Position,
    batch: Batch,
) -> sqlx::Result<BatchCounts> {
    let mut tx = pool.begin().await?;
    let counts = store_events(&mut tx, batch.calls).await?;
    insert_dead_letters(&mut tx, file_name, &batch.dead_letters).await?;
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
    .execute(&mut *tx)
    .await?;
    notify(&mut tx, counts).await?;
    tx.commit().await?;
    Ok(counts)
}

/// Inserts new events and applies changed ones, in order; identical ones change nothing.
pub async fn store_events(
    tx: &mut PgConnection,
    events: Vec<CallEvent>,
) -> sqlx::Result<BatchCounts> {
    let mut counts = BatchCounts::default();
    for run in runs_of_distinct_event_ids(events) {
        let run_counts = upsert_calls(tx, run).await?;
        counts.new += run_counts.new;
        counts.updated += run_counts.updated;
        counts.unchanged += run_counts.unchanged;
    }
    Ok(counts)
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

/// Splits events so that no run holds one `event_id` twice: a later line with the same id
/// then updates what the earlier one inserted, in file order.
fn runs_of_distinct_event_ids(events: Vec<CallEvent>) -> Vec<Vec<CallEvent>> {
    let mut runs: Vec<Vec<CallEvent>> = vec![Vec::new()];
    let mut seen = HashSet::new();
    for event in events {
        if !seen.insert(event.event_id.clone()) {
            seen.clear();
            seen.insert(event.event_id.clone());
            runs.push(Vec::new());
        }
        if let Some(run) = runs.last_mut() {
            run.push(event);
        }
    }
    runs
}

/// The stored data fields of a call, to compare and to audit an edit.
fn data_fields(event: &CallEvent) -> Value {
    json!({
        "received_at": event.received_at,
        "caller_number": event.caller_number,
        "caller_name": event.caller_name,
        "date_of_birth": event.date_of_birth,
        "topic": event.topic,
        "priority": event.priority.as_str(),
        "source": event.source,
    })
}

struct Existing {
    id: i64,
    content_hash: Vec<u8>,
    fields: Value,
}

async fn upsert_calls(tx: &mut PgConnection, events: Vec<CallEvent>) -> sqlx::Result<BatchCounts> {
    let ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
    let existing: HashMap<String, Existing> = sqlx::query!(
        r#"select id, event_id, content_hash, received_at, caller_number, caller_name,
                  date_of_birth, topic, priority::text as "priority!", source
           from calls where event_id = any($1) for update"#,
        &ids,
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|row| {
        let fields = json!({
            "received_at": row.received_at,
            "caller_number": row.caller_number,
            "caller_name": row.caller_name,
            "date_of_birth": row.date_of_birth,
            "topic": row.topic,
            "priority": row.priority,
            "source": row.source,
        });
        (
            row.event_id,
            Existing {
                id: row.id,
                content_hash: row.content_hash,
                fields,
            },
        )
    })
    .collect();

    let mut counts = BatchCounts::default();
    let mut fresh = Vec::new();
    let mut changed = Vec::new();
    for event in events {
        match existing.get(&event.event_id) {
            None => fresh.push(event),
            Some(old) if old.content_hash == event.content_hash => counts.unchanged += 1,
            Some(old) => changed.push((old, event)),
        }
    }
    counts.new = fresh.len() as u64;
    counts.updated = changed.len() as u64;
    write_calls(
        tx,
        fresh.iter().chain(changed.iter().map(|(_, event)| event)),
    )
    .await?;
    audit_edits(tx, &changed).await?;
    Ok(counts)
}

/// The columns of a set of events, one vector each, as `unnest` takes them.
#[derive(Default)]
struct Columns {
    event_id: Vec<String>,
    received_at: Vec<DateTime<Utc>>,
    caller_number: Vec<Option<String>>,
    caller_name: Vec<Option<String>>,
    date_of_birth: Vec<Option<NaiveDate>>,
    topic: Vec<Option<String>>,
    priority: Vec<String>,
    source: Vec<String>,
    warnings: Vec<Value>,
    raw_payload: Vec<Value>,
    content_hash: Vec<Vec<u8>>,
}

impl<'a> FromIterator<&'a CallEvent> for Columns {
    fn from_iter<I: IntoIterator<Item = &'a CallEvent>>(events: I) -> Self {
        let mut c = Columns::default();
        for e in events {
            c.event_id.push(e.event_id.clone());
            c.received_at.push(e.received_at);
            c.caller_number.push(e.caller_number.clone());
            c.caller_name.push(e.caller_name.clone());
            c.date_of_birth.push(e.date_of_birth);
            c.topic.push(e.topic.clone());
            c.priority.push(e.priority.as_str().to_owned());
            c.source.push(e.source.clone());
            c.warnings.push(json!(e.warnings));
            c.raw_payload.push(e.raw_payload.clone());
            c.content_hash.push(e.content_hash.to_vec());
        }
        c
    }
}

/// Inserts new calls and overwrites the data fields of changed ones (never status, assignee
/// or notes), bumping their version. Rows whose content is unchanged must not be passed.
async fn write_calls<'a>(
    tx: &mut PgConnection,
    events: impl IntoIterator<Item = &'a CallEvent>,
) -> sqlx::Result<()> {
    let c: Columns = events.into_iter().collect();
    if c.event_id.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "insert into calls (event_id, received_at, caller_number, caller_name, date_of_birth, topic,
                            priority, source, warnings, raw_payload, content_hash)
         select event_id, received_at, caller_number, caller_name, date_of_birth, topic,
                priority::call_priority, source, warnings, raw_payload, content_hash
         from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::date[], $6::text[],
                     $7::text[], $8::text[], $9::jsonb[], $10::jsonb[], $11::bytea[])
              as u(event_id, received_at, caller_number, caller_name, date_of_birth, topic,
                   priority, source, warnings, raw_payload, content_hash)
         on conflict (event_id) do update set
             received_at = excluded.received_at, caller_number = excluded.caller_number,
             caller_name = excluded.caller_name, date_of_birth = excluded.date_of_birth,
             topic = excluded.topic, priority = excluded.priority, source = excluded.source,
             warnings = excluded.warnings, raw_payload = excluded.raw_payload,
             content_hash = excluded.content_hash, version = calls.version + 1, updated_at = now()",
        &c.event_id,
        &c.received_at,
        &c.caller_number as &[Option<String>],
        &c.caller_name as &[Option<String>],
        &c.date_of_birth as &[Option<NaiveDate>],
        &c.topic as &[Option<String>],
        &c.priority,
        &c.source,
        &c.warnings,
        &c.raw_payload,
        &c.content_hash,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Audits each changed call as an `edit` by the importer, with the fields that changed.
async fn audit_edits(
    tx: &mut PgConnection,
    changed: &[(&Existing, CallEvent)],
) -> sqlx::Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let call_ids: Vec<i64> = changed.iter().map(|(old, _)| old.id).collect();
    let diffs: Vec<Value> = changed
        .iter()
        .map(|(old, new)| diff(&old.fields, &data_fields(new)))
        .collect();
    sqlx::query!(
        "insert into actions_audit (call_id, action_type, actor_kind, diff)
         select call_id, 'edit', 'importer', diff from unnest($1::bigint[], $2::jsonb[]) as u(call_id, diff)",
        &call_ids,
        &diffs,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// `{field: {"old": …, "new": …}}` for each field that differs.
fn diff(old: &Value, new: &Value) -> Value {
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return json!({});
    };
    new.iter()
        .filter(|(field, value)| old.get(*field) != Some(value))
        .map(|(field, value)| {
            (
                field.clone(),
                json!({ "old": old.get(field), "new": value }),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Stores rejected lines not stored before, and logs refused sources as blocked content.
async fn insert_dead_letters(
    tx: &mut PgConnection,
    file_name: &str,
    letters: &[DeadLetter],
) -> sqlx::Result<()> {
    if letters.is_empty() {
        return Ok(());
    }
    let line_numbers: Vec<i64> = letters.iter().map(|d| d.at.line_number + 1).collect();
    let offsets: Vec<i64> = letters.iter().map(|d| d.at.byte_offset).collect();
    let reasons: Vec<&str> = letters.iter().map(|d| d.rejection.reason.code()).collect();
    let details: Vec<&str> = letters
        .iter()
        .map(|d| d.rejection.detail.as_str())
        .collect();
    let raws: Vec<&[u8]> = letters.iter().map(|d| d.raw.as_slice()).collect();
    let truncated: Vec<bool> = letters.iter().map(|d| d.truncated).collect();
    let hashes: Vec<&[u8]> = letters.iter().map(|d| d.sha256.as_slice()).collect();
    let blocked: Vec<Option<&str>> = letters
        .iter()
        .map(|d| d.rejection.blocked_source.as_deref())
        .collect();
    sqlx::query!(
        "with input as (
             select * from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::bytea[],
                                  $7::bool[], $8::bytea[], $9::text[])
                 as u(line_number, byte_offset, reason, detail, raw_line, raw_truncated, raw_sha256,
                      blocked_source)
         ),
         stored as (
             insert into dead_letters
                 (file_name, line_number, byte_offset, reason, detail, raw_line, raw_truncated, raw_sha256)
             select $1, line_number, byte_offset, reason, detail, raw_line, raw_truncated, raw_sha256
             from input
             on conflict on constraint dead_letters_line_key do nothing
             returning byte_offset
         )
         insert into blocked_content_log (source, reason, file_name, line_number)
         select input.blocked_source, input.reason, $1, input.line_number
         from input join stored using (byte_offset)
         where input.blocked_source is not null",
        file_name,
        &line_numbers,
        &offsets,
        &reasons as &[&str],
        &details as &[&str],
        &raws as &[&[u8]],
        &truncated,
        &hashes as &[&[u8]],
        &blocked as &[Option<&str>],
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The names of the active allowed sources.
pub async fn allowed_sources(pool: &PgPool) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!("select name from allowed_sources where is_active order by name")
        .fetch_all(pool)
        .await
}

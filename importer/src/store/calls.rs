//! Calls from a batch: new ones inserted, changed ones updated and audited as importer edits.

use std::collections::{HashMap, HashSet};

use app::{
    at_rest::{self, SealError},
    audit::{self, Actor},
    domain::AuditAction,
    dsgvo::tombstones::{self, ErasureKey, Incoming},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::PgConnection;

use super::BatchCounts;
use crate::validate::CallEvent;

/// Inserts new events and applies changed ones, in order; identical ones change nothing, and
/// erased ones (with a tombstone, see `app::dsgvo::tombstones`) are skipped and counted.
pub async fn store_events(
    tx: &mut PgConnection,
    key: &ErasureKey,
    events: &[CallEvent],
) -> sqlx::Result<BatchCounts> {
    let mut counts = BatchCounts::default();
    tombstones::hold_off_erasures(tx).await?;
    let incoming: Vec<Incoming<'_>> = events
        .iter()
        .map(|event| Incoming {
            event_id: &event.event_id,
            caller_number: event.caller_number.as_deref(),
            received_at: event.received_at,
        })
        .collect();
    let erased = tombstones::erased(tx, key, &incoming).await?;
    counts.erased = erased.len() as u64;
    let events = events
        .iter()
        .enumerate()
        .filter(|(i, _)| !erased.contains(i))
        .map(|(_, event)| event);
    for run in runs_of_distinct_event_ids(events) {
        let run_counts = upsert_calls(tx, run).await?;
        counts.new += run_counts.new;
        counts.updated += run_counts.updated;
        counts.unchanged += run_counts.unchanged;
    }
    Ok(counts)
}

/// Splits events so that no run holds one `event_id` twice: a later line with the same id
/// then updates what the earlier one inserted, in file order.
fn runs_of_distinct_event_ids<'a>(
    events: impl IntoIterator<Item = &'a CallEvent>,
) -> Vec<Vec<&'a CallEvent>> {
    let mut runs: Vec<Vec<&CallEvent>> = vec![Vec::new()];
    let mut seen = HashSet::new();
    for event in events {
        if !seen.insert(event.event_id.as_str()) {
            seen.clear();
            seen.insert(event.event_id.as_str());
            runs.push(Vec::new());
        }
        if let Some(run) = runs.last_mut() {
            run.push(event);
        }
    }
    runs
}

/// The fields the importer owns (never status, assignee or notes), as audited for an edit.
#[derive(Serialize)]
struct DataFields {
    received_at: DateTime<Utc>,
    caller_number: Option<String>,
    caller_name: Option<String>,
    date_of_birth: Option<NaiveDate>,
    topic: Option<String>,
    priority: String,
    source: String,
}

impl From<&CallEvent> for DataFields {
    fn from(event: &CallEvent) -> Self {
        Self {
            received_at: event.received_at,
            caller_number: event.caller_number.clone(),
            caller_name: event.caller_name.clone(),
            date_of_birth: event.date_of_birth,
            topic: event.topic.clone(),
            priority: event.priority.as_str().to_owned(),
            source: event.source.clone(),
        }
    }
}

/// Inserts the events whose `event_id` is new first, then compares the others with what is
/// stored. Inserting first keeps concurrent batches (other files) correct: a batch that meets
/// an id another one is inserting waits on the unique index until that commits, then finds
/// the id taken and treats the event as an existing one. The audit rows come last, after every
/// row is locked, as on the service's path: the audit chain's lock is the last a transaction
/// takes.
async fn upsert_calls(tx: &mut PgConnection, events: Vec<&CallEvent>) -> sqlx::Result<BatchCounts> {
    let mut counts = BatchCounts::default();
    let mut pending = events;
    while !pending.is_empty() {
        let inserted = insert_new_calls(tx, &pending).await?;
        counts.new += inserted.len() as u64;
        let existing: Vec<&CallEvent> = pending
            .into_iter()
            .filter(|event| !inserted.contains(&event.event_id))
            .collect();
        if existing.is_empty() {
            break;
        }
        let ids: Vec<String> = existing.iter().map(|e| e.event_id.clone()).collect();
        let stored: HashMap<String, (i64, Vec<u8>)> = sqlx::query!(
            "select id, event_id, content_hash from calls where event_id = any($1)
             order by event_id for update",
            &ids,
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|row| (row.event_id, (row.id, row.content_hash)))
        .collect();

        let mut changed = Vec::new();
        pending = Vec::new();
        for event in existing {
            match stored.get(&event.event_id) {
                Some((_, hash)) if *hash == event.content_hash => counts.unchanged += 1,
                Some((id, _)) => changed.push((*id, event)),
                // Deleted (e.g. by retention) since the insert found it: inserted again.
                None => pending.push(event),
            }
        }
        counts.updated += changed.len() as u64;
        // The diffs read the old values, so they are made before those are overwritten.
        let diffs = edit_diffs(tx, &changed).await?;
        update_calls(tx, &changed).await?;
        audit_edits(tx, &changed, &diffs).await?;
    }
    Ok(counts)
}

/// The columns of a set of events, one vector each, as `unnest` takes them.
#[derive(Default)]
struct Columns {
    event_id: Vec<String>,
    received_at: Vec<DateTime<Utc>>,
    caller_number: Vec<Option<String>>,
    caller_name: Vec<Option<String>>,
    /// Sealed (`app::at_rest`), as everything stored of a date of birth.
    date_of_birth: Vec<Option<String>>,
    topic: Vec<Option<String>>,
    priority: Vec<String>,
    stated_priority: Vec<Option<String>>,
    priority_rule: Vec<Option<i64>>,
    source: Vec<String>,
    warnings: Vec<Value>,
    raw_payload: Vec<Value>,
    content_hash: Vec<Vec<u8>>,
}

impl Columns {
    /// The columns of `events`, their dates of birth sealed (also in the raw event).
    fn sealed<'a>(events: impl IntoIterator<Item = &'a CallEvent>) -> Result<Self, SealError> {
        let mut c = Columns::default();
        for e in events {
            let mut raw_payload = e.raw_payload.clone();
            at_rest::seal_payload(&mut raw_payload)?;
            c.event_id.push(e.event_id.clone());
            c.received_at.push(e.received_at);
            c.caller_number.push(e.caller_number.clone());
            c.caller_name.push(e.caller_name.clone());
            c.date_of_birth
                .push(e.date_of_birth.map(at_rest::seal_date).transpose()?);
            c.topic.push(e.topic.clone());
            c.priority.push(e.priority.as_str().to_owned());
            (c.stated_priority).push(e.stated_priority.map(|p| p.as_str().to_owned()));
            c.priority_rule.push(e.priority_rule);
            c.source.push(e.source.clone());
            c.warnings.push(json!(e.warnings));
            c.raw_payload.push(raw_payload);
            c.content_hash.push(e.content_hash.to_vec());
        }
        Ok(c)
    }
}

/// Inserts the events whose `event_id` is not stored yet, in `event_id` order (so that two
/// concurrent batches wait for each other's ids in the same order and cannot deadlock), and
/// returns those ids.
async fn insert_new_calls(
    tx: &mut PgConnection,
    events: &[&CallEvent],
) -> sqlx::Result<HashSet<String>> {
    let c = Columns::sealed(events.iter().copied())?;
    sqlx::query_scalar!(
        "insert into calls (event_id, received_at, caller_number, caller_name, date_of_birth_sealed,
                            topic, priority, event_priority, priority_rule_id, source, warnings,
                            raw_payload, content_hash)
         select event_id, received_at, caller_number, caller_name, date_of_birth, topic,
                priority::call_priority, event_priority::call_priority, priority_rule_id, source,
                warnings, raw_payload, content_hash
         from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                     $7::text[], $8::text[], $9::bigint[], $10::text[], $11::jsonb[], $12::jsonb[],
                     $13::bytea[])
              as u(event_id, received_at, caller_number, caller_name, date_of_birth, topic,
                   priority, event_priority, priority_rule_id, source, warnings, raw_payload,
                   content_hash)
         order by event_id
         on conflict (event_id) do nothing
         returning event_id",
        &c.event_id,
        &c.received_at,
        &c.caller_number as &[Option<String>],
        &c.caller_name as &[Option<String>],
        &c.date_of_birth as &[Option<String>],
        &c.topic as &[Option<String>],
        &c.priority,
        &c.stated_priority as &[Option<String>],
        &c.priority_rule as &[Option<i64>],
        &c.source,
        &c.warnings,
        &c.raw_payload,
        &c.content_hash,
    )
    .fetch_all(&mut *tx)
    .await
    .map(|ids| ids.into_iter().collect())
}

/// Overwrites the data fields of changed calls (never status, assignee or notes) and bumps
/// their version.
async fn update_calls(tx: &mut PgConnection, changed: &[(i64, &CallEvent)]) -> sqlx::Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = changed.iter().map(|(id, _)| *id).collect();
    let c = Columns::sealed(changed.iter().map(|(_, event)| *event))?;
    sqlx::query!(
        "update calls set
             received_at = u.received_at, caller_number = u.caller_number,
             caller_name = u.caller_name, date_of_birth_sealed = u.date_of_birth,
             date_of_birth_clear = null, topic = u.topic,
             priority = case when calls.priority_by_person then calls.priority
                             else u.priority::call_priority end,
             priority_rule_id = case when calls.priority_by_person then null
                                     else u.priority_rule_id end,
             event_priority = u.event_priority::call_priority,
             source = u.source, warnings = u.warnings,
             raw_payload = u.raw_payload, content_hash = u.content_hash,
             version = calls.version + 1, updated_at = now()
         from unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
                     $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::jsonb[],
                     $12::jsonb[], $13::bytea[])
              as u(id, received_at, caller_number, caller_name, date_of_birth, topic, priority,
                   event_priority, priority_rule_id, source, warnings, raw_payload, content_hash)
         where calls.id = u.id",
        &ids,
        &c.received_at,
        &c.caller_number as &[Option<String>],
        &c.caller_name as &[Option<String>],
        &c.date_of_birth as &[Option<String>],
        &c.topic as &[Option<String>],
        &c.priority,
        &c.stated_priority as &[Option<String>],
        &c.priority_rule as &[Option<i64>],
        &c.source,
        &c.warnings,
        &c.raw_payload,
        &c.content_hash,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What changes of each changed call, as its `edit` audit row says it. Only these rows have
/// their old values read.
async fn edit_diffs(
    tx: &mut PgConnection,
    changed: &[(i64, &CallEvent)],
) -> sqlx::Result<Vec<Value>> {
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let call_ids: Vec<i64> = changed.iter().map(|(id, _)| *id).collect();
    let old: HashMap<i64, Value> = sqlx::query!(
        r#"select id, received_at, caller_number, caller_name, date_of_birth_clear,
                  date_of_birth_sealed, topic, priority::text as "priority!", source
           from calls where id = any($1)"#,
        &call_ids,
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|row| {
        let sealed = row.date_of_birth_sealed.as_deref().map(at_rest::open_date);
        let fields = DataFields {
            received_at: row.received_at,
            caller_number: row.caller_number,
            caller_name: row.caller_name,
            date_of_birth: row.date_of_birth_clear.or(sealed.transpose()?),
            topic: row.topic,
            priority: row.priority,
            source: row.source,
        };
        Ok((row.id, json!(fields)))
    })
    .collect::<Result<_, SealError>>()?;
    Ok(changed
        .iter()
        .map(|(id, new)| diff(old.get(id), &json!(DataFields::from(*new))))
        .collect())
}

/// Audits each changed call as an `edit` by the importer, with its diff.
async fn audit_edits(
    tx: &mut PgConnection,
    changed: &[(i64, &CallEvent)],
    diffs: &[Value],
) -> sqlx::Result<()> {
    if changed.is_empty() {
        return Ok(());
    }
    let call_ids: Vec<i64> = changed.iter().map(|(id, _)| *id).collect();
    audit::record_each(tx, Actor::Importer, AuditAction::Edit, &call_ids, diffs).await
}

/// `{field: {"old": …, "new": …}}` for each field that differs; with no old object, every field.
/// Of the date of birth only that it changed, `{"changed": true}`: the audit trail is never
/// sealed (its rows cannot change), so it holds no date of birth.
fn diff(old: Option<&Value>, new: &Value) -> Value {
    let empty = serde_json::Map::new();
    let old = old.and_then(Value::as_object).unwrap_or(&empty);
    let Value::Object(new) = new else {
        return json!({});
    };
    new.iter()
        .filter(|(field, value)| old.get(*field) != Some(value))
        .map(|(field, value)| {
            let change = if field == "date_of_birth" {
                json!({ "changed": true })
            } else {
                json!({ "old": old.get(field), "new": value })
            };
            (field.clone(), change)
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

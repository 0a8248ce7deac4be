//! Bringing the stored dates of birth under the active key: values still in clear (from before
//! encryption) are sealed, values under an older key are opened and sealed again. In batches,
//! one transaction each, in the order of the calls' ids: a run killed half-way loses nothing,
//! and the next run goes on with what is left.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sqlx::PgPool;

use super::{
    keys::Keyring,
    seal::{self, Field, SealError},
};
use crate::{
    audit::{self, Actor},
    domain::AuditAction,
};

/// Calls changed per transaction.
pub const BATCH: i64 = 500;

/// Where the stored sealed values stand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUse {
    /// Calls with a date of birth in clear (column or raw event) and refused lines in clear,
    /// from before encryption.
    pub clear: i64,
    /// Sealed values (date of birth, raw event, refused line) by the key they are sealed under.
    pub sealed: BTreeMap<String, i64>,
}

impl KeyUse {
    /// Values the active key of `ring` does not hold yet.
    pub fn pending(&self, ring: &Keyring) -> i64 {
        self.clear
            + self
                .sealed
                .iter()
                .filter(|(id, _)| id.as_str() != ring.active().as_str())
                .map(|(_, count)| count)
                .sum::<i64>()
    }
}

/// Counts the stored values by their state.
pub async fn key_use(pool: &PgPool) -> sqlx::Result<KeyUse> {
    let clear = sqlx::query_scalar!(
        r#"select (select count(*) from calls
                   where date_of_birth_clear is not null
                      or (jsonb_typeof(raw_payload -> 'date_of_birth') not in ('null', 'string')
                          or raw_payload ->> 'date_of_birth' not like 'v1.%'))
                + (select count(*) from dead_letters where raw_line is not null) as "count!""#
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query!(
        r#"select key_id as "key_id!", count(*) as "count!" from (
               select split_part(date_of_birth_sealed, '.', 2) as key_id from calls
               where date_of_birth_sealed is not null
               union all
               select split_part(raw_payload ->> 'date_of_birth', '.', 2) from calls
               where raw_payload ->> 'date_of_birth' like 'v1.%'
               union all
               select split_part(raw_line_sealed, '.', 2) from dead_letters
               where raw_line_sealed is not null
           ) sealed
           group by key_id order by key_id"#
    )
    .fetch_all(pool)
    .await?;
    Ok(KeyUse {
        clear,
        sealed: rows
            .into_iter()
            .map(|row| (row.key_id, row.count))
            .collect(),
    })
}

/// Why the stored values could not be brought under the active key.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the database could not be reached: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a rotation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rotation {
    /// Rows (calls and refused lines) whose values it sealed.
    pub rows: i64,
    /// Where the stored values stand after it.
    pub after: KeyUse,
}

/// `server keys rotate`: [`seal_all`], then an audit row `data_keys_rotated` with the key, the
/// calls sealed and the values left under other keys.
pub async fn rotate(
    pool: &PgPool,
    ring: &Keyring,
    progress: impl FnMut(i64),
) -> Result<Rotation, RotateError> {
    let rows = seal_all(pool, ring, progress).await?;
    let after = key_use(pool).await?;
    let mut tx = pool.begin().await?;
    let diff = json!({ "key": ring.active().as_str(), "rows": rows, "left": after.pending(ring) });
    audit::record(
        &mut tx,
        Actor::System,
        AuditAction::DataKeysRotated,
        None,
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(Rotation { rows, after })
}

/// Seals what is in clear and seals again what an older key holds, `BATCH` rows at a time
/// (calls, then refused lines), calling `progress` with the rows done so far after each batch;
/// how many rows it changed.
pub async fn seal_all(
    pool: &PgPool,
    ring: &Keyring,
    mut progress: impl FnMut(i64),
) -> Result<i64, RotateError> {
    let mut done = seal_calls(pool, ring, &mut progress).await?;
    done += seal_dead_letters(pool, ring, done, &mut progress).await?;
    Ok(done)
}

async fn seal_calls(
    pool: &PgPool,
    ring: &Keyring,
    progress: &mut impl FnMut(i64),
) -> Result<i64, RotateError> {
    let active_prefix = format!("v1.{}.%", ring.active());
    let mut after = 0_i64;
    let mut done = 0_i64;
    loop {
        let mut tx = pool.begin().await?;
        let rows = sqlx::query!(
            r#"select id, date_of_birth_clear, date_of_birth_sealed,
                      raw_payload -> 'date_of_birth' as raw_date_of_birth
               from calls
               where id > $1
                 and (date_of_birth_clear is not null
                      or date_of_birth_sealed not like $2
                      or (jsonb_typeof(raw_payload -> 'date_of_birth') <> 'null'
                          and raw_payload ->> 'date_of_birth' not like $2))
               order by id
               limit $3
               for update"#,
            after,
            active_prefix,
            BATCH
        )
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last().map(|row| row.id) else {
            return Ok(done);
        };
        let mut ids = Vec::with_capacity(rows.len());
        let mut dates = Vec::with_capacity(rows.len());
        let mut raws = Vec::with_capacity(rows.len());
        for row in rows {
            let date = match (row.date_of_birth_clear, row.date_of_birth_sealed) {
                (Some(date), _) => Some(seal_date(ring, date)),
                (None, Some(sealed)) => Some(reseal(ring, Field::DateOfBirth, &sealed)?),
                (None, None) => None,
            };
            let raw = match row.raw_date_of_birth {
                Some(Value::String(text)) if seal::key_id(&text).is_ok() => {
                    Some(reseal(ring, Field::RawDateOfBirth, &text)?)
                }
                Some(Value::Null) | None => None,
                Some(value) => Some(ring.seal(Field::RawDateOfBirth, value.to_string().as_bytes())),
            };
            ids.push(row.id);
            dates.push(date);
            raws.push(raw);
        }
        sqlx::query!(
            r#"update calls c
               set date_of_birth_clear = null,
                   date_of_birth_sealed = u.sealed,
                   raw_payload = case when u.raw is null then c.raw_payload
                                      else jsonb_set(c.raw_payload, '{date_of_birth}', to_jsonb(u.raw)) end
               from unnest($1::bigint[], $2::text[], $3::text[]) as u(id, sealed, raw)
               where c.id = u.id"#,
            &ids,
            &dates as &[Option<String>],
            &raws as &[Option<String>],
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done += i64::try_from(ids.len()).unwrap_or(i64::MAX);
        after = last;
        progress(done);
    }
}

/// The refused lines' part of [`seal_all`]; `before` rows were done already.
async fn seal_dead_letters(
    pool: &PgPool,
    ring: &Keyring,
    before: i64,
    progress: &mut impl FnMut(i64),
) -> Result<i64, RotateError> {
    let active_prefix = format!("v1.{}.%", ring.active());
    let mut after = 0_i64;
    let mut done = 0_i64;
    loop {
        let mut tx = pool.begin().await?;
        let rows = sqlx::query!(
            "select id, raw_line, raw_line_sealed from dead_letters
             where id > $1 and (raw_line is not null or raw_line_sealed not like $2)
             order by id limit $3 for update",
            after,
            active_prefix,
            BATCH
        )
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last().map(|row| row.id) else {
            return Ok(done);
        };
        let mut ids = Vec::with_capacity(rows.len());
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            let line = match (row.raw_line, row.raw_line_sealed) {
                (Some(line), _) => ring.seal(Field::DeadLetterLine, &line),
                (None, Some(sealed)) => reseal(ring, Field::DeadLetterLine, &sealed)?,
                (None, None) => return Err(SealError::Malformed.into()),
            };
            ids.push(row.id);
            lines.push(line);
        }
        sqlx::query!(
            "update dead_letters d set raw_line = null, raw_line_sealed = u.sealed
             from unnest($1::bigint[], $2::text[]) as u(id, sealed)
             where d.id = u.id",
            &ids,
            &lines,
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done += i64::try_from(ids.len()).unwrap_or(i64::MAX);
        after = last;
        progress(before + done);
    }
}

fn seal_date(ring: &Keyring, date: chrono::NaiveDate) -> String {
    ring.seal(Field::DateOfBirth, date.to_string().as_bytes())
}

/// `sealed` under the active key (as it is when it is already).
fn reseal(ring: &Keyring, field: Field, sealed: &str) -> Result<String, SealError> {
    if seal::key_id(sealed)? == ring.active().as_str() {
        return Ok(sealed.to_owned());
    }
    Ok(ring.seal(field, &ring.open(field, sealed)?))
}

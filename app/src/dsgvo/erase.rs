//! Erasure (Art. 17): one call, or every call of one caller number, with everything that
//! hangs off them, the rejected lines that hold them, and a tombstone so they never return.

use chrono::Utc;
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{
    DsgvoError, Subject,
    tombstones::{self, Tombstone, TombstoneKind, Tombstones},
};
use crate::{
    audit::{self, Actor},
    db::{
        self,
        deletion::{self, Why},
    },
    domain::{AuditAction, CallId, ErasureReport, Invalid, PhoneNumber},
};

/// The calls of a subject.
struct Found {
    ids: Vec<i64>,
    event_ids: Vec<String>,
}

/// Erases `subject` for `reason`, as `actor`, in one transaction: the calls and what hangs off
/// them, their audit diffs, the dead letters holding the event id (or the caller's number) and
/// their blocked-content entries; then tombstones, in the database with the rest and in the
/// file outside it. The audit row names who, why and how much, nothing of what was erased.
pub async fn erase(
    pool: &PgPool,
    tombstones: &Tombstones,
    actor: Actor,
    subject: &Subject,
    reason: &str,
) -> Result<ErasureReport, DsgvoError> {
    let reason = super::reason(reason)?;
    let mut tx = pool.begin().await?;
    let (report, stones) = erase_in(&mut tx, tombstones, actor, subject, reason).await?;
    tx.commit().await?;
    // The database has the tombstones; the file is their copy for a restore. Should writing it
    // fail, the server copies what the file lacks at its next start.
    if let Err(error) = tombstones.append(&stones) {
        tracing::error!(%error, "erased, but the tombstone file could not be written");
    }
    Ok(report)
}

/// What erasing `subject` would delete now: the erasure itself, rolled back.
pub async fn preview(
    pool: &PgPool,
    tombstones: &Tombstones,
    subject: &Subject,
) -> Result<ErasureReport, DsgvoError> {
    let mut tx = pool.begin().await?;
    let (report, _) = erase_in(&mut tx, tombstones, Actor::System, subject, "preview").await?;
    tx.rollback().await?;
    Ok(report)
}

async fn erase_in(
    tx: &mut PgConnection,
    tombstones: &Tombstones,
    actor: Actor,
    subject: &Subject,
    reason: &str,
) -> Result<(ErasureReport, Vec<Tombstone>), DsgvoError> {
    tombstones::exclude_imports(&mut *tx).await?;
    let found = find(&mut *tx, subject).await?;
    let letters = matching_dead_letters(&mut *tx, subject, &found.event_ids).await?;
    if found.ids.is_empty() && letters.is_empty() {
        return Err(DsgvoError::NotFound);
    }
    let deleted = deletion::delete_calls(&mut *tx, &found.ids, Why::Erasure).await?;
    let (dead_letters, blocked_entries) = delete_dead_letters(&mut *tx, &letters).await?;
    let erased_at = Utc::now();
    let mut stones: Vec<Tombstone> = found
        .event_ids
        .iter()
        .map(|event_id| Tombstone {
            kind: TombstoneKind::Event,
            key: tombstones.key.event(event_id),
            erased_at,
        })
        .collect();
    if let Subject::Caller(number) = subject {
        stones.push(Tombstone {
            kind: TombstoneKind::Caller,
            key: tombstones.key.number(number.e164()),
            erased_at,
        });
    }
    tombstones::insert(&mut *tx, &stones).await?;
    let report = ErasureReport {
        calls: deleted.calls,
        status_entries: deleted.status_entries,
        notes: deleted.notes,
        reveals: deleted.reveals,
        llm_requests: deleted.llm_requests,
        audit_diffs: deleted.audit_diffs,
        dead_letters,
        blocked_entries,
    };
    let diff = json!({
        "subject": subject.kind(),
        "call_ids": found.ids,
        "deleted": report,
        "reason": reason,
    });
    audit::record(&mut *tx, actor, AuditAction::DsgvoErased, None, diff).await?;
    let changed: Vec<CallId> = found.ids.iter().copied().map(CallId).collect();
    db::notify_changed(&mut *tx, &changed).await?;
    Ok((report, stones))
}

/// The calls of `subject`, locked; none may be under a legal hold.
async fn find(conn: &mut PgConnection, subject: &Subject) -> Result<Found, DsgvoError> {
    let rows = sqlx::query!(
        r#"select id, event_id, coalesce(legal_hold_until >= current_date, false) as "held!"
           from calls where id = $1 or caller_number = $2 order by id for update"#,
        subject.call_id(),
        subject.number(),
    )
    .fetch_all(&mut *conn)
    .await?;
    if rows.iter().any(|row| row.held) {
        return Err(DsgvoError::Invalid {
            field: "id",
            reason: Invalid::LegalHold,
        });
    }
    let (ids, event_ids) = rows.into_iter().map(|row| (row.id, row.event_id)).unzip();
    Ok(Found { ids, event_ids })
}

/// A rejected line that goes with the subject.
struct Letter {
    id: i64,
    file_name: String,
    line_number: i64,
}

/// The dead letters that hold one of `event_ids`, or for a caller, the caller's number in any
/// notation.
async fn matching_dead_letters(
    conn: &mut PgConnection,
    subject: &Subject,
    event_ids: &[String],
) -> sqlx::Result<Vec<Letter>> {
    let rows = sqlx::query!(
        "select id, file_name, line_number, raw_line, raw_line_sealed from dead_letters"
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut letters = Vec::new();
    for row in rows {
        let line = crate::at_rest::open_line(row.raw_line, row.raw_line_sealed.as_deref())?;
        let raw = String::from_utf8_lossy(&line);
        let holds = event_ids.iter().any(|id| raw.contains(id.as_str()))
            || matches!(subject, Subject::Caller(number) if mentions(&raw, number));
        if holds {
            letters.push(Letter {
                id: row.id,
                file_name: row.file_name,
                line_number: row.line_number,
            });
        }
    }
    Ok(letters)
}

/// Whether `text` holds `number` in any notation the importer reads (`030 1234567`,
/// `+49 (30) 123-4567`, …): each run of digits and the characters numbers are written with is
/// read as a number and compared.
fn mentions(text: &str, number: &PhoneNumber) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || " +()/-.".contains(c)))
        .map(str::trim)
        .filter(|run| run.chars().filter(char::is_ascii_digit).count() >= 5)
        .any(|run| PhoneNumber::e164_of(run).is_ok_and(|e164| e164 == number.e164()))
}

async fn delete_dead_letters(
    conn: &mut PgConnection,
    letters: &[Letter],
) -> sqlx::Result<(i64, i64)> {
    let ids: Vec<i64> = letters.iter().map(|letter| letter.id).collect();
    let files: Vec<String> = letters.iter().map(|l| l.file_name.clone()).collect();
    let lines: Vec<i64> = letters.iter().map(|letter| letter.line_number).collect();
    let blocked = sqlx::query!(
        "delete from blocked_content_log b
         using unnest($1::text[], $2::bigint[]) as l(file_name, line_number)
         where b.file_name = l.file_name and b.line_number = l.line_number",
        &files,
        &lines,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected() as i64;
    let dead = sqlx::query!("delete from dead_letters where id = any($1)", &ids)
        .execute(&mut *conn)
        .await?
        .rows_affected() as i64;
    Ok((dead, blocked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_found_in_any_notation_and_nothing_else_is() {
        let number = PhoneNumber::parse("+49301234567").expect("number");
        for text in [
            r#"{"caller_number": "030 1234567", "received_at": "2026-11-29T08:00:00Z"}"#,
            r#"{"caller_number":"+49 (30) 123-4567"#,
            "kaputt 0049 30 1234567 kaputt",
        ] {
            assert!(mentions(text, &number), "{text}");
        }
        for text in [
            r#"{"caller_number": "030 7654321", "received_at": "2026-11-29T08:00:00Z"}"#,
            r#"{"topic": "Rezept", "received_at": "2026-11-29 08:00:00"}"#,
        ] {
            assert!(!mentions(text, &number), "{text}");
        }
    }
}

//! Restriction of processing (Sperrvermerk, Art. 18) where the law requires keeping instead of
//! erasing: a restricted call disappears for agents everywhere and nobody may change it;
//! admins see it greyed with the reason. A legal hold with a reason and an end date keeps a
//! restricted call from the retention purge until then. Each step is audited.

use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

use super::{DsgvoError, Subject};
use crate::{
    audit::{self, Actor},
    db,
    domain::{AuditAction, CallId, Invalid},
};

/// Restricts `subject`'s calls for `reason`; answers how many were not restricted before.
pub async fn restrict(
    pool: &PgPool,
    actor: Actor,
    subject: &Subject,
    reason: &str,
) -> Result<i64, DsgvoError> {
    let reason = super::reason(reason)?;
    let mut tx = pool.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar!(
        "update calls set restricted_at = now(), restricted_by = $3, restriction_reason = $4,
                          updated_at = now()
         where (id = $1 or caller_number = $2) and restricted_at is null
           and received_at >= call_retention_cutoff()
         returning id",
        subject.call_id(),
        subject.number(),
        actor.user_id(),
        reason,
    )
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Err(not_found_or_done(&mut tx, subject).await?);
    }
    for id in &ids {
        let diff = json!({ "subject": subject.kind(), "reason": reason });
        audit::record(&mut tx, actor, AuditAction::CallRestricted, Some(*id), diff).await?;
    }
    let changed: Vec<CallId> = ids.iter().copied().map(CallId).collect();
    db::notify_changed(&mut tx, &changed).await?;
    tx.commit().await?;
    Ok(ids.len() as i64)
}

/// Lifts the restriction of `subject`'s calls (and any legal hold with it).
pub async fn lift(pool: &PgPool, actor: Actor, subject: &Subject) -> Result<i64, DsgvoError> {
    let mut tx = pool.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar!(
        "update calls set restricted_at = null, restricted_by = null, restriction_reason = null,
                          legal_hold_until = null, legal_hold_reason = null, updated_at = now()
         where (id = $1 or caller_number = $2) and restricted_at is not null
         returning id",
        subject.call_id(),
        subject.number(),
    )
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Err(DsgvoError::NotFound);
    }
    for id in &ids {
        let diff = json!({ "subject": subject.kind() });
        audit::record(
            &mut tx,
            actor,
            AuditAction::RestrictionLifted,
            Some(*id),
            diff,
        )
        .await?;
    }
    let changed: Vec<CallId> = ids.iter().copied().map(CallId).collect();
    db::notify_changed(&mut tx, &changed).await?;
    tx.commit().await?;
    Ok(ids.len() as i64)
}

/// Sets (or moves) the legal hold of restricted call `id`: kept until `until`, for `reason`.
pub async fn hold(
    pool: &PgPool,
    actor: Actor,
    id: CallId,
    until: NaiveDate,
    reason: &str,
) -> Result<(), DsgvoError> {
    let reason = super::reason(reason)?;
    let mut tx = pool.begin().await?;
    let today = sqlx::query_scalar!(r#"select current_date as "today!""#)
        .fetch_one(&mut *tx)
        .await?;
    if until <= today {
        return Err(DsgvoError::Invalid {
            field: "until",
            reason: Invalid::HoldEndsInPast,
        });
    }
    let restricted = sqlx::query_scalar!(
        r#"select restricted_at is not null as "restricted!" from calls where id = $1 for update"#,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DsgvoError::NotFound)?;
    if !restricted {
        return Err(DsgvoError::Invalid {
            field: "id",
            reason: Invalid::HoldNeedsRestriction,
        });
    }
    sqlx::query!(
        "update calls set legal_hold_until = $2, legal_hold_reason = $3 where id = $1",
        id.0,
        until,
        reason,
    )
    .execute(&mut *tx)
    .await?;
    let diff = json!({ "until": until, "reason": reason });
    audit::record(&mut tx, actor, AuditAction::LegalHoldSet, Some(id.0), diff).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the legal hold of call `id`; the purge deletes it when it is due.
pub async fn end_hold(pool: &PgPool, actor: Actor, id: CallId) -> Result<(), DsgvoError> {
    let mut tx = pool.begin().await?;
    let ended = sqlx::query!(
        "update calls set legal_hold_until = null, legal_hold_reason = null
         where id = $1 and legal_hold_until is not null",
        id.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if ended == 0 {
        return Err(DsgvoError::NotFound);
    }
    audit::record(
        &mut tx,
        actor,
        AuditAction::LegalHoldEnded,
        Some(id.0),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Nothing was restricted: the subject does not exist, or all of it already is.
async fn not_found_or_done(
    conn: &mut sqlx::PgConnection,
    subject: &Subject,
) -> sqlx::Result<DsgvoError> {
    let exists = sqlx::query_scalar!(
        r#"select exists (select from calls where (id = $1 or caller_number = $2)
                          and received_at >= call_retention_cutoff()) as "exists!""#,
        subject.call_id(),
        subject.number(),
    )
    .fetch_one(conn)
    .await?;
    Ok(if exists {
        DsgvoError::Invalid {
            field: "id",
            reason: Invalid::CallRestricted,
        }
    } else {
        DsgvoError::NotFound
    })
}

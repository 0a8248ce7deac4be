//! Escalation: an open urgent call that waited longer than the escalation time is escalated
//! once, through the one path of every change to a call (`crate::service::escalate`): marked,
//! given to the person on duty if nobody has it, audited and announced to the live tables,
//! where every open desk shows it in a banner. The `escalation` job of the server runs
//! [`escalate_due`] every half minute; its clock is a parameter, so tests set it.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{EscalatedCall, EscalationSettings};
use crate::{
    audit::{self, Actor},
    db::calls::Restricted,
    domain::{AuditAction, CallId, Invalid, UserId, Version, limits},
    service::{self, ActionError, ChangeError},
};

/// Calls one run escalates at most; more wait for the next run half a minute later.
const BATCH: i64 = 100;

pub async fn settings(conn: &mut PgConnection) -> sqlx::Result<EscalationSettings> {
    sqlx::query_as!(
        EscalationSettings,
        "select after_minutes, on_duty_user_id as on_duty from escalation_settings"
    )
    .fetch_one(conn)
    .await
}

/// Saves the escalation time and the person on duty (an active user, or nobody), audited.
pub async fn save(
    pool: &PgPool,
    actor: Actor,
    new: EscalationSettings,
) -> Result<EscalationSettings, ActionError> {
    if !limits::ESCALATION_MINUTES.contains(&new.after_minutes) {
        return Err(invalid("after_minutes", Invalid::EscalationMinutes));
    }
    let mut tx = pool.begin().await?;
    if let Some(user) = new.on_duty {
        let active = sqlx::query_scalar!("select is_active from users where id = $1", user)
            .fetch_optional(&mut *tx)
            .await?;
        match active {
            Some(true) => {}
            Some(false) => return Err(invalid("on_duty", Invalid::AssigneeInactive)),
            None => return Err(invalid("on_duty", Invalid::AssigneeUnknown)),
        }
    }
    let old = sqlx::query_as!(
        EscalationSettings,
        "update escalation_settings
            set after_minutes = $1, on_duty_user_id = $2, updated_by = $3, updated_at = now()
           from (select after_minutes, on_duty_user_id from escalation_settings for update) old
         returning old.after_minutes, old.on_duty_user_id as on_duty",
        new.after_minutes,
        new.on_duty,
        actor.user_id(),
    )
    .fetch_one(&mut *tx)
    .await?;
    let diff = json!({
        "after_minutes": { "old": old.after_minutes, "new": new.after_minutes },
        "on_duty_user_id": { "old": old.on_duty, "new": new.on_duty },
    });
    audit::record(
        &mut tx,
        actor,
        AuditAction::EscalationSettingsChanged,
        None,
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// What a run of [`escalate_due`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Escalations {
    /// Calls escalated now.
    pub escalated: u64,
    /// Of those, given to the person on duty.
    pub assigned: u64,
    /// Changed by someone while being escalated: tried again next run.
    pub conflicts: u64,
}

/// Escalates the open urgent calls received `after_minutes` or more before `now` and not
/// escalated yet, oldest first. The person on duty gets those nobody has, while active.
/// Restricted calls are left alone: nobody may change them.
pub async fn escalate_due(pool: &PgPool, now: DateTime<Utc>) -> Result<Escalations, ActionError> {
    let mut conn = pool.acquire().await?;
    let settings = sqlx::query!(
        r#"select s.after_minutes, u.id as "on_duty?"
             from escalation_settings s
             left join users u on u.id = s.on_duty_user_id and u.is_active"#
    )
    .fetch_one(&mut *conn)
    .await?;
    let (after_minutes, on_duty) = (settings.after_minutes, settings.on_duty.map(UserId));
    let due = sqlx::query!(
        "select id, version, assignee_id from calls
          where priority = 'urgent' and status <> 'DONE' and escalated_at is null
            and restricted_at is null and received_at >= call_retention_cutoff()
            and received_at <= $1::timestamptz - make_interval(mins => $2)
          order by received_at, id limit $3",
        now,
        after_minutes,
        BATCH,
    )
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut done = Escalations::default();
    for call in due {
        let outcome = service::escalate(
            pool,
            CallId(call.id),
            Version(call.version),
            after_minutes,
            on_duty,
        )
        .await;
        match outcome {
            Ok(escalated) => {
                done.escalated += 1;
                if call.assignee_id.is_none() && escalated.assignee_id.is_some() {
                    done.assigned += 1;
                }
            }
            Err(ChangeError::Conflict(_)) => done.conflicts += 1,
            Err(ChangeError::Action(ActionError::NotFound(_))) => {}
            Err(ChangeError::Action(error)) => return Err(error),
        }
    }
    Ok(done)
}

/// The escalated calls still open, oldest first, that `restricted` lets the reader see: the
/// banner of every desk. No personal data: the banner links to the calls.
pub async fn open(
    conn: &mut PgConnection,
    restricted: Restricted,
) -> sqlx::Result<Vec<EscalatedCall>> {
    sqlx::query_as!(
        EscalatedCall,
        "select id, received_at from calls c
          where escalated_at is not null and status <> 'DONE' and restricted_at is null
            and received_at >= call_retention_cutoff()
            and ($1 or source in (select source from policy_sources where agents_see))
          order by received_at, id",
        restricted == Restricted::Shown,
    )
    .fetch_all(conn)
    .await
}

/// How many escalated calls are open, for `/metrics`.
pub async fn open_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from calls
            where escalated_at is not null and status <> 'DONE'
              and received_at >= call_retention_cutoff()"#
    )
    .fetch_one(conn)
    .await
}

fn invalid(field: &'static str, reason: Invalid) -> ActionError {
    ActionError::Invalid { field, reason }
}

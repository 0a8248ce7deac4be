//! The repeat callers' window and the runs the database folds (see the module above).

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{RepeatSettings, RepeatedCall};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, CallId, CallQuery, CallStatus, Invalid, Priority, limits},
    service::ActionError,
};

/// Whether a list shows a run of repeat calls as one row: the everyday views of the desk do
/// (`crate::domain::CallQuery::is_everyday`); a filtered or searched view, and the REST API,
/// show each call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folding {
    Runs,
    Each,
}

impl Folding {
    /// How the desk shows `query`.
    pub fn of_desk(query: &CallQuery) -> Self {
        if query.is_everyday() {
            Self::Runs
        } else {
            Self::Each
        }
    }
}

pub async fn settings(conn: &mut PgConnection) -> sqlx::Result<RepeatSettings> {
    sqlx::query_as!(RepeatSettings, "select window_minutes from repeat_settings")
        .fetch_one(conn)
        .await
}

/// Saves the window and folds every open call again by it, in one audited transaction.
pub async fn save(
    pool: &PgPool,
    actor: Actor,
    new: RepeatSettings,
) -> Result<RepeatSettings, ActionError> {
    if !limits::REPEAT_WINDOW_MINUTES.contains(&new.window_minutes) {
        return Err(ActionError::Invalid {
            field: "window_minutes",
            reason: Invalid::RepeatWindow,
        });
    }
    let mut tx = pool.begin().await?;
    let old = sqlx::query_scalar!(
        "update repeat_settings set window_minutes = $1, updated_by = $2, updated_at = now()
           from (select window_minutes from repeat_settings for update) old
           returning old.window_minutes",
        new.window_minutes,
        actor.user_id(),
    )
    .fetch_one(&mut *tx)
    .await?;
    let refolded = sqlx::query_scalar!(
        r#"select refold_calls(array_agg(distinct caller_number)) as "refolded!"
             from calls
            where caller_number is not null
              and (status <> 'DONE' or folded_into is not null or repeats <> 1)"#
    )
    .fetch_one(&mut *tx)
    .await?;
    let diff = json!({
        "window_minutes": { "old": old, "new": new.window_minutes },
        "refolded_calls": refolded,
    });
    audit::record(
        &mut tx,
        actor,
        AuditAction::RepeatSettingsChanged,
        None,
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// The other open calls of the run `call` belongs to, newest first; empty for a call of its
/// own. A run holds no restricted call and shares the call's number and source, so whoever may
/// see the call may see them.
pub async fn run(conn: &mut PgConnection, call: CallId) -> sqlx::Result<Vec<RepeatedCall>> {
    sqlx::query_as!(
        RepeatedCall,
        r#"select r.id, r.received_at, r.topic, r.priority as "priority: Priority",
                  r.status as "status: CallStatus"
             from calls c
             join calls r on r.id <> c.id
                         and (r.folded_into = coalesce(c.folded_into, c.id)
                              or r.id = c.folded_into)
            where c.id = $1 and r.received_at >= call_retention_cutoff()
            order by r.received_at desc, r.id desc"#,
        call.0,
    )
    .fetch_all(conn)
    .await
}

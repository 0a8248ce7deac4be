//! Every change a person makes to calls, used alike by the server functions and the REST API.
//!
//! Each change runs in one transaction that locks the call, checks the `version` the change
//! was made on, writes the call, its `call_status` history and its `actions_audit` row, and
//! queues one `NOTIFY` for the live table. A stale version is a conflict that carries the
//! current row, so nothing is overwritten unseen.

mod checks;
mod note;
mod repeats;

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use checks::{accepted, check_assignable, may_change};
pub use note::add_note;
pub use repeats::{close_repeats, restore_statuses};

use crate::{
    audit::{self, Actor},
    db::{self, calls::Restricted},
    domain::{
        AuditAction, BulkOutcome, CallId, CallStatus, Invalid, Priority, StoredCall, UserId,
        Version, limits,
    },
};

/// Why an action was not taken.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("call {0} does not exist")]
    NotFound(CallId),
    #[error("the hourly limit of {per_hour} reveals is reached")]
    RevealLimit { per_hour: u16 },
    #[error("{field}: {reason:?}")]
    Invalid {
        field: &'static str,
        reason: Invalid,
    },
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
    /// The active source policy could not be read.
    #[error(transparent)]
    Policy(#[from] crate::compliance::ComplianceError),
}

/// Why a change made on a version was not made: an [`ActionError`], or a conflict that
/// carries the call as it is now (as stored: [`crate::domain::Mask::show`] makes the answer).
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("call {} was changed by someone else (now version {})", .0.id, .0.version)]
    Conflict(Box<StoredCall>),
    #[error(transparent)]
    Action(#[from] ActionError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Action(error.into())
    }
}

/// One change to one call.
#[derive(Clone, Debug)]
enum Change {
    Status {
        status: CallStatus,
        comment: Option<String>,
    },
    Assignee(Option<UserId>),
    /// Accept the LLM suggestion of ledger row `id`: its urgency and category become the
    /// call's.
    Suggestion {
        id: i64,
        priority: Priority,
        category: String,
    },
    /// Mark the call escalated (`crate::rules::escalation`) and give it to `on_duty` if nobody
    /// has it.
    Escalation {
        after_minutes: i32,
        on_duty: Option<UserId>,
    },
}

enum Applied {
    Changed(StoredCall),
    Unchanged(StoredCall),
}

/// Sets a call's status. Setting the status it already has changes nothing and succeeds,
/// whatever the version, so marking done twice is harmless.
pub async fn set_status(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
    version: Version,
    status: CallStatus,
    comment: Option<String>,
) -> Result<StoredCall, ChangeError> {
    let comment = comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(comment) = &comment {
        if comment.chars().count() > limits::COMMENT_MAX_CHARS {
            return Err(invalid("comment", Invalid::CommentTooLong).into());
        }
        if comment.contains('\0') {
            return Err(invalid("comment", Invalid::NulCharacter).into());
        }
    }
    let change = Change::Status { status, comment };
    single(pool, actor, call_id, version, change).await
}

/// Assigns a call to an active user, or to nobody with `None`.
pub async fn assign(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
    version: Version,
    assignee: Option<UserId>,
) -> Result<StoredCall, ChangeError> {
    single(pool, actor, call_id, version, Change::Assignee(assignee)).await
}

/// Accepts the call's LLM suggestion `suggestion_id` (a row of its ledger that brought one):
/// the call takes its urgency as priority and its category. Accepting what the call already
/// has changes nothing and succeeds.
pub async fn accept_suggestion(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
    version: Version,
    suggestion_id: i64,
) -> Result<StoredCall, ChangeError> {
    let mut conn = pool.acquire().await?;
    let (priority, category) = accepted(&mut conn, call_id, suggestion_id).await?;
    drop(conn);
    let change = Change::Suggestion {
        id: suggestion_id,
        priority,
        category,
    };
    single(pool, actor, call_id, version, change).await
}

/// Escalates an open urgent call that waited `after_minutes` (the server does, as
/// [`Actor::System`]): marks it and assigns it to `on_duty` if nobody has it. A call escalated
/// already changes nothing; one changed since `version` is a conflict, tried again next time.
pub async fn escalate(
    pool: &PgPool,
    call_id: CallId,
    version: Version,
    after_minutes: i32,
    on_duty: Option<UserId>,
) -> Result<StoredCall, ChangeError> {
    let change = Change::Escalation {
        after_minutes,
        on_duty,
    };
    single(pool, Actor::System, call_id, version, change).await
}

/// Sets the status of many calls in one transaction. Calls changed by someone else since
/// `version` are left alone and reported with their current state.
pub async fn bulk_set_status(
    pool: &PgPool,
    actor: Actor,
    targets: &[(CallId, Version)],
    status: CallStatus,
) -> Result<BulkOutcome<StoredCall>, ActionError> {
    let change = Change::Status {
        status,
        comment: None,
    };
    bulk(pool, actor, each(targets, change)).await
}

/// Assigns many calls in one transaction, like [`bulk_set_status`].
pub async fn bulk_assign(
    pool: &PgPool,
    actor: Actor,
    targets: &[(CallId, Version)],
    assignee: Option<UserId>,
) -> Result<BulkOutcome<StoredCall>, ActionError> {
    bulk(pool, actor, each(targets, Change::Assignee(assignee))).await
}

async fn single(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
    version: Version,
    change: Change,
) -> Result<StoredCall, ChangeError> {
    if version.0 < 1 {
        return Err(invalid("version", Invalid::VersionMalformed).into());
    }
    let mut tx = pool.begin().await?;
    match apply(&mut tx, actor, call_id, version, &change).await? {
        Applied::Unchanged(call) => Ok(call),
        Applied::Changed(call) => {
            db::notify_changed(&mut tx, &[call_id]).await?;
            tx.commit().await?;
            Ok(call)
        }
    }
}

/// Makes each change to its call in one transaction; a conflict or a missing call leaves that
/// call alone and is reported, any other error undoes them all.
async fn bulk(
    pool: &PgPool,
    actor: Actor,
    changes: Vec<(CallId, Version, Change)>,
) -> Result<BulkOutcome<StoredCall>, ActionError> {
    if changes.len() > limits::BULK_MAX_CALLS {
        return Err(invalid("targets", Invalid::TooManyCalls));
    }
    let mut tx = pool.begin().await?;
    let mut outcome = BulkOutcome::default();
    for (call_id, version, change) in changes {
        match apply(&mut tx, actor, call_id, version, &change).await {
            Ok(Applied::Changed(call)) => outcome.changed.push(call),
            Ok(Applied::Unchanged(call)) => outcome.unchanged.push(call.id),
            Err(ChangeError::Conflict(call)) => outcome.conflicts.push(*call),
            Err(ChangeError::Action(ActionError::NotFound(id))) => outcome.missing.push(id.0),
            Err(ChangeError::Action(other)) => return Err(other),
        }
    }
    let ids: Vec<CallId> = outcome.changed.iter().map(|call| CallId(call.id)).collect();
    db::notify_changed(&mut tx, &ids).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// The same change for each target.
fn each(targets: &[(CallId, Version)], change: Change) -> Vec<(CallId, Version, Change)> {
    targets
        .iter()
        .map(|&(call_id, version)| (call_id, version, change.clone()))
        .collect()
}

/// Locks the call, checks the version and writes the change with its history and audit.
async fn apply(
    tx: &mut PgConnection,
    actor: Actor,
    call_id: CallId,
    version: Version,
    change: &Change,
) -> Result<Applied, ChangeError> {
    let current = sqlx::query!(
        r#"select status as "status: CallStatus", assignee_id, version,
                  priority as "priority: Priority", category,
                  restricted_at is not null as "restricted!",
                  escalated_at is not null as "escalated!",
                  source in (select source from policy_sources where agents_see) as "looked_up!"
           from calls where id = $1 and received_at >= call_retention_cutoff() for update"#,
        call_id.0,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ActionError::NotFound(call_id))?;
    may_change(tx, actor, call_id, current.restricted, current.looked_up).await?;
    let already = match change {
        Change::Status { status, .. } => current.status == *status,
        Change::Assignee(assignee) => current.assignee_id == assignee.map(|user| user.0),
        Change::Suggestion {
            priority, category, ..
        } => current.priority == *priority && current.category.as_ref() == Some(category),
        Change::Escalation { .. } => current.escalated,
    };
    if already {
        return Ok(Applied::Unchanged(fetch(tx, call_id).await?));
    }
    if current.version != version.0 {
        return Err(ChangeError::Conflict(Box::new(fetch(tx, call_id).await?)));
    }
    let (action, diff) = match change {
        Change::Status { status, comment } => {
            sqlx::query!(
                "update calls set status = $2, version = version + 1, updated_at = now(),
                        done_at = case when $2::call_state = 'DONE' then now() end
                  where id = $1",
                call_id.0,
                *status as CallStatus,
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!(
                "insert into call_status (call_id, status, changed_by, comment) values ($1, $2, $3, $4)",
                call_id.0,
                *status as CallStatus,
                actor.user_id(),
                comment.as_deref(),
            )
            .execute(&mut *tx)
            .await?;
            let diff = json!({ "status": { "old": current.status, "new": status } });
            (AuditAction::StatusChange, diff)
        }
        Change::Assignee(assignee) => {
            if let Some(user) = assignee {
                check_assignable(tx, *user).await?;
            }
            sqlx::query!(
                "update calls set assignee_id = $2, version = version + 1, updated_at = now() where id = $1",
                call_id.0,
                assignee.map(|user| user.0),
            )
            .execute(&mut *tx)
            .await?;
            let diff = json!({ "assignee_id": { "old": current.assignee_id, "new": assignee } });
            (AuditAction::Assign, diff)
        }
        Change::Suggestion {
            id,
            priority,
            category,
        } => {
            sqlx::query!(
                "update calls set priority = $2, category = $3, priority_by_person = true,
                        priority_rule_id = null, version = version + 1, updated_at = now()
                  where id = $1",
                call_id.0,
                *priority as Priority,
                category,
            )
            .execute(&mut *tx)
            .await?;
            let diff = json!({
                "suggestion_id": id,
                "priority": { "old": current.priority, "new": priority },
                "category": { "old": current.category, "new": category },
            });
            (AuditAction::SuggestionAccepted, diff)
        }
        Change::Escalation {
            after_minutes,
            on_duty,
        } => {
            let assignee = current.assignee_id.or(on_duty.map(|user| user.0));
            sqlx::query!(
                "update calls set escalated_at = now(), assignee_id = $2, version = version + 1,
                        updated_at = now()
                  where id = $1",
                call_id.0,
                assignee,
            )
            .execute(&mut *tx)
            .await?;
            let diff = json!({
                "after_minutes": after_minutes,
                "assignee_id": { "old": current.assignee_id, "new": assignee },
            });
            (AuditAction::Escalated, diff)
        }
    };
    audit::record(tx, actor, action, Some(call_id.0), diff).await?;
    Ok(Applied::Changed(fetch(tx, call_id).await?))
}

async fn fetch(tx: &mut PgConnection, call_id: CallId) -> Result<StoredCall, ActionError> {
    db::calls::item(tx, call_id.0, Restricted::Shown)
        .await?
        .ok_or(ActionError::NotFound(call_id))
}

fn invalid(field: &'static str, reason: Invalid) -> ActionError {
    ActionError::Invalid { field, reason }
}

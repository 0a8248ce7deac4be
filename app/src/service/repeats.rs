//! Closing a run of repeat calls (`crate::repeat`) at once, and putting statuses back (Undo).

use sqlx::PgPool;

use super::{ActionError, Applied, Change, ChangeError, apply, bulk, fetch, invalid};
use crate::{
    audit::Actor,
    db,
    domain::{BulkOutcome, CallId, CallStatus, Invalid, StatusBefore, StoredCall, Version},
    repeat::RepeatsClosed,
};

/// Marks done the call the desk shows for a run of repeat calls, seen at `version`, and every
/// call folded into it, in one transaction: each with its status history and audit row. When a
/// newer call has joined the run since, the row was another one: a conflict, so nobody closes
/// a concern they have not seen.
pub async fn close_repeats(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
    version: Version,
) -> Result<RepeatsClosed, ChangeError> {
    if version.0 < 1 {
        return Err(invalid("version", Invalid::VersionMalformed).into());
    }
    let mut tx = pool.begin().await?;
    let run = sqlx::query!(
        r#"select id, version, status as "status: CallStatus", folded_into
             from calls
            where (id = $1 or folded_into = $1) and received_at >= call_retention_cutoff()
            order by id = $1 desc, received_at desc, id desc
              for update"#,
        call_id.0,
    )
    .fetch_all(&mut *tx)
    .await?;
    match run.first() {
        Some(row) if row.id == call_id.0 && row.folded_into.is_none() => {}
        Some(row) if row.id == call_id.0 => {
            return Err(ChangeError::Conflict(Box::new(
                fetch(&mut tx, call_id).await?,
            )));
        }
        _ => return Err(ActionError::NotFound(call_id).into()),
    }
    let done = Change::Status {
        status: CallStatus::Done,
        comment: None,
    };
    let mut closed = RepeatsClosed::default();
    let mut changed = Vec::with_capacity(run.len());
    for call in run {
        let seen = if call.id == call_id.0 {
            version
        } else {
            Version(call.version)
        };
        match apply(&mut tx, actor, CallId(call.id), seen, &done).await? {
            Applied::Changed(now) => {
                closed.closed.push(StatusBefore {
                    call_id: now.id,
                    version: now.version,
                    status: call.status,
                });
                changed.push(CallId(now.id));
            }
            Applied::Unchanged(_) => closed.unchanged += 1,
        }
    }
    db::notify_changed(&mut tx, &changed).await?;
    tx.commit().await?;
    Ok(closed)
}

/// Puts each call back to the status it had, as long as nobody changed it since (Undo of a
/// change of one or many calls), in one transaction.
pub async fn restore_statuses(
    pool: &PgPool,
    actor: Actor,
    steps: &[StatusBefore],
) -> Result<BulkOutcome<StoredCall>, ActionError> {
    let changes = steps
        .iter()
        .map(|step| {
            let change = Change::Status {
                status: step.status,
                comment: None,
            };
            (CallId(step.call_id), Version(step.version), change)
        })
        .collect();
    bulk(pool, actor, changes).await
}

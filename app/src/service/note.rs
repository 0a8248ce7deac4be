//! Notes on a call: they only ever add, screened by the source policy's PII rules.

use serde_json::json;
use sqlx::PgPool;

use super::{ActionError, invalid, may_change};
use crate::{
    audit::{self, Actor},
    compliance::{
        self,
        enforcer::{self, Screened},
    },
    db,
    domain::{AuditAction, CallId, Invalid, NoteEntry, limits},
};

/// Adds a note to a call. Notes only ever add, so they need no version.
pub async fn add_note(
    pool: &PgPool,
    actor: Actor,
    call_id: CallId,
    body: &str,
) -> Result<NoteEntry, ActionError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(invalid("note", Invalid::NoteEmpty));
    }
    if body.chars().count() > limits::NOTE_MAX_CHARS {
        return Err(invalid("note", Invalid::NoteTooLong));
    }
    if body.contains('\0') {
        return Err(invalid("note", Invalid::NulCharacter));
    }
    let policy = compliance::store::active(pool).await?;
    let mut tx = pool.begin().await?;
    let call = sqlx::query!(
        r#"select restricted_at is not null as "restricted!",
                  source in (select source from policy_sources where agents_see) as "looked_up!",
                  source, caller_number
           from calls where id = $1 and received_at >= call_retention_cutoff() for update"#,
        call_id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ActionError::NotFound(call_id))?;
    may_change(&mut tx, actor, call_id, call.restricted, call.looked_up).await?;
    let own_number = call.caller_number.as_deref();
    let body = match enforcer::screen(pool, &policy, actor, &call.source, body, own_number).await? {
        Screened::Keep(body) => body,
        Screened::Blocked { .. } => return Err(invalid("note", Invalid::NotePiiBlocked)),
    };
    let note = sqlx::query!(
        "insert into notes (call_id, author_id, body) values ($1, $2, $3) returning id, created_at",
        call_id.0,
        actor.user_id(),
        &body,
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update calls set updated_at = now() where id = $1",
        call_id.0
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        AuditAction::Note,
        Some(call_id.0),
        json!({ "note_id": { "new": note.id } }),
    )
    .await?;
    db::notify_changed(&mut tx, &[call_id]).await?;
    tx.commit().await?;
    let author = match actor.user_id() {
        Some(id) => db::users::name(pool, id).await?,
        None => None,
    };
    Ok(NoteEntry {
        id: note.id,
        body,
        author,
        created_at: note.created_at,
    })
}

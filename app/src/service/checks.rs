//! What the one path of changes checks before it changes a call.

use sqlx::PgConnection;

use super::{ActionError, invalid};
use crate::{
    audit::Actor,
    domain::{CallId, Invalid, Priority, UserId},
    llm::{ledger, settings},
};

/// The priority and category suggestion `id` of the call gives, if its category is still on the
/// practice's list.
pub(super) async fn accepted(
    conn: &mut PgConnection,
    call_id: CallId,
    id: i64,
) -> Result<(Priority, String), ActionError> {
    let suggestion = ledger::suggestion(conn, call_id, id)
        .await?
        .ok_or_else(|| invalid("suggestion_id", Invalid::SuggestionUnknown))?;
    let categories = settings::read(conn).await?.categories;
    if !categories.contains(&suggestion.category) {
        return Err(invalid("suggestion_id", Invalid::CategoryUnknown));
    }
    Ok((suggestion.urgency, suggestion.category))
}

pub(super) async fn check_assignable(
    tx: &mut PgConnection,
    user: UserId,
) -> Result<(), ActionError> {
    let active = sqlx::query_scalar!("select is_active from users where id = $1", user.0)
        .fetch_optional(&mut *tx)
        .await?;
    match active {
        Some(true) => Ok(()),
        Some(false) => Err(invalid("assignee_id", Invalid::AssigneeInactive)),
        None => Err(invalid("assignee_id", Invalid::AssigneeUnknown)),
    }
}

/// Whether `actor` may change the call. Nobody changes a restricted call: admins learn why.
/// For agents, a restricted call and one whose source the policy does not let them look up do
/// not exist, as everywhere else; admins (and the server's escalation) change the latter.
pub(super) async fn may_change(
    conn: &mut PgConnection,
    actor: Actor,
    call_id: CallId,
    restricted: bool,
    looked_up: bool,
) -> Result<(), ActionError> {
    if !restricted && (looked_up || matches!(actor, Actor::System)) {
        return Ok(());
    }
    let admin = sqlx::query_scalar!(
        r#"select role = 'ADMIN' as "admin!" from users where id = $1"#,
        actor.user_id()
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(false);
    match (admin, restricted) {
        (true, true) => Err(invalid("id", Invalid::CallRestricted)),
        (true, false) => Ok(()),
        (false, _) => Err(ActionError::NotFound(call_id)),
    }
}

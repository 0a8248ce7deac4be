//! Masking settings and revealing a masked field. What is masked is decided here, on the
//! server, for every answer that carries a call (see [`crate::domain::Mask`]).

use serde_json::json;
use sqlx::PgPool;

use crate::{
    audit::{self, Actor},
    domain::{AuditAction, MaskLevel, MaskingPolicy, PiiField, Role, SessionUser},
    service::ActionError,
};

/// The policy admins set for agents.
pub async fn policy(pool: &PgPool) -> sqlx::Result<MaskingPolicy> {
    let rows = sqlx::query!("select field, level from pii_masking")
        .fetch_all(pool)
        .await?;
    let mut policy = MaskingPolicy::OPEN;
    for row in rows {
        if let (Ok(field), Ok(level)) = (row.field.parse(), row.level.parse()) {
            policy.set(field, level);
        }
    }
    Ok(policy)
}

/// What `user` sees: admins everything, agents what the policy leaves visible.
pub async fn policy_for(pool: &PgPool, user: &SessionUser) -> sqlx::Result<MaskingPolicy> {
    if user.role.allows(Role::Admin) {
        Ok(MaskingPolicy::OPEN)
    } else {
        policy(pool).await
    }
}

/// Stores a new policy; the audit row holds each changed field's old and new level.
pub async fn set_policy(pool: &PgPool, actor: Actor, new: MaskingPolicy) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let old = sqlx::query!("select field, level from pii_masking for update")
        .fetch_all(&mut *tx)
        .await?;
    let mut diff = serde_json::Map::new();
    for field in PiiField::ALL {
        let level = new.level(field);
        let before = old
            .iter()
            .find(|row| row.field == field.as_str())
            .and_then(|row| row.level.parse::<MaskLevel>().ok())
            .unwrap_or_default();
        if before == level {
            continue;
        }
        sqlx::query!(
            "insert into pii_masking (field, level, updated_by) values ($1, $2, $3)
             on conflict (field) do update
             set level = excluded.level, updated_at = now(), updated_by = excluded.updated_by",
            field.as_str(),
            level.as_str(),
            actor.user_id(),
        )
        .execute(&mut *tx)
        .await?;
        diff.insert(
            field.as_str().to_owned(),
            json!({ "old": before.as_str(), "new": level.as_str() }),
        );
    }
    if !diff.is_empty() {
        let diff = serde_json::Value::Object(diff);
        audit::record(&mut tx, actor, AuditAction::MaskingChanged, None, diff).await?;
    }
    tx.commit().await
}

/// Shows `user` the real value of one field of a call, recording who, which field and why.
/// The reason is kept in `pii_reveals`; the audit row names that row.
pub async fn reveal(
    pool: &PgPool,
    user: &SessionUser,
    call_id: i64,
    field: PiiField,
    reason: &str,
) -> Result<Option<String>, ActionError> {
    let reason = reason.trim();
    if !(3..=500).contains(&reason.chars().count()) {
        return Err(ActionError::Invalid {
            field: "reason",
            message: "Bitte einen Grund mit 3 bis 500 Zeichen angeben.".to_owned(),
        });
    }
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "select caller_name, caller_number, date_of_birth from calls where id = $1",
        call_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ActionError::NotFound(call_id))?;
    let value = match field {
        PiiField::CallerName => row.caller_name,
        PiiField::CallerNumber => row
            .caller_number
            .map(|number| crate::domain::PhoneNumber::from_stored(number).to_string()),
        PiiField::DateOfBirth => row
            .date_of_birth
            .map(|date| date.format("%d.%m.%Y").to_string()),
    };
    let reveal_id = sqlx::query_scalar!(
        "insert into pii_reveals (call_id, user_id, field, reason) values ($1, $2, $3, $4)
         returning id",
        call_id,
        user.id,
        field.as_str(),
        reason,
    )
    .fetch_one(&mut *tx)
    .await?;
    let diff = json!({ "field": field, "reveal_id": reveal_id });
    let actor = Actor::User(user.id);
    audit::record(
        &mut tx,
        actor,
        AuditAction::FieldRevealed,
        Some(call_id),
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(value)
}

//! Masking settings and revealing a masked field. What a viewer sees of a call is decided by
//! [`crate::domain::Mask`], on the server, for every answer that carries a call.

use serde_json::json;
use sqlx::PgPool;

use crate::{
    audit::{self, Actor},
    domain::{
        AuditAction, CallId, Invalid, MaskLevel, MaskingPolicy, MaskingSettings, PiiField, Role,
        SessionUser, limits,
    },
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

/// The policy with the hourly reveal limit, as the admin area shows them.
pub async fn settings(pool: &PgPool) -> sqlx::Result<MaskingSettings> {
    let per_hour = sqlx::query_scalar!("select per_hour from pii_reveal_limit")
        .fetch_one(pool)
        .await?;
    Ok(MaskingSettings {
        policy: policy(pool).await?,
        reveals_per_hour: u16::try_from(per_hour).unwrap_or(u16::MAX),
    })
}

/// What `user` sees: admins everything, agents what the policy leaves visible.
pub async fn policy_for(pool: &PgPool, user: &SessionUser) -> sqlx::Result<MaskingPolicy> {
    if user.role.allows(Role::Admin) {
        Ok(MaskingPolicy::OPEN)
    } else {
        policy(pool).await
    }
}

/// Stores new settings in one transaction; the audit row holds each changed value's old and
/// new form.
pub async fn set_settings(
    pool: &PgPool,
    actor: Actor,
    new: MaskingSettings,
) -> Result<(), ActionError> {
    if !limits::REVEALS_PER_HOUR.contains(&new.reveals_per_hour) {
        return Err(ActionError::Invalid {
            field: "reveals_per_hour",
            reason: Invalid::RevealsPerHourRange,
        });
    }
    let mut tx = pool.begin().await?;
    let old = sqlx::query!("select field, level from pii_masking for update")
        .fetch_all(&mut *tx)
        .await?;
    let mut diff = serde_json::Map::new();
    for field in PiiField::ALL {
        let level = new.policy.level(field);
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
    let per_hour = i32::from(new.reveals_per_hour);
    let before = sqlx::query_scalar!("select per_hour from pii_reveal_limit for update")
        .fetch_one(&mut *tx)
        .await?;
    if before != per_hour {
        sqlx::query!(
            "update pii_reveal_limit set per_hour = $1, updated_at = now(), updated_by = $2",
            per_hour,
            actor.user_id(),
        )
        .execute(&mut *tx)
        .await?;
        diff.insert(
            "per_hour".to_owned(),
            json!({ "old": before, "new": per_hour }),
        );
    }
    if !diff.is_empty() {
        let diff = serde_json::Value::Object(diff);
        audit::record(&mut tx, actor, AuditAction::MaskingChanged, None, diff).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Shows `user` the real value of one field of a call, recording who, which field and why.
/// The reason is kept in `pii_reveals`; the audit row names that row. Past the hourly limit
/// the reveal is refused, and the refusal is audited.
pub async fn reveal(
    pool: &PgPool,
    user: &SessionUser,
    call_id: i64,
    field: PiiField,
    reason: &str,
) -> Result<Option<String>, ActionError> {
    let reason = reason.trim();
    if !limits::REASON_CHARS.contains(&reason.chars().count()) {
        return Err(ActionError::Invalid {
            field: "reason",
            reason: Invalid::RevealReasonLength,
        });
    }
    if reason.contains('\0') {
        return Err(ActionError::Invalid {
            field: "reason",
            reason: Invalid::NulCharacter,
        });
    }
    let actor = Actor::User(user.id);
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "select caller_name, caller_number, date_of_birth_sealed from calls
         where id = $1 and received_at >= call_retention_cutoff() and restricted_at is null
           and ($2 or source in (select source from policy_sources where agents_see))",
        call_id,
        user.role.allows(Role::Admin)
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ActionError::NotFound(CallId(call_id)))?;
    if let Some(per_hour) = limit_reached(&mut tx, user.id).await? {
        let diff = json!({ "field": field, "per_hour": per_hour });
        audit::record(
            &mut tx,
            actor,
            AuditAction::RevealRefused,
            Some(call_id),
            diff,
        )
        .await?;
        tx.commit().await?;
        return Err(ActionError::RevealLimit { per_hour });
    }
    let value = match field {
        PiiField::CallerName => row.caller_name,
        PiiField::CallerNumber => row
            .caller_number
            .map(|number| crate::domain::PhoneNumber::from_stored(number).to_string()),
        PiiField::DateOfBirth => row
            .date_of_birth_sealed
            .as_deref()
            .map(crate::at_rest::open_date)
            .transpose()
            .map_err(sqlx::Error::from)?
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

/// The hourly limit, if `user` has reached it. Locks the user's row first, so two reveals at
/// once are counted one after the other and cannot both slip under the limit.
async fn limit_reached(tx: &mut sqlx::PgConnection, user: i64) -> sqlx::Result<Option<u16>> {
    sqlx::query!("select id from users where id = $1 for update", user)
        .fetch_one(&mut *tx)
        .await?;
    let state = sqlx::query!(
        r#"select (select per_hour from pii_reveal_limit) as "per_hour!",
                  (select count(*) from pii_reveals
                    where user_id = $1 and revealed_at > now() - interval '1 hour') as "recent!""#,
        user,
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok((state.recent >= i64::from(state.per_hour))
        .then(|| u16::try_from(state.per_hour).unwrap_or(u16::MAX)))
}

//! The rules as stored, and their changes. Each change is checked, audited once as
//! `priority_rules_changed` (with how many open calls it re-evaluated, never per call) and
//! followed at once, in its transaction, by the re-evaluation of the open calls.

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::{
    LABEL_MAX_CHARS, NewRule, PriorityRule, RuleKind, RuleSaved, VALUE_MAX_CHARS,
    matcher::{self, PriorityRules},
};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, CallId, Invalid, PhoneNumber, Priority},
    service::ActionError,
};

/// Every rule, the enabled ones first, each kind together.
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<PriorityRule>> {
    sqlx::query_as!(
        PriorityRule,
        r#"select id, kind as "kind: RuleKind", value, label, priority as "priority: Priority",
                  enabled
           from priority_rules order by enabled desc, kind, label, id"#
    )
    .fetch_all(conn)
    .await
}

/// The enabled rules, ready to match, as the importer reads them for each pass.
pub async fn active(pool: &PgPool) -> sqlx::Result<PriorityRules> {
    let mut conn = pool.acquire().await?;
    Ok(PriorityRules::new(list(&mut conn).await?))
}

/// Adds a rule: a VIP number in any notation (kept in E.164), words, or a pattern that compiles.
pub async fn add(pool: &PgPool, actor: Actor, new: NewRule) -> Result<RuleSaved, ActionError> {
    let rule = checked(new)?;
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "insert into priority_rules (kind, value, label, priority, created_by)
         values ($1, $2, $3, $4, $5)
         on conflict (kind, value) do nothing
         returning id",
        rule.kind as RuleKind,
        rule.value,
        rule.label,
        rule.priority as Priority,
        actor.user_id(),
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| invalid("value", Invalid::RuleDuplicate))?;
    let diff = json!({ "added": described(id, rule.kind, &rule.label, rule.priority) });
    finish(tx, actor, id, diff).await
}

/// Switches a rule on or off.
pub async fn set_enabled(
    pool: &PgPool,
    actor: Actor,
    id: i64,
    enabled: bool,
) -> Result<RuleSaved, ActionError> {
    let mut tx = pool.begin().await?;
    let rule = sqlx::query!(
        r#"update priority_rules set enabled = $2 where id = $1
           returning kind as "kind: RuleKind", label, priority as "priority: Priority""#,
        id,
        enabled,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| invalid("id", Invalid::RuleUnknown))?;
    let mut diff = json!({ "enabled": enabled });
    diff["rule"] = described(id, rule.kind, &rule.label, rule.priority);
    finish(tx, actor, id, diff).await
}

/// Deletes a rule; the calls it set return to what the other rules and their events say.
pub async fn remove(pool: &PgPool, actor: Actor, id: i64) -> Result<RuleSaved, ActionError> {
    let mut tx = pool.begin().await?;
    let rule = sqlx::query!(
        r#"delete from priority_rules where id = $1
           returning kind as "kind: RuleKind", label, priority as "priority: Priority""#,
        id,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| invalid("id", Invalid::RuleUnknown))?;
    let diff = json!({ "removed": described(id, rule.kind, &rule.label, rule.priority) });
    finish(tx, actor, id, diff).await
}

/// Re-evaluates the open calls, audits the change with their count, commits.
async fn finish(
    mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
    actor: Actor,
    id: i64,
    mut diff: Value,
) -> Result<RuleSaved, ActionError> {
    let rules = PriorityRules::new(list(&mut tx).await?);
    let calls_changed = reevaluate(&mut tx, &rules).await?;
    diff["calls_reevaluated"] = json!(calls_changed);
    audit::record(
        &mut tx,
        actor,
        AuditAction::PriorityRulesChanged,
        None,
        diff,
    )
    .await?;
    tx.commit().await?;
    Ok(RuleSaved { id, calls_changed })
}

/// A rule in the audit trail: what it is, never its value (a VIP number may be a person's).
fn described(id: i64, kind: RuleKind, label: &str, priority: Priority) -> Value {
    json!({ "id": id, "kind": kind.as_str(), "label": label, "priority": priority })
}

/// Gives the open calls the priority `rules` decide, where no person set it and nobody may
/// change the call (restricted); returns how many changed. Those are locked, get a new version
/// and are announced to the live tables.
async fn reevaluate(tx: &mut PgConnection, rules: &PriorityRules) -> sqlx::Result<u64> {
    let open = sqlx::query!(
        r#"select id, caller_number, topic, event_priority as "event_priority: Priority",
                  priority as "priority: Priority", priority_rule_id
           from calls
           where status <> 'DONE' and not priority_by_person and restricted_at is null
           order by id
           for update"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut ids = Vec::new();
    let mut priorities = Vec::new();
    let mut rule_ids: Vec<Option<i64>> = Vec::new();
    for call in open {
        let decision = rules.decide(
            call.event_priority,
            call.caller_number.as_deref(),
            call.topic.as_deref(),
        );
        if (decision.priority, decision.rule) != (call.priority, call.priority_rule_id) {
            ids.push(call.id);
            priorities.push(decision.priority.as_str().to_owned());
            rule_ids.push(decision.rule);
        }
    }
    if ids.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        "update calls set priority = u.priority::call_priority, priority_rule_id = u.rule,
                version = calls.version + 1, updated_at = now()
         from unnest($1::bigint[], $2::text[], $3::bigint[]) as u(id, priority, rule)
         where calls.id = u.id",
        &ids,
        &priorities,
        &rule_ids as &[Option<i64>],
    )
    .execute(&mut *tx)
    .await?;
    let changed: Vec<CallId> = ids.iter().copied().map(CallId).collect();
    crate::db::notify_changed(tx, &changed).await?;
    Ok(ids.len() as u64)
}

/// `new` with its value and label trimmed, a VIP number in E.164, or why it cannot be a rule.
fn checked(new: NewRule) -> Result<NewRule, ActionError> {
    let label = new.label.trim().to_owned();
    let value = new.value.trim().to_owned();
    if label.contains('\0') || value.contains('\0') {
        return Err(invalid("value", Invalid::NulCharacter));
    }
    if !(1..=LABEL_MAX_CHARS).contains(&label.chars().count()) {
        return Err(invalid("label", Invalid::RuleLabelLength));
    }
    if !(1..=VALUE_MAX_CHARS).contains(&value.chars().count()) {
        return Err(invalid("value", Invalid::RuleValueLength));
    }
    let value = match new.kind {
        RuleKind::VipNumber => PhoneNumber::e164_of(&value)
            .map_err(|_| invalid("value", Invalid::RuleNumberUnreadable))?,
        RuleKind::Keyword if !matcher::fold(&value).chars().any(char::is_alphanumeric) => {
            return Err(invalid("value", Invalid::RuleValueLength));
        }
        RuleKind::Keyword => value,
        RuleKind::Pattern => {
            matcher::pattern(&value).map_err(|_| invalid("value", Invalid::RulePatternInvalid))?;
            value
        }
    };
    Ok(NewRule {
        value,
        label,
        ..new
    })
}

fn invalid(field: &'static str, reason: Invalid) -> ActionError {
    ActionError::Invalid { field, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(kind: RuleKind, value: &str) -> NewRule {
        NewRule {
            kind,
            value: value.to_owned(),
            label: "Regel".to_owned(),
            priority: Priority::Urgent,
        }
    }

    fn refusal(rule: NewRule) -> Invalid {
        match checked(rule) {
            Err(ActionError::Invalid { reason, .. }) => reason,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_vip_number_in_any_notation_is_kept_in_e164() {
        let rule = checked(new(RuleKind::VipNumber, " 030 / 123 45 67 ")).expect("a number");
        assert_eq!(rule.value, "+49301234567");
    }

    #[test]
    fn bad_rules_are_refused_each_with_its_reason() {
        assert_eq!(
            refusal(new(RuleKind::VipNumber, "Sonnenhof")),
            Invalid::RuleNumberUnreadable
        );
        assert_eq!(
            refusal(new(RuleKind::Pattern, "Brust(schmerz")),
            Invalid::RulePatternInvalid
        );
        assert_eq!(
            refusal(new(RuleKind::Keyword, "  ")),
            Invalid::RuleValueLength
        );
        assert_eq!(
            refusal(new(RuleKind::Keyword, "?!")),
            Invalid::RuleValueLength
        );
        assert_eq!(
            refusal(new(RuleKind::Keyword, &"a".repeat(201))),
            Invalid::RuleValueLength
        );
        assert_eq!(
            refusal(NewRule {
                label: " ".to_owned(),
                ..new(RuleKind::Keyword, "Atemnot")
            }),
            Invalid::RuleLabelLength
        );
    }
}

//! Everything the detail drawer shows about one call.

use sqlx::{PgConnection, PgPool};

use super::calls::Restricted;
use crate::{
    domain::{
        ActorKind, AuditAction, CallId, CallStatus, FieldWarning, LegalHold, NoteEntry,
        Restriction, StatusEntry, StoredAuditEntry, StoredDetail,
    },
    rules::RuleKind,
};

/// The call with its warnings, history, notes, audit trail and raw payload, oldest first, as
/// stored: [`crate::domain::Mask::show`] makes what a viewer may see of it.
pub async fn call_detail(
    pool: &PgPool,
    call: CallId,
    restricted: Restricted,
) -> sqlx::Result<Option<StoredDetail>> {
    let id = call.0;
    let mut conn = pool.acquire().await?;
    let Some(call) = super::calls::item(&mut conn, id, restricted).await? else {
        return Ok(None);
    };
    let row = sqlx::query!(
        r#"select c.event_id, c.created_at, c.warnings,
                  c.raw_payload,
                  c.restricted_at, u.name as "restricted_by?", c.restriction_reason,
                  c.legal_hold_until, c.legal_hold_reason,
                  r.kind as "rule_kind?: RuleKind", r.label as "rule_label?"
           from calls c
           left join users u on u.id = c.restricted_by
           left join priority_rules r on r.id = c.priority_rule_id
           where c.id = $1"#,
        id,
    )
    .fetch_one(&mut *conn)
    .await?;
    let status_history = status_history(&mut conn, id).await?;
    let notes = notes(&mut conn, id).await?;
    let audit = sqlx::query_as!(
        StoredAuditEntry,
        r#"select a.action_type as "action: AuditAction", a.actor_kind as "actor_kind: ActorKind",
                  u.name as "actor_name?",
                  a.occurred_at, a.diff::text as "diff!"
           from actions_audit a left join users u on u.id = a.actor_id
           where a.call_id = $1 order by a.occurred_at, a.id"#,
        id,
    )
    .fetch_all(&mut *conn)
    .await?;
    let repeats = crate::repeat::store::run(&mut conn, CallId(id)).await?;
    Ok(Some(StoredDetail {
        call,
        event_id: row.event_id,
        imported_at: row.created_at,
        warnings: serde_json::from_value::<Vec<FieldWarning>>(row.warnings).unwrap_or_default(),
        status_history,
        notes,
        audit,
        raw_payload: {
            let mut raw = row.raw_payload;
            crate::at_rest::open_payload(&mut raw)?;
            serde_json::to_string_pretty(&raw).expect("a JSON value serialises")
        },
        priority_rule: row.rule_kind.zip(row.rule_label),
        restriction: row
            .restricted_at
            .zip(row.restriction_reason)
            .map(|(since, reason)| Restriction {
                since,
                by: row.restricted_by,
                reason,
                legal_hold: row
                    .legal_hold_until
                    .zip(row.legal_hold_reason)
                    .map(|(until, reason)| LegalHold { until, reason }),
            }),
        repeats,
    }))
}

/// A call's status history, oldest first.
pub async fn status_history(conn: &mut PgConnection, id: i64) -> sqlx::Result<Vec<StatusEntry>> {
    sqlx::query_as!(
        StatusEntry,
        r#"select s.status as "status: CallStatus", s.changed_at, u.name as "changed_by?", s.comment
           from call_status s left join users u on u.id = s.changed_by
           where s.call_id = $1 order by s.changed_at, s.id"#,
        id,
    )
    .fetch_all(conn)
    .await
}

/// A call's notes, oldest first.
pub async fn notes(conn: &mut PgConnection, id: i64) -> sqlx::Result<Vec<NoteEntry>> {
    sqlx::query_as!(
        NoteEntry,
        r#"select n.id, n.body, u.name as "author?", n.created_at
           from notes n left join users u on u.id = n.author_id
           where n.call_id = $1 order by n.created_at, n.id"#,
        id,
    )
    .fetch_all(conn)
    .await
}

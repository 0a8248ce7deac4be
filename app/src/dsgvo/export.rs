//! Export (Art. 15 and 20): everything Anrufe holds about one call or one caller number, as one
//! JSON document in the schema below (`anrufe.dsgvo-export.v1`), for the person to receive.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool};

use super::{DsgvoError, Subject};
use crate::{
    audit::{self, Actor},
    compliance::{self, enforcer::enforce, policy::Operation},
    db::detail,
    domain::{AuditAction, CallStatus, FieldWarning, NoteEntry, Priority, StatusEntry},
};

/// The name and version of the document's schema.
pub const SCHEMA: &str = "anrufe.dsgvo-export.v1";

/// Everything about the calls of one subject.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DsgvoExport {
    /// Always `anrufe.dsgvo-export.v1`.
    pub schema: &'static str,
    pub exported_at: DateTime<Utc>,
    /// `call` or `caller`.
    pub subject: &'static str,
    /// The calls, oldest first.
    pub calls: Vec<ExportedCall>,
}

/// One call with every field, its history, notes, reveals and the audit entries about it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportedCall {
    pub id: i64,
    pub event_id: String,
    pub received_at: DateTime<Utc>,
    pub imported_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub caller_name: Option<String>,
    /// E.164.
    pub caller_number: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub topic: Option<String>,
    pub priority: Priority,
    pub source: String,
    pub status: CallStatus,
    pub assignee: Option<String>,
    pub version: i32,
    /// What the importer noticed about the line.
    pub warnings: Vec<FieldWarning>,
    /// The event as the phone assistant sent it.
    #[schema(value_type = Object)]
    pub raw_payload: Value,
    pub status_history: Vec<StatusEntry>,
    pub notes: Vec<NoteEntry>,
    /// Who revealed which masked field, and when.
    pub reveals: Vec<ExportedReveal>,
    /// The audit entries about the call, oldest first.
    pub audit: Vec<ExportedAudit>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportedReveal {
    pub field: String,
    pub revealed_by: Option<String>,
    pub revealed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportedAudit {
    pub action: String,
    pub actor_kind: String,
    pub actor: Option<String>,
    pub occurred_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub diff: Value,
}

/// Exports `subject` for `reason`, as `actor`: the document, and an audit row per call naming
/// who exported it and why (written before the document is handed out).
pub async fn export(
    pool: &PgPool,
    actor: Actor,
    subject: &Subject,
    reason: &str,
) -> Result<DsgvoExport, DsgvoError> {
    let reason = super::reason(reason)?;
    let mut tx = pool.begin().await?;
    let ids: Vec<i64> = match subject {
        Subject::Call(id) => {
            sqlx::query_scalar!(
                "select id from calls where id = $1 and received_at >= call_retention_cutoff()",
                id.0
            )
            .fetch_all(&mut *tx)
            .await?
        }
        Subject::Caller(number) => {
            sqlx::query_scalar!(
                "select id from calls where caller_number = $1
               and received_at >= call_retention_cutoff() order by received_at, id",
                number.e164()
            )
            .fetch_all(&mut *tx)
            .await?
        }
    };
    if ids.is_empty() {
        return Err(DsgvoError::NotFound);
    }
    // The source policy's operations matrix decides whether these sources' calls may leave.
    let sources = sqlx::query_scalar!(
        "select distinct source from calls where id = any($1) order by source",
        &ids
    )
    .fetch_all(&mut *tx)
    .await?;
    let policy = compliance::store::active(pool).await?;
    for source in sources {
        enforce(
            pool,
            &policy,
            actor,
            &source,
            Operation::Export,
            Some(reason),
        )
        .await??;
    }
    let mut calls = Vec::with_capacity(ids.len());
    for id in &ids {
        calls.push(call(&mut tx, *id).await?);
    }
    for id in &ids {
        let diff = json!({ "subject": subject.kind(), "reason": reason });
        audit::record(&mut tx, actor, AuditAction::DsgvoExported, Some(*id), diff).await?;
    }
    tx.commit().await?;
    Ok(DsgvoExport {
        schema: SCHEMA,
        exported_at: Utc::now(),
        subject: subject.kind(),
        calls,
    })
}

async fn call(conn: &mut PgConnection, id: i64) -> sqlx::Result<ExportedCall> {
    let row = sqlx::query!(
        r#"select c.id, c.event_id, c.received_at, c.created_at, c.updated_at, c.caller_name,
                  c.caller_number, c.date_of_birth_sealed, c.topic, c.priority as "priority: Priority",
                  c.source, c.status as "status: CallStatus", u.name as "assignee?", c.version,
                  c.warnings, c.raw_payload
           from calls c left join users u on u.id = c.assignee_id where c.id = $1"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let status_history = detail::status_history(&mut *conn, id).await?;
    let notes = detail::notes(&mut *conn, id).await?;
    let reveals = sqlx::query_as!(
        ExportedReveal,
        r#"select r.field, u.name as "revealed_by?", r.revealed_at
           from pii_reveals r left join users u on u.id = r.user_id
           where r.call_id = $1 order by r.revealed_at, r.id"#,
        id,
    )
    .fetch_all(&mut *conn)
    .await?;
    let audit = sqlx::query_as!(
        ExportedAudit,
        r#"select a.action_type as action, a.actor_kind, u.name as "actor?", a.occurred_at, a.diff
           from actions_audit a left join users u on u.id = a.actor_id
           where a.call_id = $1 order by a.chain_position"#,
        id,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(ExportedCall {
        id: row.id,
        event_id: row.event_id,
        received_at: row.received_at,
        imported_at: row.created_at,
        updated_at: row.updated_at,
        caller_name: row.caller_name,
        caller_number: row.caller_number,
        date_of_birth: row
            .date_of_birth_sealed
            .as_deref()
            .map(crate::at_rest::open_date)
            .transpose()?,
        topic: row.topic,
        priority: row.priority,
        source: row.source,
        status: row.status,
        assignee: row.assignee,
        version: row.version,
        warnings: serde_json::from_value(row.warnings)
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))?,
        raw_payload: {
            let mut raw = row.raw_payload;
            crate::at_rest::open_payload(&mut raw)?;
            raw
        },
        status_history,
        notes,
        reveals,
        audit,
    })
}

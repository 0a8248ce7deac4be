//! The audit log as a download for the data protection officer: CSV (opens in a spreadsheet)
//! or JSON, with the same filters as the log view, streamed so any size works. Each row carries
//! its chain hash, so an export can be checked against the database later. The export itself
//! is audited.

use std::collections::HashMap;

use app::{
    audit::{self, Actor},
    domain::{AuditAction, AuditFilter, AuditRecord, Role, SessionUser},
};
use axum::{
    Extension,
    body::Body,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::{StreamExt, stream};
use serde_json::json;
use sqlx::PgPool;

use crate::csv_line::{self, spreadsheet_safe};

/// The file formats of the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
}

impl Format {
    fn parse(value: Option<&str>) -> Option<Self> {
        match value.unwrap_or("csv") {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

/// `GET /admin/audit/export?format=csv|json&user=&action=&from=&to=`.
pub async fn export(
    State(pool): State<PgPool>,
    Extension(user): Extension<SessionUser>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !user.role.allows(Role::Admin) {
        return (StatusCode::FORBIDDEN, app::AppError::Forbidden.to_string()).into_response();
    }
    let Some(format) = Format::parse(params.get("format").map(String::as_str)) else {
        return bad_request("format: bitte csv oder json angeben.");
    };
    let filter = match AuditFilter::try_from_params(|key| params.get(key).cloned()) {
        Ok(filter) => filter,
        Err(param) => return bad_request(&format!("{param}: dieser Wert ist ungültig.")),
    };
    let diff = json!({ "format": format.as_str(), "filter": &filter });
    if let Err(error) = record_export(&pool, user.id, diff).await {
        tracing::error!(%error, "could not record the audit export");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Die Datenbank ist nicht erreichbar.",
        )
            .into_response();
    }

    let now = chrono::Utc::now();
    let rows = audit::export(pool, filter, now)
        .enumerate()
        .map(move |(index, row)| {
            let row = row.map_err(|error| {
                tracing::error!(%error, "the audit export broke off");
                std::io::Error::other("the audit export broke off")
            })?;
            Ok::<_, std::io::Error>(match format {
                Format::Csv => csv_line(&row),
                Format::Json => json_item(&row, index == 0),
            })
        });
    let (head, tail) = match format {
        Format::Csv => (CSV_HEADER.to_owned(), String::new()),
        Format::Json => ("[".to_owned(), "\n]\n".to_owned()),
    };
    let body = stream::once(async move { Ok(head) })
        .chain(rows)
        .chain(stream::once(async move { Ok(tail) }));
    let file_name = format!(
        "anrufe-audit-{}.{}",
        now.with_timezone(&app::domain::BERLIN)
            .format("%Y-%m-%d-%H%M"),
        format.as_str()
    );
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

async fn record_export(pool: &PgPool, user_id: i64, diff: serde_json::Value) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let actor = Actor::User(user_id);
    audit::record(&mut tx, actor, AuditAction::AuditExported, None, diff).await?;
    tx.commit().await
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, message.to_owned()).into_response()
}

const CSV_HEADER: &str =
    "position,occurred_at,actor_kind,actor_id,actor_name,action,call_id,diff,reason,row_hash\n";

fn csv_line(row: &AuditRecord) -> String {
    let optional = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    csv_line::csv_line([
        row.position.to_string(),
        row.occurred_at.to_rfc3339(),
        row.actor_kind.as_str().to_owned(),
        optional(row.actor_id),
        spreadsheet_safe(row.actor_name.as_deref().unwrap_or_default()),
        row.action.to_string(),
        optional(row.call_id),
        spreadsheet_safe(&row.diff),
        spreadsheet_safe(row.reason.as_deref().unwrap_or_default()),
        row.row_hash.clone(),
    ])
}

fn json_item(row: &AuditRecord, first: bool) -> String {
    let separator = if first { "\n" } else { ",\n" };
    let item = json!({
        "position": row.position,
        "occurred_at": row.occurred_at,
        "actor_kind": row.actor_kind,
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "call_id": row.call_id,
        "diff": serde_json::from_str::<serde_json::Value>(&row.diff).unwrap_or_default(),
        "reason": row.reason,
        "row_hash": row.row_hash,
    });
    format!("{separator}{item}")
}

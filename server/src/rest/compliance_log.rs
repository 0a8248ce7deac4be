//! The compliance area's logs for programs and downloads (*Protokoll*): the policy changes, read
//! from the audit chain, and what the source policy refused — by days, newest first, as JSON or
//! as CSV that opens in a spreadsheet. Never any content of a call.

use app::compliance::{
    blocked::{self, BlockedEntry},
    policy_log::{self, PolicyLogEntry},
};
use app::domain::TimeRange;
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Json, Query, RestAdmin};
use crate::{
    csv_line::{csv_line, spreadsheet_safe},
    error::{ApiError, ErrorBody},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(blocked_content))
        .routes(routes!(policy_audit))
}

/// The two forms of a log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Json,
    Csv,
}

/// Days of a log to read, and its form.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// First day (Europe/Berlin), inclusive.
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// Last day (Europe/Berlin), inclusive; not before `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
    /// `json` (the default) or `csv`, which is sent as a file to download.
    #[param(inline)]
    format: Option<LogFormat>,
}

impl LogParams {
    /// The days asked for.
    fn days(&self) -> Result<TimeRange, ApiError> {
        let (from, to) = super::days::day_range(self.from.clone(), self.to.clone())?;
        Ok(TimeRange::Days { from, to })
    }
}

/// What the source policy refused in the days asked for, newest first (at most 500): source,
/// reason, rule or operation, version, who; never the content.
#[utoipa::path(
    get,
    path = "/compliance/blocked-content",
    tag = "compliance",
    params(LogParams),
    responses(
        (status = OK, description = "The entries, as JSON or (`format=csv`) CSV", content(
            (Vec<BlockedEntry> = "application/json"),
            (String = "text/csv"),
        )),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn blocked_content(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
    Query(params): Query<LogParams>,
) -> Result<Response, ApiError> {
    let (start, end) = params.days()?.bounds(Utc::now());
    let entries = blocked::blocked(&pool, start, end).await?;
    Ok(match params.format.unwrap_or_default() {
        LogFormat::Json => Json(entries).into_response(),
        LogFormat::Csv => {
            let header = [
                "occurred_at",
                "source",
                "reason",
                "operation",
                "rule",
                "policy_version",
                "actor",
                "file_name",
                "line_number",
            ];
            let lines = entries.iter().map(|entry| {
                csv_line([
                    entry.occurred_at.to_rfc3339(),
                    spreadsheet_safe(&entry.source),
                    entry.reason.clone(),
                    entry.operation.clone().unwrap_or_default(),
                    spreadsheet_safe(entry.rule.as_deref().unwrap_or_default()),
                    optional(entry.policy_version),
                    spreadsheet_safe(entry.actor.as_deref().unwrap_or_default()),
                    spreadsheet_safe(entry.file_name.as_deref().unwrap_or_default()),
                    optional(entry.line_number),
                ])
            });
            csv_file("anrufe-blockierte-inhalte", csv_line(header), lines)
        }
    })
}

/// The policy changes in the days asked for, newest first (at most 500), from the audit chain:
/// drafts, approvals, rejections, rollbacks and changes of the self-approval setting, with who,
/// the version and the row's chain hash.
#[utoipa::path(
    get,
    path = "/compliance/policy-audit",
    tag = "compliance",
    params(LogParams),
    responses(
        (status = OK, description = "The entries, as JSON or (`format=csv`) CSV", content(
            (Vec<PolicyLogEntry> = "application/json"),
            (String = "text/csv"),
        )),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn policy_audit(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
    Query(params): Query<LogParams>,
) -> Result<Response, ApiError> {
    let (start, end) = params.days()?.bounds(Utc::now());
    let entries = policy_log::policy_log(&pool, start, end).await?;
    Ok(match params.format.unwrap_or_default() {
        LogFormat::Json => Json(entries).into_response(),
        LogFormat::Csv => {
            let header = [
                "position",
                "occurred_at",
                "actor",
                "action",
                "version",
                "details",
                "row_hash",
            ];
            let lines = entries.iter().map(|entry| {
                csv_line([
                    entry.position.to_string(),
                    entry.occurred_at.to_rfc3339(),
                    spreadsheet_safe(entry.actor.as_deref().unwrap_or_default()),
                    entry.action.to_string(),
                    optional(entry.version),
                    spreadsheet_safe(&entry.details),
                    entry.row_hash.clone(),
                ])
            });
            csv_file("anrufe-richtlinie", csv_line(header), lines)
        }
    })
}

fn optional(value: Option<impl ToString>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// A CSV download named after `name` and today (Europe/Berlin).
fn csv_file(name: &str, head: String, lines: impl Iterator<Item = String>) -> Response {
    let body: String = std::iter::once(head).chain(lines).collect();
    let today = Utc::now().with_timezone(&app::domain::BERLIN).date_naive();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-{today}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

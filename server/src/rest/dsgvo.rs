//! The caller's rights for programs (admins only): export and erasure of one call or of every
//! call of one number. Each is a thin caller of `app::dsgvo`, which decides and audits.

use app::{
    domain::{CallId, ErasureReport},
    dsgvo::{
        Subject, erase,
        export::{self, DsgvoExport},
        tombstones::Tombstones,
    },
};
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Json, Path, Query, RestAdmin};
use crate::{
    error::{ApiError, ErrorBody},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_call))
        .routes(routes!(erase_call))
        .routes(routes!(export_caller))
        .routes(routes!(erase_caller))
}

/// Why the data is exported: recorded in the audit trail.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Why, e.g. "Auskunftsersuchen vom 28.11."; 3 to 500 characters, recorded in the audit trail.
    #[param(min_length = 3, max_length = 500, pattern = "^[^\\x00]*$")]
    reason: String,
}

/// Why the data is erased: recorded in the audit trail.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasureRequest {
    /// Why, e.g. "Löschantrag nach Art. 17 vom 28.11."; 3 to 500 characters.
    #[schema(min_length = 3, max_length = 500, pattern = "^[^\\x00]*$")]
    reason: String,
}

/// The export as a download named after its subject.
fn download(export: DsgvoExport, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"anrufe-export-{name}.json\"");
    ([(header::CONTENT_DISPOSITION, disposition)], Json(export)).into_response()
}

/// Everything about one call (Art. 15/20): every field, status history, notes, reveals and
/// the audit entries about it, in the schema `anrufe.dsgvo-export.v1`. Audited with who and why.
#[utoipa::path(
    get,
    path = "/calls/{id}/export",
    tag = "dsgvo",
    params(("id" = i64, Path, minimum = 1, description = "The call's id"), ExportParams),
    responses(
        (status = OK, body = DsgvoExport),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn export_call(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(id): Path<CallId>,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let export = export::export(&pool, caller.actor(), &Subject::Call(id), &params.reason)
        .await
        .map_err(app::AppError::from)?;
    Ok(download(export, &format!("call-{id}")))
}

/// Everything about every call of one number (Art. 15/20), as for one call.
#[utoipa::path(
    get,
    path = "/callers/{e164}/export",
    tag = "dsgvo",
    params(("e164" = String, Path, pattern = r"^\+[1-9][0-9]{6,14}$", description = "The number in E.164, e.g. +49301234567"), ExportParams),
    responses(
        (status = OK, body = DsgvoExport),
        (status = NOT_FOUND, body = ErrorBody, description = "No call of this number"),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn export_caller(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(e164): Path<String>,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let result = async {
        let subject = Subject::caller(&e164)?;
        export::export(&pool, caller.actor(), &subject, &params.reason).await
    };
    let export = result.await.map_err(app::AppError::from)?;
    Ok(download(export, "caller"))
}

/// Erases one call (Art. 17) with its history, notes, reveal reasons, the diffs of its audit
/// rows and the rejected lines holding its event id; it is never imported again. Answers what
/// was deleted; the audit row names who, why and how much, nothing of the call.
#[utoipa::path(
    delete,
    path = "/calls/{id}",
    tag = "dsgvo",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    request_body = ErasureRequest,
    responses(
        (status = OK, body = ErasureReport),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn erase_call(
    State(pool): State<PgPool>,
    State(tombstones): State<Tombstones>,
    RestAdmin(caller): RestAdmin,
    Path(id): Path<CallId>,
    Json(request): Json<ErasureRequest>,
) -> Result<Json<ErasureReport>, ApiError> {
    let subject = Subject::Call(id);
    let report = erase::erase(
        &pool,
        &tombstones,
        caller.actor(),
        &subject,
        &request.reason,
    )
    .await
    .map_err(app::AppError::from)?;
    Ok(Json(report))
}

/// Erases every call of one number (Art. 17), as for one call, and the rejected lines holding
/// the number in any notation; lines of this caller received before now are never imported
/// again, later calls are new calls.
#[utoipa::path(
    delete,
    path = "/callers/{e164}",
    tag = "dsgvo",
    params(("e164" = String, Path, pattern = r"^\+[1-9][0-9]{6,14}$", description = "The number in E.164, e.g. +49301234567")),
    request_body = ErasureRequest,
    responses(
        (status = OK, body = ErasureReport),
        (status = NOT_FOUND, body = ErrorBody, description = "Nothing of this number is stored"),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn erase_caller(
    State(pool): State<PgPool>,
    State(tombstones): State<Tombstones>,
    RestAdmin(caller): RestAdmin,
    Path(e164): Path<String>,
    Json(request): Json<ErasureRequest>,
) -> Result<Json<ErasureReport>, ApiError> {
    let result = async {
        let subject = Subject::caller(&e164)?;
        erase::erase(
            &pool,
            &tombstones,
            caller.actor(),
            &subject,
            &request.reason,
        )
        .await
    };
    Ok(Json(result.await.map_err(app::AppError::from)?))
}

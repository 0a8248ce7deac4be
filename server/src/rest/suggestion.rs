//! The LLM help for programs: ask for a call's suggestion now, read the latest, and (admins)
//! the practice's settings. Thin callers of `app::llm`, which checks, redacts, sends and
//! records.

use app::{
    domain::CallId,
    llm::{LlmSettings, Suggestion, client::LlmHelp, ledger, settings, suggest},
};
use axum::extract::State;
use serde::Deserialize;
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Json, Path, RestAdmin, RestCaller};
use crate::{
    error::{ApiError, ErrorBody},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(suggest_now, latest))
        .routes(routes!(read_settings, save_settings))
}

/// A request for a suggestion; `{}` when the policy needs no justification.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionRequest {
    /// Why, when the source policy allows the LLM for the call's source only with a
    /// justification; recorded in the compliance log.
    #[schema(min_length = 1, max_length = 500, pattern = "^[^\\x00]*$")]
    pub justification: Option<String>,
}

/// Asks the practice's LLM endpoint now for a summary, a category and an urgency for the call.
/// Only the call's concern is sent, with the caller's name, number and date of birth and every
/// PII finding replaced; the request is recorded in the call's ledger. The suggestion changes
/// nothing: accept it in the dashboard.
#[utoipa::path(
    post,
    path = "/calls/{id}/suggestion",
    tag = "llm",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    request_body = SuggestionRequest,
    responses(
        (status = OK, body = Suggestion),
        (status = NOT_FOUND, body = ErrorBody),
        (status = CONFLICT, body = ErrorBody, description = "The source policy or a blocking PII rule refused (`llm_refused`, `llm_reason` says why): nothing was sent"),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody, description = "The call is restricted (Art. 18)"),
        (status = BAD_GATEWAY, body = ErrorBody, description = "The endpoint's answer was not the asked-for JSON and was discarded (`llm_invalid_answer`)"),
        (status = SERVICE_UNAVAILABLE, body = ErrorBody, description = "No endpoint is configured, or it is unreachable (`llm_unavailable`)"),
    )
)]
async fn suggest_now(
    State(pool): State<PgPool>,
    State(llm): State<LlmHelp>,
    caller: RestCaller,
    Path(id): Path<CallId>,
    Json(request): Json<SuggestionRequest>,
) -> Result<Json<Suggestion>, ApiError> {
    let justification = request.justification.as_deref();
    let suggestion = suggest::suggest(&pool, llm.client(), caller.actor(), id, justification)
        .await
        .map_err(app::AppError::from)?;
    Ok(Json(suggestion))
}

/// The call's latest suggestion; 404 when there is none.
#[utoipa::path(
    get,
    path = "/calls/{id}/suggestion",
    tag = "llm",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    responses(
        (status = OK, body = Suggestion),
        (status = NOT_FOUND, body = ErrorBody, description = "No such call, or no suggestion for it yet"),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody, description = "The call is restricted (Art. 18)"),
    )
)]
async fn latest(
    State(pool): State<PgPool>,
    caller: RestCaller,
    Path(id): Path<CallId>,
) -> Result<Json<Suggestion>, ApiError> {
    suggest::visible_call(&pool, caller.actor(), id)
        .await
        .map_err(app::AppError::from)?;
    ledger::latest(&pool, id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("There is no suggestion for call {id} yet.")))
}

/// The LLM help's settings: the automatic mode and the practice's categories.
#[utoipa::path(
    get,
    path = "/llm/settings",
    tag = "llm",
    responses((status = OK, body = LlmSettings))
)]
async fn read_settings(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
) -> Result<Json<LlmSettings>, ApiError> {
    let mut conn = pool.acquire().await?;
    Ok(Json(settings::read(&mut conn).await?))
}

/// Changes the LLM help's settings; audited.
#[utoipa::path(
    put,
    path = "/llm/settings",
    tag = "llm",
    request_body = LlmSettings,
    responses(
        (status = OK, body = LlmSettings),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody, description = "Not 1 to 30 distinct categories of 1 to 40 characters"),
    )
)]
async fn save_settings(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Json(wanted): Json<LlmSettings>,
) -> Result<Json<LlmSettings>, ApiError> {
    settings::save(&pool, caller.actor(), wanted)
        .await?
        .map(Json)
        .map_err(|reason| ApiError::invalid("categories", reason))
}

//! The REST API under `/api/v1` for other programs (practice software, scripts).
//!
//! Routes and their OpenAPI description come from the same annotated handlers, so the
//! document at `/api/v1/openapi.json` cannot drift from what is served.

mod calls;
mod error;

use app::service::Actor;
use axum::{Json, Router, routing::get};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use error::ApiError;

use crate::state::AppState;

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Anrufe API",
        description = "Calls taken by the practice's phone assistant: list, read and change them. \
            Errors have the shape `{\"error\": {\"code\", \"message\", \"field\"?, \"current\"?}}`."
    ),
    servers((url = "/api/v1")),
    tags((name = "calls", description = "The calls table"))
)]
struct ApiDoc;

/// The API routes, to be nested under [`PREFIX`], with `/openapi.json` describing them.
pub fn router() -> Router<AppState> {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(calls::routes())
        .split_for_parts();
    router
        .route(
            "/openapi.json",
            get(move || std::future::ready(Json(api.clone()))),
        )
        .fallback(|| async { ApiError::NotFound("Diese Schnittstelle gibt es nicht.".to_owned()) })
}

/// Who makes a change through the API. Until there is login, changes are recorded as anonymous.
fn actor() -> Actor {
    Actor::Anonymous
}

//! The REST API under `/api/v1` for other programs (practice software, scripts).
//!
//! Routes and their OpenAPI description come from the same annotated handlers, so the
//! document at `/api/v1/openapi.json` cannot drift from what is served.

mod caller;
mod calls;
pub(crate) mod compliance;
mod compliance_log;
mod contract;
mod days;
mod dsgvo;
mod extract;
mod policy_parts;
mod suggestion;

use axum::{Router, routing::get};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::router::OpenApiRouter;

pub use caller::{PolicyChecker, RestAdmin, RestCaller};
pub use extract::{Json, Path, Query};

use crate::{error::ApiError, state::AppState};

/// Where the API is mounted.
pub use app::api::REST_PREFIX as PREFIX;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Anrufe API",
        description = "Calls taken by the practice's phone assistant: list, read and change them. \
            Errors have the shape `{\"error\": {\"code\", \"reason\"?, \"message\", \"field\"?, \"current\"?}}`: \
            `code` and `reason` are stable, `message` is English."
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerTokens),
    security(("token" = [])),
    tags(
        (name = "calls", description = "The calls table"),
        (name = "dsgvo", description = "The caller's rights: export (Art. 15/20) and erasure (Art. 17), for admins"),
        (name = "compliance", description = "The source policy (seed 003): live check, PII rule tester, versions with four-eyes approval, for admins"),
        (name = "llm", description = "LLM help: suggestions from the practice's own endpoint, redacted and recorded; its settings for admins")
    )
)]
struct ApiDoc;

/// The API routes, to be nested under [`PREFIX`], with `/openapi.json` describing them.
pub fn router() -> Router<AppState> {
    let (router, mut api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(calls::routes())
        .merge(dsgvo::routes())
        .merge(compliance::routes())
        .merge(compliance_log::routes())
        .merge(policy_parts::routes())
        .merge(suggestion::routes())
        .split_for_parts();
    contract::add_refusals(&mut api);
    router
        .route(
            "/openapi.json",
            get(move || std::future::ready(axum::Json(api.clone()))),
        )
        .fallback(|| async { ApiError::NotFound("There is no such route in this API.".to_owned()) })
}

/// Declares the bearer tokens every operation needs.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An API token of scope `api`, acting as the admin who made it or as a service \
                 account (README, \"API tokens\").",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("token", SecurityScheme::Http(scheme));
    }
}

//! The parts of the source policy one by one (seed 003 §3.2): sources, the operations matrix
//! and PII rules. Reads answer with the active version; every change edits the draft (starting
//! one from the active version), which takes effect only once another admin approves it.
//! Thin callers of `app::compliance::approval::edit_draft`.

use app::compliance::{
    ComplianceError, approval,
    pii::{PiiRule, RuleKind, Severity},
    policy::{Operations, Source},
    store,
};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Json, Path, RestAdmin};
use crate::{
    error::{ApiError, ErrorBody},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sources))
        .routes(routes!(put_source, remove_source))
        .routes(routes!(matrix))
        .routes(routes!(put_operations))
        .routes(routes!(rules))
        .routes(routes!(put_rule, remove_rule))
}

/// The draft a change went into.
#[derive(Serialize, ToSchema)]
pub struct DraftAnswer {
    /// The draft's version; approve it with `POST /compliance/policies/{version}/approve`.
    draft: i32,
}

/// The sources of the active version.
#[utoipa::path(
    get,
    path = "/compliance/sources",
    tag = "compliance",
    responses((status = OK, body = Vec<Source>))
)]
async fn sources(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
) -> Result<Json<Vec<Source>>, ApiError> {
    Ok(Json(store::active(&pool).await?.document.sources))
}

/// A source as a program sends it; the id is in the path.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceFields {
    name: String,
    legal_basis: String,
    #[serde(default)]
    notes: String,
    active: bool,
    /// Default: lookup allowed, export with a justification, no LLM.
    operations: Option<Operations>,
}

/// Adds the source to the draft, or changes it there.
#[utoipa::path(
    put,
    path = "/compliance/sources/{id}",
    tag = "compliance",
    params(("id" = String, Path, description = "The source's id, as the phone assistant writes it in `source`")),
    request_body = SourceFields,
    responses((status = OK, body = DraftAnswer), (status = UNPROCESSABLE_ENTITY, body = ErrorBody))
)]
async fn put_source(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(id): Path<String>,
    Json(fields): Json<SourceFields>,
) -> Result<Json<DraftAnswer>, ApiError> {
    store::active(&pool).await?;
    let source = Source {
        id,
        name: fields.name,
        legal_basis: fields.legal_basis,
        notes: fields.notes,
        active: fields.active,
        operations: fields.operations.unwrap_or(Operations::DEFAULT),
    };
    let draft = approval::edit_draft(&pool, caller.0.id, |document| {
        document.put_source(source);
        Ok(())
    })
    .await?;
    Ok(Json(DraftAnswer { draft }))
}

/// Removes the source from the draft; its calls stay, hidden from agents once approved.
#[utoipa::path(
    delete,
    path = "/compliance/sources/{id}",
    tag = "compliance",
    params(("id" = String, Path, description = "The source's id")),
    responses((status = OK, body = DraftAnswer), (status = NOT_FOUND, body = ErrorBody))
)]
async fn remove_source(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(id): Path<String>,
) -> Result<Json<DraftAnswer>, ApiError> {
    store::active(&pool).await?;
    let draft = approval::edit_draft(&pool, caller.0.id, |document| {
        if document.remove_source(&id) {
            Ok(())
        } else {
            Err(ComplianceError::NoSuchPart(format!("source {id:?}")))
        }
    })
    .await?;
    Ok(Json(DraftAnswer { draft }))
}

/// One row of the operations matrix.
#[derive(Serialize, ToSchema)]
pub struct MatrixRow {
    source: String,
    operations: Operations,
    /// Always `false`: no policy can allow training.
    training_allowed: bool,
}

/// The operations matrix of the active version, one row per source.
#[utoipa::path(
    get,
    path = "/compliance/matrix",
    tag = "compliance",
    responses((status = OK, body = Vec<MatrixRow>))
)]
async fn matrix(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
) -> Result<Json<Vec<MatrixRow>>, ApiError> {
    let sources = store::active(&pool).await?.document.sources;
    Ok(Json(
        sources
            .into_iter()
            .map(|source| MatrixRow {
                source: source.id,
                operations: source.operations,
                training_allowed: false,
            })
            .collect(),
    ))
}

/// Changes a source's row of the matrix in the draft. `training` is no field of it: a body
/// that names it is refused.
#[utoipa::path(
    put,
    path = "/compliance/matrix/{source}",
    tag = "compliance",
    params(("source" = String, Path, description = "The source's id")),
    request_body = Operations,
    responses(
        (status = OK, body = DraftAnswer),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn put_operations(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(source): Path<String>,
    Json(operations): Json<Operations>,
) -> Result<Json<DraftAnswer>, ApiError> {
    store::active(&pool).await?;
    let draft = approval::edit_draft(&pool, caller.0.id, |document| {
        let row = document
            .source_mut(&source)
            .ok_or_else(|| ComplianceError::NoSuchPart(format!("source {source:?}")))?;
        row.operations = operations;
        Ok(())
    })
    .await?;
    Ok(Json(DraftAnswer { draft }))
}

/// The PII rules of the active version.
#[utoipa::path(
    get,
    path = "/compliance/pii-rules",
    tag = "compliance",
    responses((status = OK, body = Vec<PiiRule>))
)]
async fn rules(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
) -> Result<Json<Vec<PiiRule>>, ApiError> {
    Ok(Json(store::active(&pool).await?.document.pii_rules))
}

/// A PII rule as a program sends it; the name is in the path.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFields {
    /// What replaces a match when the rule redacts, e.g. `IBAN`.
    label: String,
    kind: RuleKind,
    pattern: String,
    severity: Severity,
    active: bool,
}

/// Adds the rule to the draft, or changes it there. A pattern that does not compile is refused
/// with the compiler's message.
#[utoipa::path(
    put,
    path = "/compliance/pii-rules/{name}",
    tag = "compliance",
    params(("name" = String, Path, description = "The rule's name")),
    request_body = RuleFields,
    responses((status = OK, body = DraftAnswer), (status = UNPROCESSABLE_ENTITY, body = ErrorBody))
)]
async fn put_rule(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(name): Path<String>,
    Json(fields): Json<RuleFields>,
) -> Result<Json<DraftAnswer>, ApiError> {
    store::active(&pool).await?;
    let rule = PiiRule {
        name,
        label: fields.label,
        kind: fields.kind,
        pattern: fields.pattern,
        severity: fields.severity,
        active: fields.active,
    };
    let draft = approval::edit_draft(&pool, caller.0.id, |document| {
        document.put_rule(rule);
        Ok(())
    })
    .await?;
    Ok(Json(DraftAnswer { draft }))
}

/// Removes the rule from the draft.
#[utoipa::path(
    delete,
    path = "/compliance/pii-rules/{name}",
    tag = "compliance",
    params(("name" = String, Path, description = "The rule's name")),
    responses((status = OK, body = DraftAnswer), (status = NOT_FOUND, body = ErrorBody))
)]
async fn remove_rule(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(name): Path<String>,
) -> Result<Json<DraftAnswer>, ApiError> {
    store::active(&pool).await?;
    let draft = approval::edit_draft(&pool, caller.0.id, |document| {
        if document.remove_rule(&name) {
            Ok(())
        } else {
            Err(ComplianceError::NoSuchPart(format!("rule {name:?}")))
        }
    })
    .await?;
    Ok(Json(DraftAnswer { draft }))
}

//! The compliance area for programs (admins only, seed 003 §3.2): the live check, the PII rule
//! tester, the versions of the source policy and the report (its logs are in `compliance_log`,
//! its parts in `policy_parts`). Thin callers of `app::compliance`, which decides and audits;
//! changes made here are drafts that another admin must approve.

use app::compliance::{
    approval,
    enforcer::Refusal,
    pii::{Finding, PiiRule, PiiRules, SAMPLE_MAX_CHARS},
    policy::{Operation, PolicyDocument},
    report::{self as compliance_report, ComplianceReport, ReportFormat},
    store,
    version::PolicyVersion,
};
use axum::{
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Json, Path, PolicyChecker, Query, RestAdmin};
use crate::{
    error::{ApiError, ErrorBody},
    state::{AppState, PracticeName},
};

/// The live check, as `routes` serves it under the REST prefix; tokens of the scope `compliance`
/// count here and nowhere else.
pub const CHECK_PATH: &str = "/compliance/check";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .routes(routes!(test_rules))
        .routes(routes!(policies))
        .routes(routes!(save_draft))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(roll_back))
        .routes(routes!(report))
}

/// A use of a source's calls to check against the active policy.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// The source's id, e.g. `phone`.
    source: String,
    operation: Operation,
    /// Why, where the matrix asks for a justification.
    justification: Option<String>,
}

/// What the active policy says.
#[derive(Serialize, ToSchema)]
pub struct CheckAnswer {
    allowed: bool,
    /// Why not, when refused.
    reason: Option<Refusal>,
    /// The reason for people, in English.
    message: Option<&'static str>,
    policy_version: i32,
}

/// Whether calls of a source may be used for an operation under the active policy (a question:
/// nothing is used, so nothing is logged). For admins and tokens of the scope `compliance`.
#[utoipa::path(
    post,
    path = "/compliance/check",
    tag = "compliance",
    request_body = CheckRequest,
    responses((status = OK, body = CheckAnswer), (status = UNPROCESSABLE_ENTITY, body = ErrorBody))
)]
async fn check(
    State(pool): State<PgPool>,
    PolicyChecker(_): PolicyChecker,
    Json(request): Json<CheckRequest>,
) -> Result<Json<CheckAnswer>, ApiError> {
    let policy = store::active(&pool).await?;
    let decision = policy.decide(
        &request.source,
        request.operation,
        request.justification.as_deref(),
    );
    Ok(Json(CheckAnswer {
        allowed: decision.is_ok(),
        reason: decision.err(),
        message: decision.err().map(Refusal::message),
        policy_version: policy.version,
    }))
}

/// A sample text, and the rules to try on it (the active policy's when absent).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleTest {
    #[schema(max_length = 10000)]
    text: String,
    rules: Option<Vec<PiiRule>>,
}

/// Where the rules match the sample text (byte offsets), strongest severity first in a tie.
#[derive(Serialize, ToSchema)]
pub struct RuleTestAnswer {
    findings: Vec<Finding>,
}

/// Tries PII rules on a sample text: the active policy's, or the ones sent (a draft's), which
/// must compile.
#[utoipa::path(
    post,
    path = "/compliance/pii-rules/test",
    tag = "compliance",
    request_body = RuleTest,
    responses((status = OK, body = RuleTestAnswer), (status = UNPROCESSABLE_ENTITY, body = ErrorBody))
)]
async fn test_rules(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
    Json(request): Json<RuleTest>,
) -> Result<Json<RuleTestAnswer>, ApiError> {
    if request.text.chars().count() > SAMPLE_MAX_CHARS {
        return Err(ApiError::Malformed {
            field: "text",
            message: format!("a sample text has at most {SAMPLE_MAX_CHARS} characters"),
        });
    }
    let rules = match request.rules {
        Some(rules) => PiiRules::compile(&rules).map_err(|error| ApiError::Malformed {
            field: "rules",
            message: error.to_string(),
        })?,
        None => store::active(&pool).await?.rules,
    };
    Ok(Json(RuleTestAnswer {
        findings: rules.scan(&request.text, None),
    }))
}

/// Every version of the source policy, newest first, with who drafted, changed and decided it.
#[utoipa::path(
    get,
    path = "/compliance/policies",
    tag = "compliance",
    responses((status = OK, body = Vec<PolicyVersion>))
)]
async fn policies(
    State(pool): State<PgPool>,
    RestAdmin(_): RestAdmin,
) -> Result<Json<Vec<PolicyVersion>>, ApiError> {
    store::active(&pool).await?;
    Ok(Json(store::versions(&pool).await?))
}

/// The version a request made or decided.
#[derive(Serialize, ToSchema)]
pub struct VersionAnswer {
    version: i32,
    /// For an approval: SHA-256 of the content, in hex.
    content_hash: Option<String>,
}

/// Writes the whole document as the draft (starting one from the active version when there is
/// none). It takes effect only once another admin approves it.
#[utoipa::path(
    put,
    path = "/compliance/policies/draft",
    tag = "compliance",
    request_body = PolicyDocument,
    responses((status = OK, body = VersionAnswer), (status = UNPROCESSABLE_ENTITY, body = ErrorBody))
)]
async fn save_draft(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Json(document): Json<PolicyDocument>,
) -> Result<Json<VersionAnswer>, ApiError> {
    store::active(&pool).await?;
    let version = approval::save_draft(&pool, caller.0.id, &document).await?;
    Ok(Json(VersionAnswer {
        version,
        content_hash: None,
    }))
}

/// Approves the draft: it becomes the active version, immutable. Four eyes: the approver must
/// be another admin than its author and its last editor.
#[utoipa::path(
    post,
    path = "/compliance/policies/{version}/approve",
    tag = "compliance",
    params(("version" = i32, Path, minimum = 1, description = "The draft's version")),
    responses(
        (status = OK, body = VersionAnswer),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn approve(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(version): Path<i32>,
) -> Result<Json<VersionAnswer>, ApiError> {
    let hash = approval::approve(&pool, caller.0.id, version).await?;
    Ok(Json(VersionAnswer {
        version,
        content_hash: Some(hash),
    }))
}

/// Why a draft is rejected.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// 3 to 500 characters, kept with the version.
    #[schema(min_length = 3, max_length = 500, pattern = "^[^\\x00]*$")]
    note: String,
}

/// Rejects the draft, with a note; its author may withdraw it this way too.
#[utoipa::path(
    post,
    path = "/compliance/policies/{version}/reject",
    tag = "compliance",
    params(("version" = i32, Path, minimum = 1, description = "The draft's version")),
    request_body = Rejection,
    responses(
        (status = OK, body = VersionAnswer),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn reject(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(version): Path<i32>,
    Json(rejection): Json<Rejection>,
) -> Result<Json<VersionAnswer>, ApiError> {
    approval::reject(&pool, caller.0.id, version, &rejection.note).await?;
    Ok(Json(VersionAnswer {
        version,
        content_hash: None,
    }))
}

/// Starts a draft with the content of an approved version (a rollback); it needs approval
/// like any draft. Refused while another draft is open.
#[utoipa::path(
    post,
    path = "/compliance/policies/{version}/rollback",
    tag = "compliance",
    params(("version" = i32, Path, minimum = 1, description = "The approved version to go back to")),
    responses(
        (status = OK, body = VersionAnswer),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn roll_back(
    State(pool): State<PgPool>,
    RestAdmin(caller): RestAdmin,
    Path(version): Path<i32>,
) -> Result<Json<VersionAnswer>, ApiError> {
    store::active(&pool).await?;
    let version = approval::roll_back(&pool, caller.0.id, version).await?;
    Ok(Json(VersionAnswer {
        version,
        content_hash: None,
    }))
}

/// The period and form of a compliance report.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    #[param(inline)]
    format: ReportFormat,
    /// First day (Europe/Berlin), inclusive; default 29 days before `to`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// Last day (Europe/Berlin), inclusive; default today. At most 366 days after `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
}

/// The compliance report for the data-protection officer and auditors: the active policy and
/// its approval, sources with legal basis, the operations matrix, PII rules, policy changes and
/// refusals in the period, retention figures and the auditor checklist. JSON (schema
/// `anrufe.compliance-report.v1`, byte-identical when made again for the same period and
/// policy) or a German PDF rendered from it. Each download is audited as an export.
#[utoipa::path(
    get,
    path = "/compliance/report",
    tag = "compliance",
    params(ReportParams),
    responses(
        (status = OK, description = "The report, as JSON or (`format=pdf`) PDF", content(
            (ComplianceReport = "application/json"),
            (Vec<u8> = "application/pdf"),
        )),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn report(
    State(pool): State<PgPool>,
    State(practice): State<PracticeName>,
    RestAdmin(caller): RestAdmin,
    Query(params): Query<ReportParams>,
) -> Result<Response, ApiError> {
    let (from, to) = super::days::day_range(params.from, params.to)?;
    let to = to.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&app::domain::BERLIN)
            .date_naive()
    });
    let from = from.unwrap_or_else(|| to - chrono::Days::new(29));
    let exported =
        compliance_report::export(&pool, caller.0.id, &practice.0, from, to, params.format).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                params.format.content_type().to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", exported.file_name),
            ),
        ],
        exported.bytes,
    )
        .into_response())
}

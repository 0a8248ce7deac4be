//! Server functions of the caller's rights in the drawer (admins): what an erasure would
//! delete, the erasure, restriction and legal hold. Exports are downloads from the REST API
//! (`/api/v1/.../export`).

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{AppError, domain::ErasureReport};

/// Whom an erasure or restriction from the drawer is about: the call, or every call of its
/// caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErasureScope {
    Call,
    Caller,
}

#[cfg(feature = "ssr")]
async fn subject(
    pool: &sqlx::PgPool,
    id: i64,
    scope: ErasureScope,
) -> Result<crate::dsgvo::Subject, crate::dsgvo::DsgvoError> {
    use crate::{domain::CallId, dsgvo::Subject};
    match scope {
        ErasureScope::Call => Ok(Subject::Call(CallId(id))),
        ErasureScope::Caller => Subject::caller_of(pool, CallId(id)).await,
    }
}

#[cfg(feature = "ssr")]
fn tombstones() -> Result<crate::dsgvo::tombstones::Tombstones, AppError> {
    use_context::<crate::dsgvo::tombstones::Tombstones>().ok_or_else(|| {
        tracing::error!("the server did not provide the erasure tombstones");
        AppError::Internal
    })
}

/// What erasing call `id` (or every call of its caller) would delete now, for the
/// confirmation.
#[server(endpoint = "dsgvo/erasure_preview", input = Json)]
pub async fn erasure_preview(id: i64, scope: ErasureScope) -> Result<ErasureReport, AppError> {
    super::caller(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let tombstones = tombstones()?;
    let result = async {
        let subject = subject(&pool, id, scope).await?;
        crate::dsgvo::erase::preview(&pool, &tombstones, &subject).await
    };
    super::answer(result.await)
}

/// Erases call `id` (or every call of its caller) for `reason`.
#[server(endpoint = "dsgvo/erase", input = Json)]
pub async fn erase(
    id: i64,
    scope: ErasureScope,
    reason: String,
) -> Result<ErasureReport, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let tombstones = tombstones()?;
    let result = async {
        let subject = subject(&pool, id, scope).await?;
        crate::dsgvo::erase::erase(&pool, &tombstones, actor, &subject, &reason).await
    };
    super::answer(result.await)
}

/// Restricts call `id` (or every call of its caller) for `reason`: agents no longer see it,
/// nobody may change it. Answers how many calls were restricted.
#[server(endpoint = "dsgvo/restrict", input = Json)]
pub async fn restrict(id: i64, scope: ErasureScope, reason: String) -> Result<i64, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let result = async {
        let subject = subject(&pool, id, scope).await?;
        crate::dsgvo::restrict::restrict(&pool, actor, &subject, &reason).await
    };
    super::answer(result.await)
}

/// Lifts the restriction of call `id` (or of every call of its caller).
#[server(endpoint = "dsgvo/lift_restriction", input = Json)]
pub async fn lift_restriction(id: i64, scope: ErasureScope) -> Result<i64, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let result = async {
        let subject = subject(&pool, id, scope).await?;
        crate::dsgvo::restrict::lift(&pool, actor, &subject).await
    };
    super::answer(result.await)
}

/// Keeps restricted call `id` past the retention period until `until`, for `reason`.
#[server(endpoint = "dsgvo/set_legal_hold", input = Json)]
pub async fn set_legal_hold(
    id: i64,
    until: chrono::NaiveDate,
    reason: String,
) -> Result<(), AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let id = crate::domain::CallId(id);
    super::answer(crate::dsgvo::restrict::hold(&pool, actor, id, until, &reason).await)
}

/// Ends the legal hold of call `id`.
#[server(endpoint = "dsgvo/end_legal_hold", input = Json)]
pub async fn end_legal_hold(id: i64) -> Result<(), AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let id = crate::domain::CallId(id);
    super::answer(crate::dsgvo::restrict::end_hold(&pool, actor, id).await)
}

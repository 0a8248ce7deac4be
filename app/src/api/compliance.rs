//! Server functions of the compliance area (admins): the policy's versions, the blocked-content
//! log, and changes to the draft with their four-eyes approval. Thin callers of
//! `crate::compliance`, which decides and audits.

use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::domain::Role;
use crate::{
    AppError,
    compliance::{
        blocked::BlockedEntry, pii::PiiRule, policy::PolicyDocument, policy_log::PolicyLogEntry,
        shadow::ShadowReport, version::PolicyVersion,
    },
};

/// What the compliance area shows first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceState {
    /// Newest first; the active one is marked.
    pub versions: Vec<PolicyVersion>,
    /// Refusals since midnight (Berlin).
    pub blocked_today: i64,
    pub allow_self_approval: bool,
    /// Who is asking: to tell them they cannot approve their own draft.
    pub me: i64,
}

#[server(endpoint = "compliance/state", input = Json)]
pub async fn load_compliance() -> Result<ComplianceState, AppError> {
    use crate::compliance::{approval, blocked, store};

    let me = super::caller(Role::Admin)?;
    let pool = super::pool()?;
    let state = async {
        store::active(&pool).await?;
        let now = chrono::Utc::now();
        let (midnight, _) = crate::domain::TimeRange::Today.bounds(now);
        let midnight = midnight.unwrap_or(now);
        Ok::<_, crate::compliance::ComplianceError>(ComplianceState {
            versions: store::versions(&pool).await?,
            blocked_today: blocked::blocked_since(&pool, midnight).await?,
            allow_self_approval: approval::self_approval_setting(&pool).await?,
            me: me.id,
        })
    };
    super::answer(state.await)
}

/// The newest refusals between two days (Berlin), both optional and inclusive.
#[server(endpoint = "compliance/blocked", input = Json)]
pub async fn blocked_content(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Vec<BlockedEntry>, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    let (start, end) = super::answer(days(from, to))?.bounds(chrono::Utc::now());
    super::answer(crate::compliance::blocked::blocked(&pool, start, end).await)
}

/// The newest policy changes between two days (Berlin), both optional and inclusive.
#[server(endpoint = "compliance/policy_log", input = Json)]
pub async fn policy_changes(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<Vec<PolicyLogEntry>, AppError> {
    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    let (start, end) = super::answer(days(from, to))?.bounds(chrono::Utc::now());
    super::answer(crate::compliance::policy_log::policy_log(&pool, start, end).await)
}

/// The days `from` to `to`; `to` before `from` is refused.
#[cfg(feature = "ssr")]
fn days(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> Result<crate::domain::TimeRange, AppError> {
    use crate::domain::Invalid;

    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(AppError::invalid("to", Invalid::RangeReversed));
    }
    Ok(crate::domain::TimeRange::Days { from, to })
}

/// What `rules` (a draft's) would do to the concerns of the calls of the last `days` days.
#[server(endpoint = "compliance/shadow_test", input = Json)]
pub async fn shadow_test(rules: Vec<PiiRule>, days: u16) -> Result<ShadowReport, AppError> {
    use crate::compliance::{
        pii::PiiRules,
        shadow::{SHADOW_DAYS, shadow},
    };

    super::caller(Role::Admin)?;
    let pool = super::pool()?;
    if !SHADOW_DAYS.contains(&days) {
        return super::answer(Err(AppError::invalid(
            "days",
            crate::domain::Invalid::ShadowDays,
        )));
    }
    let rules =
        PiiRules::compile(&rules).map_err(|error| AppError::PolicyInvalid(error.to_string()));
    let rules = super::answer(rules)?;
    super::answer(shadow(&pool, &rules, days).await)
}

/// Writes the document as the draft; returns its version.
#[server(endpoint = "compliance/save_draft", input = Json)]
pub async fn save_policy_draft(document: PolicyDocument) -> Result<i32, AppError> {
    let me = super::caller(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::compliance::approval::save_draft(&pool, me.id, &document).await)
}

/// Approves the draft (four eyes); returns its content hash.
#[server(endpoint = "compliance/approve", input = Json)]
pub async fn approve_policy(version: i32) -> Result<String, AppError> {
    let me = super::caller(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::compliance::approval::approve(&pool, me.id, version).await)
}

#[server(endpoint = "compliance/reject", input = Json)]
pub async fn reject_policy(version: i32, note: String) -> Result<(), AppError> {
    let me = super::caller(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::compliance::approval::reject(&pool, me.id, version, &note).await)
}

/// Starts a draft with the content of an approved version.
#[server(endpoint = "compliance/roll_back", input = Json)]
pub async fn roll_back_policy(version: i32) -> Result<i32, AppError> {
    let me = super::caller(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::compliance::approval::roll_back(&pool, me.id, version).await)
}

#[server(endpoint = "compliance/set_self_approval", input = Json)]
pub async fn set_self_approval(allow: bool) -> Result<(), AppError> {
    let me = super::caller(Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::compliance::approval::set_self_approval(&pool, me.id, allow).await)
}

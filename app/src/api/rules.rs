//! Server functions of the priority rules and the escalation (`crate::rules`): the desk's
//! alerts for everyone logged in, the settings for admins. Each one checks the role itself,
//! whatever the server's guard did.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    rules::{DeskAlerts, EscalationSettings, NewRule, PriorityRule, RuleSaved},
};

/// The red-flag calls nobody has taken and the escalated calls still open, as the caller may
/// see them.
#[server(endpoint = "desk_alerts", input = Json)]
pub async fn get_desk_alerts() -> Result<DeskAlerts, AppError> {
    use crate::rules::escalation;
    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let mut conn = pool.acquire().await.map_err(AppError::from)?;
    let pinned = crate::db::calls::red_flags(&mut conn, viewer.restricted()).await?;
    let escalated = escalation::open(&mut conn, viewer.restricted()).await?;
    let after_minutes = escalation::settings(&mut conn).await?.after_minutes;
    viewer.show(Ok::<_, AppError>(DeskAlerts {
        pinned,
        escalated,
        after_minutes,
    }))
}

/// The escalation time and the person on duty.
#[server(endpoint = "admin/escalation_settings", input = Json)]
pub async fn get_escalation_settings() -> Result<EscalationSettings, AppError> {
    super::caller(crate::domain::Role::Admin)?;
    let mut conn = super::pool()?.acquire().await.map_err(AppError::from)?;
    Ok(crate::rules::escalation::settings(&mut conn).await?)
}

/// Saves the escalation time and the person on duty; the next run of the escalation job uses
/// them.
#[server(endpoint = "admin/save_escalation_settings", input = Json)]
pub async fn save_escalation_settings(
    settings: EscalationSettings,
) -> Result<EscalationSettings, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::rules::escalation::save(&pool, actor, settings).await)
}

/// Every rule, the enabled ones first.
#[server(endpoint = "admin/priority_rules", input = Json)]
pub async fn priority_rules() -> Result<Vec<PriorityRule>, AppError> {
    super::caller(crate::domain::Role::Admin)?;
    let mut conn = super::pool()?.acquire().await.map_err(AppError::from)?;
    Ok(crate::rules::store::list(&mut conn).await?)
}

/// Adds a rule; the open calls are re-evaluated at once.
#[server(endpoint = "admin/add_priority_rule", input = Json)]
pub async fn add_priority_rule(rule: NewRule) -> Result<RuleSaved, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::rules::store::add(&pool, actor, rule).await)
}

/// Switches a rule on or off; the open calls are re-evaluated at once.
#[server(endpoint = "admin/set_priority_rule_enabled", input = Json)]
pub async fn set_priority_rule_enabled(id: i64, enabled: bool) -> Result<RuleSaved, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::rules::store::set_enabled(&pool, actor, id, enabled).await)
}

/// Deletes a rule; the open calls are re-evaluated at once.
#[server(endpoint = "admin/remove_priority_rule", input = Json)]
pub async fn remove_priority_rule(id: i64) -> Result<RuleSaved, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    super::answer(crate::rules::store::remove(&pool, actor, id).await)
}

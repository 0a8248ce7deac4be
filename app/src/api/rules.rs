//! Server functions of the priority rules (admin area, `crate::rules`). Each one checks for the
//! admin role itself, whatever the server's guard did.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    rules::{NewRule, PriorityRule, RuleSaved},
};

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

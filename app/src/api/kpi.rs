//! Server functions of the front desk's figures (`crate::kpi`).

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    kpi::{DeskTiles, Report},
};

/// The tiles above the calls table, over the calls the caller may see.
#[server(endpoint = "desk_tiles", input = Json)]
pub async fn get_desk_tiles() -> Result<DeskTiles, AppError> {
    let user = super::caller(crate::domain::Role::Agent)?;
    let mut conn = super::pool()?.acquire().await.map_err(AppError::from)?;
    let restricted = crate::db::calls::Restricted::for_role(user.role);
    Ok(crate::kpi::tiles::read(&mut conn, restricted, chrono::Utc::now()).await?)
}

/// The evaluation of the last 30 days, for admins.
#[server(endpoint = "admin/report", input = Json)]
pub async fn get_report() -> Result<Report, AppError> {
    super::caller(crate::domain::Role::Admin)?;
    let mut conn = super::pool()?.acquire().await.map_err(AppError::from)?;
    Ok(crate::kpi::report::read(&mut conn, chrono::Utc::now()).await?)
}

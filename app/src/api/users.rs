//! Server functions about the practice's team.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{AppError, domain::UserSummary};

/// The people calls can be assigned to.
#[server(endpoint = "assignable_users", input = Json)]
pub async fn assignable_users() -> Result<Vec<UserSummary>, AppError> {
    super::caller(crate::domain::Role::Agent)?;
    let pool = super::pool()?;
    Ok(crate::db::users::assignable(&pool).await?)
}

//! Server functions for the calls table.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    domain::{CallPage, CallQuery},
};

/// The newest calls that match `query`, at most one page.
#[server(endpoint = "list_calls", input = Json)]
pub async fn list_calls(query: CallQuery) -> Result<CallPage, AppError> {
    let pool = super::pool()?;
    Ok(crate::db::calls::list(&pool, &query).await?)
}

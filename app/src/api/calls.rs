//! Server functions for the calls table and the detail drawer.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    domain::{
        BulkOutcome, CallDetail, CallListItem, CallPage, CallQuery, CallStatus, NoteEntry, PageAt,
        PiiField, StatusBefore,
    },
    repeat::RepeatsClosed,
};

/// One page of the calls that match `query`.
#[server(endpoint = "list_calls", input = Json)]
pub async fn list_calls(query: CallQuery, at: PageAt) -> Result<CallPage, AppError> {
    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    if let Some(reason) = query.search_problem() {
        return super::answer(Err(AppError::invalid("search", reason)));
    }
    let reader = crate::db::calls::Reader {
        policy: &viewer.policy,
        restricted: viewer.restricted(),
        folding: crate::repeat::store::Folding::of_desk(&query),
    };
    let page = crate::db::calls::list(
        &pool,
        reader,
        &query,
        at,
        crate::db::calls::PAGE_SIZE,
        chrono::Utc::now(),
    )
    .await;
    viewer.show(page)
}

/// Everything about one call, for the detail drawer.
#[server(endpoint = "call_detail", input = Json)]
pub async fn get_call_detail(id: i64) -> Result<CallDetail, AppError> {
    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let detail =
        crate::db::detail::call_detail(&pool, crate::domain::CallId(id), viewer.restricted())
            .await?;
    viewer.show(detail.ok_or(AppError::NotFound))
}

/// The real value of a field masked for the caller, for a `reason` that goes into the audit
/// trail. `None` when the call has no value in that field.
#[server(endpoint = "reveal_field", input = Json)]
pub async fn reveal_field(
    id: i64,
    field: PiiField,
    reason: String,
) -> Result<Option<String>, AppError> {
    let user = super::caller(crate::domain::Role::Agent)?;
    let pool = super::pool()?;
    super::answer(crate::masking::reveal(&pool, &user, id, field, &reason).await)
}

/// Sets the status of a call last seen at `version`.
#[server(endpoint = "set_call_status", input = Json)]
pub async fn set_call_status(
    id: i64,
    version: i32,
    status: CallStatus,
    comment: Option<String>,
) -> Result<CallListItem, AppError> {
    use crate::domain::{CallId, Version};

    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let changed = crate::service::set_status(
        &pool,
        viewer.actor(),
        CallId(id),
        Version(version),
        status,
        comment,
    )
    .await;
    viewer.show_change(changed)
}

/// Assigns a call last seen at `version` to a user, or to nobody.
#[server(endpoint = "assign_call", input = Json)]
pub async fn assign_call(
    id: i64,
    version: i32,
    assignee: Option<i64>,
) -> Result<CallListItem, AppError> {
    use crate::domain::{CallId, UserId, Version};

    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let assignee = assignee.map(UserId);
    let assigned = crate::service::assign(
        &pool,
        viewer.actor(),
        CallId(id),
        Version(version),
        assignee,
    )
    .await;
    viewer.show_change(assigned)
}

#[server(endpoint = "add_call_note", input = Json)]
pub async fn add_call_note(id: i64, note: String) -> Result<NoteEntry, AppError> {
    let actor = super::actor(crate::domain::Role::Agent)?;
    let pool = super::pool()?;
    let call = crate::domain::CallId(id);
    super::answer(crate::service::add_note(&pool, actor, call, &note).await)
}

/// Sets the status of the selected calls, each last seen at its version.
#[server(endpoint = "bulk_set_status", input = Json)]
pub async fn bulk_set_status(
    targets: Vec<(i64, i32)>,
    status: CallStatus,
) -> Result<BulkOutcome, AppError> {
    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let targets = targets_of(&targets);
    viewer.show(crate::service::bulk_set_status(&pool, viewer.actor(), &targets, status).await)
}

/// Marks done the row of a run of repeat calls, last seen at `version`, with every call it
/// stands for (`crate::repeat`).
#[server(endpoint = "close_repeats", input = Json)]
pub async fn close_repeats(id: i64, version: i32) -> Result<RepeatsClosed, AppError> {
    use crate::domain::{CallId, Version};

    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let closed =
        crate::service::close_repeats(&pool, viewer.actor(), CallId(id), Version(version)).await;
    viewer.show_change(closed)
}

/// Puts calls back to the statuses they had (Undo), each as long as nobody changed it since.
#[server(endpoint = "restore_statuses", input = Json)]
pub async fn restore_statuses(steps: Vec<StatusBefore>) -> Result<BulkOutcome, AppError> {
    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    viewer.show(crate::service::restore_statuses(&pool, viewer.actor(), &steps).await)
}

/// Assigns the selected calls, each last seen at its version.
#[server(endpoint = "bulk_assign", input = Json)]
pub async fn bulk_assign(
    targets: Vec<(i64, i32)>,
    assignee: Option<i64>,
) -> Result<BulkOutcome, AppError> {
    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, crate::domain::Role::Agent).await?;
    let targets = targets_of(&targets);
    let assignee = assignee.map(crate::domain::UserId);
    viewer.show(crate::service::bulk_assign(&pool, viewer.actor(), &targets, assignee).await)
}

/// The calls of a bulk action as the service takes them.
#[cfg(feature = "ssr")]
fn targets_of(targets: &[(i64, i32)]) -> Vec<(crate::domain::CallId, crate::domain::Version)> {
    use crate::domain::{CallId, Version};

    targets
        .iter()
        .map(|&(id, version)| (CallId(id), Version(version)))
        .collect()
}

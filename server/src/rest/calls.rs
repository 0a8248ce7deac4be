//! `/api/v1/calls`: the calls table for other programs. Reads go through `app::db`, changes
//! through `app::service`, exactly as the dashboard's server functions do.

use app::{
    db,
    domain::{
        CallDetail, CallId, CallListItem, CallQuery, CallSort, CallStatus, Invalid, Mask,
        NoteEntry, PageAt, SearchField, TimeRange, UserId, Version, limits,
    },
    service,
};
use axum::{extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{Json, Path, Query, RestCaller};
use crate::{
    error::{ApiError, ErrorBody},
    state::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calls))
        .routes(routes!(get_call))
        .routes(routes!(set_status))
        .routes(routes!(add_note))
        .routes(routes!(assign))
}

/// Filters, order and page of `GET /calls`. Every value is checked: a malformed one is a 422
/// naming the parameter, never silently ignored.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Searches name (partial, any case), number (digits, partial, national or
    /// international form) and the concern and notes (German full text); at most 200
    /// characters. A field masked for the caller is not searched; `searched` in the answer
    /// names the fields that were.
    #[param(max_length = 200, pattern = "^[^\\x00]*$")]
    q: Option<String>,
    /// Comma-separated statuses, e.g. `NEW,IN_PROGRESS`.
    #[param(pattern = r"^(NEW|IN_PROGRESS|DONE)(,(NEW|IN_PROGRESS|DONE))*$")]
    status: Option<String>,
    /// First day (Europe/Berlin), inclusive.
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// Last day (Europe/Berlin), inclusive; not before `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
    /// Only calls assigned to this user id.
    #[param(value_type = Option<i64>, minimum = 1)]
    assignee: Option<String>,
    /// `first` (default), `last`, or a `next_page`/`previous_page` token of an earlier answer.
    #[param(pattern = r"^(first|last|(after|before):[0-3]\.[0-9]{1,16}\.[0-9]{1,18})$")]
    page: Option<String>,
    /// Calls per page; default 50.
    #[param(value_type = Option<u8>, minimum = 1, maximum = 200)]
    page_size: Option<String>,
    /// `newest` (default), `oldest` or `priority`.
    #[param(pattern = "^(newest|oldest|priority)$")]
    sort: Option<String>,
}

/// One page of calls.
#[derive(Serialize, ToSchema)]
pub struct CallList {
    pub items: Vec<CallListItem>,
    /// How many calls match; exact up to 1 000, above that an estimate.
    pub total: i64,
    pub total_exact: bool,
    /// The token of this page.
    pub page: String,
    pub page_size: usize,
    /// Token for the following page; absent on the last page.
    pub next_page: Option<String>,
    /// Token for the preceding page; absent on the first page.
    pub previous_page: Option<String>,
    /// The fields the search `q` looked in; empty without `q`.
    pub searched: Vec<SearchField>,
}

impl ListParams {
    /// The query the parameters ask for. An empty `q` means no search; any other empty
    /// parameter (`from=`) is as malformed as the document says it is.
    fn parse(self) -> Result<(CallQuery, PageAt, usize), ApiError> {
        let statuses = match self.status {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|status| status.parse::<CallStatus>())
                .collect::<Result<_, _>>()
                .map_err(|_| ApiError::invalid("status", Invalid::StatusUnknown))?,
        };
        let (from, to) = super::days::day_range(self.from, self.to)?;
        let range = (from.is_some() || to.is_some()).then_some(TimeRange::Days { from, to });
        let assignee = self
            .assignee
            .map(|id| {
                id.parse::<i64>()
                    .ok()
                    .filter(|id| *id >= 1)
                    .ok_or_else(|| ApiError::invalid("assignee", Invalid::AssigneeMalformed))
            })
            .transpose()?;
        let sort = self
            .sort
            .map(|sort| {
                sort.parse::<CallSort>()
                    .map_err(|_| ApiError::invalid("sort", Invalid::SortUnknown))
            })
            .transpose()?
            .unwrap_or_default();
        let at = self
            .page
            .map(|page| {
                page.parse::<PageAt>()
                    .map_err(|_| ApiError::invalid("page", Invalid::PageMalformed))
            })
            .transpose()?
            .unwrap_or_default();
        let page_size = match self.page_size {
            None => db::calls::PAGE_SIZE,
            Some(size) => size
                .parse::<usize>()
                .ok()
                .filter(|size| limits::CALLS_PER_PAGE.contains(size))
                .ok_or_else(|| ApiError::invalid("page_size", Invalid::PageSizeRange))?,
        };
        let query = CallQuery {
            statuses,
            search: self
                .q
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty()),
            range,
            assignee,
            sort,
        };
        if let Some(reason) = query.search_problem() {
            return Err(ApiError::invalid("q", reason));
        }
        Ok((query, at, page_size))
    }
}

/// Lists calls, newest first unless `sort` says otherwise.
#[utoipa::path(
    get,
    path = "/calls",
    tag = "calls",
    params(ListParams),
    responses(
        (status = OK, body = CallList),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody, description = "A parameter is malformed"),
    )
)]
async fn list_calls(
    State(pool): State<PgPool>,
    caller: RestCaller,
    Query(params): Query<ListParams>,
) -> Result<Json<CallList>, ApiError> {
    let (query, at, page_size) = params.parse()?;
    let masking = caller.masking(&pool).await?;
    let restricted = db::calls::Restricted::for_role(caller.0.role);
    let reader = db::calls::Reader {
        policy: &masking,
        restricted,
        folding: app::repeat::store::Folding::Each,
    };
    let page = db::calls::list(&pool, reader, &query, at, page_size, chrono::Utc::now())
        .await?
        .show(&masking);
    Ok(Json(CallList {
        items: page.items,
        total: page.total.count,
        total_exact: page.total.exact,
        page: at.to_string(),
        page_size,
        next_page: page.next.map(|cursor| PageAt::After(cursor).to_string()),
        previous_page: page
            .previous
            .map(|cursor| PageAt::Before(cursor).to_string()),
        searched: page.searched,
    }))
}

/// One call with its warnings, status history, notes, audit entries and raw payload.
#[utoipa::path(
    get,
    path = "/calls/{id}",
    tag = "calls",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    responses(
        (status = OK, body = CallDetail),
        (status = NOT_FOUND, body = ErrorBody),
    )
)]
async fn get_call(
    State(pool): State<PgPool>,
    caller: RestCaller,
    Path(id): Path<CallId>,
) -> Result<Json<CallDetail>, ApiError> {
    let masking = caller.masking(&pool).await?;
    db::detail::call_detail(&pool, id, db::calls::Restricted::for_role(caller.0.role))
        .await?
        .map(|detail| Json(detail.show(&masking)))
        .ok_or(ApiError::from(app::AppError::NotFound))
}

/// A change of status, made on the `version` the client last saw.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: CallStatus,
    /// Why, for the status history.
    #[schema(max_length = 1000, pattern = "^[^\\x00]*$")]
    pub comment: Option<String>,
    /// The call's `version` as last read.
    #[schema(value_type = i32, minimum = 1)]
    pub version: Version,
}

/// Sets a call's status. Setting the status it already has succeeds and changes nothing.
#[utoipa::path(
    patch,
    path = "/calls/{id}/status",
    tag = "calls",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    request_body = StatusChange,
    responses(
        (status = OK, body = CallListItem, description = "The call as it is now"),
        (status = NOT_FOUND, body = ErrorBody),
        (status = CONFLICT, body = ErrorBody, description = "Changed by someone else since `version`; `current` is the call now"),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody),
    )
)]
async fn set_status(
    State(pool): State<PgPool>,
    caller: RestCaller,
    Path(id): Path<CallId>,
    Json(change): Json<StatusChange>,
) -> Result<Json<CallListItem>, ApiError> {
    let masking = caller.masking(&pool).await?;
    let call = service::set_status(
        &pool,
        caller.actor(),
        id,
        change.version,
        change.status,
        change.comment,
    )
    .await
    .show(&masking)?;
    Ok(Json(call))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// Not only blanks.
    #[schema(min_length = 1, max_length = 4000, pattern = "^[^\\x00]*$")]
    pub note: String,
}

/// Adds a note to a call.
#[utoipa::path(
    post,
    path = "/calls/{id}/notes",
    tag = "calls",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    request_body = NewNote,
    responses(
        (status = CREATED, body = NoteEntry),
        (status = NOT_FOUND, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody, description = "Empty or too long"),
    )
)]
async fn add_note(
    State(pool): State<PgPool>,
    caller: RestCaller,
    Path(id): Path<CallId>,
    Json(note): Json<NewNote>,
) -> Result<(StatusCode, Json<NoteEntry>), ApiError> {
    let note = service::add_note(&pool, caller.actor(), id, &note.note).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

/// An assignment, made on the `version` the client last saw.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// An active user's id, or `null` to unassign.
    #[schema(value_type = Option<i64>, minimum = 1)]
    pub assignee_id: Option<UserId>,
    /// The call's `version` as last read.
    #[schema(value_type = i32, minimum = 1)]
    pub version: Version,
}

/// Assigns a call to a user or, with `null`, to nobody.
#[utoipa::path(
    post,
    path = "/calls/{id}/assign",
    tag = "calls",
    params(("id" = i64, Path, minimum = 1, description = "The call's id")),
    request_body = Assignment,
    responses(
        (status = OK, body = CallListItem, description = "The call as it is now"),
        (status = NOT_FOUND, body = ErrorBody),
        (status = CONFLICT, body = ErrorBody, description = "Changed by someone else since `version`; `current` is the call now"),
        (status = UNPROCESSABLE_ENTITY, body = ErrorBody, description = "No such active user"),
    )
)]
async fn assign(
    State(pool): State<PgPool>,
    caller: RestCaller,
    Path(id): Path<CallId>,
    Json(assignment): Json<Assignment>,
) -> Result<Json<CallListItem>, ApiError> {
    let masking = caller.masking(&pool).await?;
    let call = service::assign(
        &pool,
        caller.actor(),
        id,
        assignment.version,
        assignment.assignee_id,
    )
    .await
    .show(&masking)?;
    Ok(Json(call))
}

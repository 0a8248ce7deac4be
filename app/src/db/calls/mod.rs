//! Reading the calls table: filters, search and keyset pagination.
//!
//! The SQL is assembled with [`QueryBuilder`] because filters and the sort order vary per
//! request; every value is a bind parameter. Pages are found by the sort key of a neighbour
//! (keyset), so the last page costs what the first does. Every read here sees only calls within
//! the retention period (`call_retention_cutoff()`), whatever the purge has done so far.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use crate::{
    at_rest::{SealError, open_date},
    domain::{
        CallPage, CallQuery, CallSort, CallStatus, Cursor, MaskingPolicy, PageAt, PhoneNumber,
        Priority, Role, StoredCall, Total, limits,
    },
    repeat::store::Folding,
};

mod filters;

use filters::{Filters, HIDDEN_FROM_AGENTS};

/// Whether a reader sees restricted calls (Sperrvermerk) and calls of sources the source policy
/// does not let agents look up: admins do (restricted ones greyed); agents never do, in no list,
/// count, search or detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restricted {
    Hidden,
    Shown,
}

impl Restricted {
    pub fn for_role(role: Role) -> Self {
        if role.allows(Role::Admin) {
            Self::Shown
        } else {
            Self::Hidden
        }
    }
}

/// How many calls one page shows unless the caller asks for another size.
pub const PAGE_SIZE: usize = 50;

const SELECT_COLUMNS: &str = "select c.id, c.received_at, c.caller_name, c.caller_number, c.topic, \
     c.date_of_birth_sealed, c.source, coalesce(s.name, c.source) as source_name, c.priority, c.status, \
     c.assignee_id, u.name as assignee_name, c.updated_at, c.version, \
     c.restricted_at is not null as restricted, c.category, \
     coalesce(c.priority = 'urgent' and r.kind <> 'vip_number', false) as red_flag, \
     c.escalated_at is not null as escalated, ";

const FROM_CALLS: &str = " from calls c left join users u on u.id = c.assignee_id \
     left join policy_sources s on s.source = c.source \
     left join priority_rules r on r.id = c.priority_rule_id \
     where c.received_at >= call_retention_cutoff()";

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    received_at: DateTime<Utc>,
    caller_name: Option<String>,
    caller_number: Option<String>,
    topic: Option<String>,
    date_of_birth_sealed: Option<String>,
    source: String,
    source_name: String,
    priority: Priority,
    status: CallStatus,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    updated_at: DateTime<Utc>,
    version: i32,
    restricted: bool,
    category: Option<String>,
    red_flag: bool,
    escalated: bool,
    repeats: i32,
}

impl TryFrom<ItemRow> for StoredCall {
    type Error = SealError;

    /// Opens the sealed date of birth (see `crate::at_rest`).
    fn try_from(row: ItemRow) -> Result<Self, SealError> {
        Ok(Self {
            id: row.id,
            received_at: row.received_at,
            caller_name: row.caller_name,
            caller_number: row.caller_number.map(PhoneNumber::from_stored),
            topic: row.topic,
            date_of_birth: row
                .date_of_birth_sealed
                .as_deref()
                .map(open_date)
                .transpose()?,
            source: row.source,
            source_name: row.source_name,
            priority: row.priority,
            status: row.status,
            assignee_id: row.assignee_id,
            assignee_name: row.assignee_name,
            updated_at: row.updated_at,
            version: row.version,
            restricted: row.restricted,
            category: row.category,
            suggestion: None,
            red_flag: row.red_flag,
            escalated: row.escalated,
            repeats: row.repeats,
        })
    }
}

/// The row columns of a call and its joins, up to the retention filter: `folding` says whether
/// a run's row counts its calls or each call counts once.
fn select_items<'args>(folding: Folding) -> QueryBuilder<'args, Postgres> {
    let mut sql = QueryBuilder::new(SELECT_COLUMNS);
    sql.push(match folding {
        Folding::Runs => "c.repeats",
        Folding::Each => "1 as repeats",
    });
    sql.push(FROM_CALLS);
    sql
}

/// How one list request reads the calls: who reads, and whether runs of repeat calls fold.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub policy: &'a MaskingPolicy,
    pub restricted: Restricted,
    pub folding: Folding,
}

/// One page of at most `page_size` (within [`limits::CALLS_PER_PAGE`]) calls matching `query`, in
/// its sort order, with the total. A search looks only in the fields the reader's policy shows
/// in full (see [`SearchTerm::fields`]). `now` resolves relative ranges such as „Heute“.
pub async fn list(
    pool: &PgPool,
    reader: Reader<'_>,
    query: &CallQuery,
    at: PageAt,
    page_size: usize,
    now: DateTime<Utc>,
) -> sqlx::Result<CallPage<StoredCall>> {
    let page_size = page_size.clamp(
        *limits::CALLS_PER_PAGE.start(),
        *limits::CALLS_PER_PAGE.end(),
    );
    let backwards = matches!(at, PageAt::Before(_) | PageAt::Last);
    let filters = Filters::new(query, reader, now);
    let mut sql = select_items(reader.folding);
    filters.push(&mut sql);
    match at {
        PageAt::After(cursor) => push_keyset(&mut sql, query.sort, cursor, false),
        PageAt::Before(cursor) => push_keyset(&mut sql, query.sort, cursor, true),
        PageAt::First | PageAt::Last => {}
    }
    push_order(&mut sql, query.sort, backwards);
    sql.push(" limit ").push_bind((page_size + 1) as i64);
    // The page and the total on two connections at once: a request takes as long as the
    // slower of the two, not their sum.
    let (mut rows, total): (Vec<ItemRow>, Total) =
        tokio::try_join!(sql.build_query_as().fetch_all(pool), count(pool, &filters))?;

    let more = rows.len() > page_size;
    rows.truncate(page_size);
    if backwards {
        rows.reverse();
    }
    let mut items = rows
        .into_iter()
        .map(StoredCall::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let mut conn = pool.acquire().await?;
    with_hints(&mut conn, &mut items).await?;
    let first = items.first().map(cursor_of);
    let last = items.last().map(cursor_of);
    let (previous, next) = match at {
        PageAt::First => (None, last.filter(|_| more)),
        PageAt::After(_) => (first, last.filter(|_| more)),
        PageAt::Before(_) => (first.filter(|_| more), last),
        PageAt::Last => (first.filter(|_| more), None),
    };
    Ok(CallPage {
        items,
        total,
        previous,
        next,
        searched: filters.searched(),
    })
}

/// One call as a row of the table, e.g. after a change; `None` when it does not exist (or is
/// restricted and `restricted` hides it).
pub async fn item(
    conn: &mut PgConnection,
    id: i64,
    restricted: Restricted,
) -> sqlx::Result<Option<StoredCall>> {
    let mut sql = select_items(Folding::Runs);
    sql.push(" and c.id = ").push_bind(id);
    if restricted == Restricted::Hidden {
        sql.push(HIDDEN_FROM_AGENTS);
    }
    let row: Option<ItemRow> = sql.build_query_as().fetch_optional(&mut *conn).await?;
    let mut items: Vec<StoredCall> = row
        .map(StoredCall::try_from)
        .transpose()?
        .into_iter()
        .collect();
    with_hints(conn, &mut items).await?;
    Ok(items.pop())
}

/// Red-flag calls pinned on top of the desk at most.
const PINNED_MAX: i64 = 10;

/// The open red-flag calls nobody has taken yet, oldest first, at most [`PINNED_MAX`]: pinned on
/// top of the desk. Restricted calls are never among them (nobody may take them).
pub async fn red_flags(
    conn: &mut PgConnection,
    restricted: Restricted,
) -> sqlx::Result<Vec<StoredCall>> {
    let mut sql = select_items(Folding::Runs);
    sql.push(
        " and c.status <> 'DONE' and c.assignee_id is null and c.restricted_at is null \
         and c.priority = 'urgent' and r.kind <> 'vip_number'",
    );
    if restricted == Restricted::Hidden {
        sql.push(HIDDEN_FROM_AGENTS);
    }
    sql.push(" order by c.received_at, c.id limit ")
        .push_bind(PINNED_MAX);
    let rows: Vec<ItemRow> = sql.build_query_as().fetch_all(&mut *conn).await?;
    let mut items = rows
        .into_iter()
        .map(StoredCall::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    with_hints(conn, &mut items).await?;
    Ok(items)
}

/// Fills in each call's newest LLM suggestion (one query for the page).
async fn with_hints(conn: &mut PgConnection, calls: &mut [StoredCall]) -> sqlx::Result<()> {
    let ids: Vec<i64> = calls.iter().map(|call| call.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let hints = sqlx::query!(
        r#"select distinct on (call_id) call_id, category as "category!",
                  urgency as "urgency!: Priority"
           from llm_requests where call_id = any($1) and outcome = 'ok'
           order by call_id, id desc"#,
        &ids
    )
    .fetch_all(conn)
    .await?;
    for hint in hints {
        if let Some(call) = calls.iter_mut().find(|call| call.id == hint.call_id) {
            call.suggestion = Some(crate::llm::Hint {
                category: hint.category,
                urgency: hint.urgency,
            });
        }
    }
    Ok(())
}

/// The position of a call in every sort order.
pub fn cursor_of(call: &StoredCall) -> Cursor {
    Cursor {
        priority: call.priority,
        received_at: call.received_at,
        id: call.id,
    }
}

/// Counts exactly up to [`Total::EXACT_LIMIT`]; beyond that the planner's estimate is close
/// enough for „about 12 000“. The estimate comes first and is instant: when it is well above
/// the limit, the capped count is skipped. The capped count finds at most 1 001 matches, as
/// many as a selective search's page reads anyway; finding 10 001 (the limit before) took
/// 150 ms for a number's first five digits at 1 M calls, against 2.5 ms for its page.
async fn count(pool: &PgPool, filters: &Filters<'_>) -> sqlx::Result<Total> {
    /// How far above the limit an estimate must be to be trusted without counting.
    const TRUSTED_ABOVE: i64 = 3 * Total::EXACT_LIMIT;
    let mut sql = QueryBuilder::new(
        "explain (format json) select 1 from calls c where c.received_at >= call_retention_cutoff()",
    );
    filters.push(&mut sql);
    let plan: serde_json::Value = sql.build_query_scalar().fetch_one(pool).await?;
    let estimate = plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or_default() as i64;
    if estimate > TRUSTED_ABOVE {
        return Ok(Total {
            count: estimate,
            exact: false,
        });
    }
    let mut sql = QueryBuilder::new(
        "select count(*) from (select 1 from calls c where c.received_at >= call_retention_cutoff()",
    );
    filters.push(&mut sql);
    sql.push(" limit ")
        .push_bind(Total::EXACT_LIMIT + 1)
        .push(") capped");
    let capped: i64 = sql.build_query_scalar().fetch_one(pool).await?;
    Ok(if capped <= Total::EXACT_LIMIT {
        Total {
            count: capped,
            exact: true,
        }
    } else {
        Total {
            count: estimate.max(capped),
            exact: false,
        }
    })
}

/// The sort key columns of an order, and whether it runs descending.
fn key(sort: CallSort) -> (&'static str, bool) {
    match sort {
        CallSort::Newest => ("(c.received_at, c.id)", true),
        CallSort::Oldest => ("(c.received_at, c.id)", false),
        CallSort::Priority => ("(c.priority, c.received_at, c.id)", true),
    }
}

/// Rows strictly after `cursor` in the sort order, or strictly before it when `before`.
fn push_keyset(sql: &mut QueryBuilder<'_, Postgres>, sort: CallSort, cursor: Cursor, before: bool) {
    let (columns, descending) = key(sort);
    let op = if descending != before { " < (" } else { " > (" };
    sql.push(" and ").push(columns).push(op);
    if sort == CallSort::Priority {
        sql.push_bind(cursor.priority).push(", ");
    }
    sql.push_bind(cursor.received_at)
        .push(", ")
        .push_bind(cursor.id)
        .push(")");
}

fn push_order(sql: &mut QueryBuilder<'_, Postgres>, sort: CallSort, reversed: bool) {
    let (columns, descending) = key(sort);
    let direction = if descending != reversed {
        " desc"
    } else {
        " asc"
    };
    sql.push(" order by ");
    let columns = columns.trim_matches(|c| c == '(' || c == ')');
    let ordered: Vec<String> = columns
        .split(", ")
        .map(|column| format!("{column}{direction}"))
        .collect();
    sql.push(ordered.join(", "));
}

//! Reading calls for the dashboard.

use sqlx::PgPool;

use crate::domain::{CallListItem, CallPage, CallQuery, CallStatus, PhoneNumber, Priority};

/// How many calls one page shows.
pub const PAGE_SIZE: i64 = 100;

/// The newest calls matching `query` (newest first) and how many match in all.
pub async fn list(pool: &PgPool, query: &CallQuery) -> sqlx::Result<CallPage> {
    let rows = sqlx::query!(
        r#"
        select c.id, c.received_at, c.caller_name, c.caller_number, c.topic, c.date_of_birth,
               c.source, c.priority as "priority: Priority", c.status as "status: CallStatus",
               u.name as "assignee_name?", c.updated_at
        from calls c
        left join users u on u.id = c.assignee_id
        where ($1::call_state is null or c.status = $1)
        order by c.received_at desc, c.id desc
        limit $2
        "#,
        query.status as Option<CallStatus>,
        PAGE_SIZE,
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from calls where ($1::call_state is null or status = $1)"#,
        query.status as Option<CallStatus>,
    )
    .fetch_one(pool)
    .await?;
    let items = rows
        .into_iter()
        .map(|row| CallListItem {
            id: row.id,
            received_at: row.received_at,
            caller_name: row.caller_name,
            caller_number: row.caller_number.map(PhoneNumber::from_stored),
            topic: row.topic,
            date_of_birth: row.date_of_birth,
            source: row.source,
            priority: row.priority,
            status: row.status,
            assignee_name: row.assignee_name,
            updated_at: row.updated_at,
        })
        .collect();
    Ok(CallPage { items, total })
}

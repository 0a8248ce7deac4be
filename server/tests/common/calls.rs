//! Calls written straight into the database, with exactly the values a test needs.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// The fields a test sets; the rest get neutral values.
#[derive(Clone, Debug)]
pub struct NewCall<'a> {
    pub received_at: DateTime<Utc>,
    pub name: Option<&'a str>,
    pub number: Option<&'a str>,
    pub topic: &'a str,
    pub priority: &'a str,
    pub status: &'a str,
}

impl Default for NewCall<'_> {
    fn default() -> Self {
        Self {
            received_at: Utc::now(),
            name: None,
            number: None,
            topic: "Termin",
            priority: "normal",
            status: "NEW",
        }
    }
}

/// Inserts one call and returns its id.
pub async fn insert_call(pool: &PgPool, call: NewCall<'_>) -> i64 {
    super::data_keys_file();
    sqlx::query_scalar(
        "insert into calls (event_id, received_at, caller_name, caller_number, topic, priority,
                            status, raw_payload, content_hash)
         values (gen_random_uuid()::text, $1, $2, $3, $4, $5::call_priority, $6::call_state,
                 '{}', '\\x00')
         returning id",
    )
    .bind(call.received_at)
    .bind(call.name)
    .bind(call.number)
    .bind(call.topic)
    .bind(call.priority)
    .bind(call.status)
    .fetch_one(pool)
    .await
    .expect("insert call")
}

/// Restricts a call (Sperrvermerk) straight in the database, with a reason.
pub async fn restrict(pool: &PgPool, id: i64) {
    sqlx::query(
        "update calls set restricted_at = now(), restriction_reason = 'Widerspruch' where id = $1",
    )
    .bind(id)
    .execute(pool)
    .await
    .expect("restricted");
}

/// Inserts an active user and returns the id.
pub async fn insert_user(pool: &PgPool, name: &str, active: bool) -> i64 {
    sqlx::query_scalar(
        "insert into users (name, email, role, is_active) values ($1, $2, 'AGENT', $3) returning id",
    )
    .bind(name)
    .bind(format!("{}@praxis.test", name.to_lowercase().replace(' ', ".")))
    .bind(active)
    .fetch_one(pool)
    .await
    .expect("insert user")
}

/// A call with a name, a number and a date of birth, in the columns and in the raw payload.
pub async fn personal_call(pool: &PgPool) -> i64 {
    let id = insert_call(
        pool,
        NewCall {
            name: Some("Maria Müller"),
            number: Some("+49301234567"),
            ..NewCall::default()
        },
    )
    .await;
    let mut raw = serde_json::json!({
        "caller_name": "Maria Müller", "caller_number": "030 1234567",
        "date_of_birth": "02.03.1984", "topic": "Termin",
    });
    app::at_rest::seal_payload(&mut raw).expect("sealed");
    let date = chrono::NaiveDate::from_ymd_opt(1984, 3, 2).expect("a date");
    sqlx::query("update calls set date_of_birth_sealed = $2, raw_payload = $3 where id = $1")
        .bind(id)
        .bind(app::at_rest::seal_date(date).expect("sealed"))
        .bind(raw)
        .execute(pool)
        .await
        .expect("personal data");
    id
}

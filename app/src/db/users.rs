//! The people calls are assigned to and changes are attributed to.

use sqlx::PgPool;

use crate::domain::UserSummary;

/// Active users, by name: the choices of the assignee picker.
pub async fn assignable(pool: &PgPool) -> sqlx::Result<Vec<UserSummary>> {
    sqlx::query_as!(
        UserSummary,
        "select id, name from users where is_active order by name, id"
    )
    .fetch_all(pool)
    .await
}

/// A user's display name.
pub async fn name(pool: &PgPool, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("select name from users where id = $1", id)
        .fetch_optional(pool)
        .await
}

/// The demo practice team, so calls can be assigned in demo mode. Adds nobody twice.
pub async fn create_demo_team(pool: &PgPool) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into users (name, email, role)
         select name, email, 'AGENT' from unnest($1::text[], $2::text[]) as t(name, email)
         on conflict on constraint users_email_key do nothing",
        &["Anna Schmidt", "Jonas Weber", "Leyla Demir"].map(String::from),
        &[
            "anna.schmidt@praxis.example",
            "jonas.weber@praxis.example",
            "leyla.demir@praxis.example"
        ]
        .map(String::from),
    )
    .execute(pool)
    .await?;
    Ok(())
}

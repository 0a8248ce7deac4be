//! The people calls are assigned to and changes are attributed to.

use sqlx::PgPool;

use crate::domain::{Account, Role, UserSummary};

/// Active users, by name: the choices of the assignee picker.
pub async fn assignable(pool: &PgPool) -> sqlx::Result<Vec<UserSummary>> {
    sqlx::query_as!(
        UserSummary,
        "select id, name from users where is_active order by name, id"
    )
    .fetch_all(pool)
    .await
}

/// Every user, active ones first, by name, with their live sessions: the admin's list.
pub async fn accounts(pool: &PgPool) -> sqlx::Result<Vec<Account>> {
    sqlx::query_as!(
        Account,
        r#"select u.id, u.name, u.email, u.role as "role: Role", u.is_active,
                  (select max(f.locked_until) from login_failures f
                    where f.user_id = u.id and f.locked_until > now()) as locked_until,
                  u.password_hash is not null as "has_password!", u.is_service,
                  u.oidc_subject is not null as "oidc_linked!",
                  u.oidc_link_allowed_until,
                  count(s.token_hash) filter (where s.expires_at > now()) as "sessions!",
                  max(s.last_seen_at) as last_seen_at, u.llm_ident
           from users u left join sessions s on s.user_id = u.id
           group by u.id
           order by u.is_active desc, u.name, u.id"#
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

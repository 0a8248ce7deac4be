//! Server functions: each checks access, calls `db` or `service`, and returns domain types.

pub mod calls;
pub mod users;

#[cfg(feature = "ssr")]
fn pool() -> Result<sqlx::PgPool, crate::AppError> {
    leptos::prelude::use_context::<sqlx::PgPool>().ok_or_else(|| {
        tracing::error!("the server did not provide a database pool to the server function");
        crate::AppError::Internal
    })
}

/// Who is making a change. There is no login yet, so every change is recorded as anonymous.
#[cfg(feature = "ssr")]
fn actor() -> crate::service::Actor {
    crate::service::Actor::Anonymous
}

//! Server functions: each checks access, calls `db`, and returns domain types.

pub mod calls;

#[cfg(feature = "ssr")]
fn pool() -> Result<sqlx::PgPool, crate::AppError> {
    leptos::prelude::use_context::<sqlx::PgPool>().ok_or_else(|| {
        tracing::error!("the server did not provide a database pool to the server function");
        crate::AppError::Internal
    })
}

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

/// Passes a server function's result on, giving a failure the HTTP status of its error, so a
/// conflict or a rejected input is a 409 or 422 in logs and proxies rather than a server fault.
#[cfg(feature = "ssr")]
fn answer<T, E: Into<crate::AppError>>(result: Result<T, E>) -> Result<T, crate::AppError> {
    let result = result.map_err(Into::into);
    if let Err(error) = &result
        && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(error.status());
    }
    result
}

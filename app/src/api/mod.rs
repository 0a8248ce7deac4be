//! Server functions: each checks access, calls `db` or `service`, and returns domain types.

pub mod auth;
pub mod calls;
pub mod users;

#[cfg(feature = "ssr")]
fn pool() -> Result<sqlx::PgPool, crate::AppError> {
    leptos::prelude::use_context::<sqlx::PgPool>().ok_or_else(|| {
        tracing::error!("the server did not provide a database pool to the server function");
        crate::AppError::Internal
    })
}

/// The logged-in user making this request, if their role allows `required`. The server's
/// guard has already turned away anonymous requests; this is the check where the work is done.
#[cfg(feature = "ssr")]
fn caller(required: crate::domain::Role) -> Result<crate::domain::SessionUser, crate::AppError> {
    let caller = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::auth::Caller>().cloned());
    let result = match caller {
        Some(caller) if caller.user.role.allows(required) => Ok(caller.user),
        Some(_) => Err(crate::AppError::Forbidden),
        None => Err(crate::AppError::Unauthenticated),
    };
    answer(result)
}

/// [`caller`] for changes: who the audit trail names.
#[cfg(feature = "ssr")]
fn actor(required: crate::domain::Role) -> Result<crate::audit::Actor, crate::AppError> {
    caller(required).map(|user| crate::audit::Actor::User(user.id))
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

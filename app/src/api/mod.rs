//! Server functions: each checks access, calls `db` or `service`, and returns domain types.

pub mod admin;
pub mod auth;
pub mod calls;
pub mod compliance;
pub mod dsgvo;
pub mod kpi;
pub mod llm;
pub mod repeat;
pub mod rules;
pub mod users;

/// Where the server mounts the REST API for other programs.
pub const REST_PREFIX: &str = "/api/v1";

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
    let result = match request_user() {
        Some(user) if user.role.allows(required) => Ok(user),
        Some(_) => Err(crate::AppError::Forbidden),
        None => Err(crate::AppError::Unauthenticated),
    };
    answer(result)
}

/// The user the server found for the request being handled (see `auth`), if any.
#[cfg(feature = "ssr")]
pub(crate) fn request_user() -> Option<crate::domain::SessionUser> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::domain::SessionUser>()
            .cloned()
    })
}

/// The caller, with what their role lets them see of callers' personal data.
#[cfg(feature = "ssr")]
struct Viewer {
    user: crate::domain::SessionUser,
    policy: crate::domain::MaskingPolicy,
}

#[cfg(feature = "ssr")]
impl Viewer {
    /// The caller, if their role allows `required`, and their masking.
    async fn of(
        pool: &sqlx::PgPool,
        required: crate::domain::Role,
    ) -> Result<Self, crate::AppError> {
        let user = caller(required)?;
        let policy = crate::masking::policy_for(pool, &user).await?;
        Ok(Self { user, policy })
    }

    /// Whether this viewer sees restricted calls (admins, greyed).
    fn restricted(&self) -> crate::db::calls::Restricted {
        crate::db::calls::Restricted::for_role(self.user.role)
    }

    /// Who the audit trail names for changes.
    fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor::User(self.user.id)
    }

    /// [`answer`], with what this viewer may see of the stored calls in `result`.
    fn show<T: crate::domain::Mask, E: Into<crate::AppError>>(
        &self,
        result: Result<T, E>,
    ) -> Result<T::Shown, crate::AppError> {
        answer(result.map(|value| value.show(&self.policy)))
    }

    /// [`Self::show`] for a change made on a version, whose conflict carries the call as it
    /// is now: masked like any other answer.
    fn show_change<T: crate::domain::Mask>(
        &self,
        result: Result<T, crate::service::ChangeError>,
    ) -> Result<T::Shown, crate::AppError> {
        use crate::domain::Mask;
        answer(result.show(&self.policy))
    }
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

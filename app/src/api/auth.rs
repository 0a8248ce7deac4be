//! Server functions for logging in and out, and for who is logged in.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{AppError, domain::SessionUser};

/// Checks the password and starts a session: a new session id in an HttpOnly cookie. Returns
/// the page to go to next (`next` if it is a page of this site, otherwise the calls table).
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::auth::{ClientAddress, LoginError, LoginFrom, accounts};

    let pool = super::pool()?;
    let settings = session_settings()?;
    let parts = use_context::<http::request::Parts>();
    let user_agent = parts
        .as_ref()
        .and_then(|parts| parts.headers.get(http::header::USER_AGENT)?.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let client = parts
        .as_ref()
        .and_then(|parts| parts.extensions.get::<ClientAddress>())
        .map(|address| address.0.to_string())
        .unwrap_or_default();
    let from = LoginFrom {
        client: &client,
        user_agent: &user_agent,
    };
    let result = accounts::login(&pool, &email, &password, from, settings.policy).await;
    let token = match result {
        Ok((_, token)) => token,
        Err(LoginError::Rejected) => return super::answer(Err(AppError::LoginRejected)),
        Err(LoginError::Database(error)) => return Err(error.into()),
    };
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&settings.cookie(&token)),
    ) {
        response.append_header(http::header::SET_COOKIE, cookie);
    }
    Ok(local_target(next.as_deref()))
}

/// Ends this browser's session and removes its cookie.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let pool = super::pool()?;
    let settings = session_settings()?;
    let token =
        use_context::<http::request::Parts>().and_then(|parts| settings.token(&parts.headers));
    if let Some(token) = token {
        crate::auth::accounts::logout(&pool, &token).await?;
    }
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&settings.removal_cookie()),
    ) {
        response.append_header(http::header::SET_COOKIE, cookie);
    }
    Ok(())
}

#[cfg(feature = "ssr")]
pub(super) fn session_settings() -> Result<crate::auth::SessionSettings, AppError> {
    use_context::<crate::auth::SessionSettings>().ok_or_else(|| {
        tracing::error!("the server did not provide the session settings");
        AppError::Internal
    })
}

/// The logged-in user.
#[server(endpoint = "current_user", input = Json)]
pub async fn current_user() -> Result<SessionUser, AppError> {
    super::caller(crate::domain::Role::Agent)
}

/// Whether the practice's identity provider is offered on the login page.
#[server(endpoint = "login_options", input = Json)]
pub async fn login_options() -> Result<bool, AppError> {
    Ok(use_context::<crate::auth::OidcOffered>().is_some_and(|offered| offered.0))
}

/// The login page.
pub const LOGIN_PATH: &str = "/login";

/// The login server function, the one state-changing request anonymous callers may make.
pub const LOGIN_FN_PATH: &str = <Login as leptos::server_fn::ServerFn>::PATH;

/// Where a login through the practice's identity provider starts (served by the server).
pub const OIDC_LOGIN_PATH: &str = "/auth/oidc/login";

/// The provider's login, returning to `next` (a path with query) afterwards.
pub fn oidc_login_href(next: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{OIDC_LOGIN_PATH}?next={next}")
}

/// The login page, returning to `next` (a path with query) afterwards.
pub fn login_href(next: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{LOGIN_PATH}?next={next}")
}

/// A page of this site to go to after login; anything else becomes the calls table, so the
/// login link cannot send people elsewhere. A target must be a path (`/…`, not `//host`), and
/// may hold no backslash and no control character: browsers read `\` as `/` and drop tabs and
/// line breaks, so `/<TAB>/host` would become `//host`, another site.
pub fn local_target(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.chars().any(|c| c == '\\' || c.is_control())
                && !path.starts_with(LOGIN_PATH) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_target;

    #[test]
    fn only_pages_of_this_site_are_targets_after_login() {
        assert_eq!(local_target(Some("/?status=NEW")), "/?status=NEW");
        assert_eq!(local_target(Some("https://evil.example/")), "/");
        assert_eq!(local_target(Some("//evil.example/")), "/");
        assert_eq!(local_target(Some("/\\evil.example/")), "/");
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n//evil.example",
            "/a\\b",
        ] {
            assert_eq!(local_target(Some(sneaky)), "/", "{sneaky:?}");
        }
        assert_eq!(local_target(Some("/login")), "/");
        assert_eq!(local_target(None), "/");
    }

    #[test]
    fn the_login_link_carries_the_view_to_return_to() {
        assert_eq!(
            super::login_href("/?status=NEW"),
            "/login?next=%2F%3Fstatus%3DNEW"
        );
    }
}

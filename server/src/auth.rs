//! Who may reach what. Three layers run before any handler:
//!
//! - [`identify`] turns a session cookie or an API token into the [`SessionUser`] in the
//!   request's extensions (absent for anonymous requests);
//! - [`guard`] lets anonymous requests reach only the login page, the login server function and
//!   the static files, and only admins reach the admin area and the metrics; everything else
//!   checks the role again where it acts (server functions, REST handlers);
//! - [`same_origin`] refuses state-changing requests a browser sends from another site (CSRF).

use app::{
    api::{
        admin::ADMIN_PATH,
        auth::{LOGIN_FN_PATH, LOGIN_PATH, LoginOptions, OIDC_LOGIN_PATH, login_href},
    },
    domain::{Role, SessionUser, TokenScope},
};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use leptos::server_fn::ServerFn;

use crate::{
    credentials::{self, Credential},
    error::ApiError,
    rest::compliance::CHECK_PATH,
    state::AppState,
};

/// What the login page offers, asked before anyone is logged in.
const LOGIN_OPTIONS_FN_PATH: &str = <LoginOptions as ServerFn>::PATH;

/// Looks up the session cookie or the `Authorization: Bearer` token and records the caller,
/// for the handlers in the request and for the request's log line in the response.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if matches!(Area::of(request.uri().path()), Area::Static | Area::Health) {
        return next.run(request).await;
    }
    let accepted = token_scopes(request.uri().path());
    match credentials::caller(&state.pool, state.sessions, request.headers(), accepted).await {
        Ok(Some((user, credential))) => {
            let id = crate::ops::requests::Requester(user.id);
            request.extensions_mut().insert(user);
            request.extensions_mut().insert(credential);
            let mut response = next.run(request).await;
            response.extensions_mut().insert(id);
            return response;
        }
        Ok(None) => {}
        Err(error) => {
            tracing::error!(%error, "could not check the session");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Die Datenbank ist nicht erreichbar.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

/// The parts of the site, by what they need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Area {
    /// The bundle, stylesheet and icon: no personal data, no login.
    Static,
    /// `/healthz` and `/readyz` for a load balancer: no data, no login.
    Health,
    /// The login page, the login server functions and the identity provider's login and callback.
    Login,
    /// The OpenAPI description: no data, so programs can be written before a token exists.
    ApiDescription,
    Rest,
    ServerFunction,
    Live,
    /// Prometheus metrics: for admins (or their API token).
    Metrics,
    /// Pages of the admin area.
    AdminPage,
    Page,
}

impl Area {
    pub(crate) fn of(path: &str) -> Self {
        match path {
            crate::ops::health::HEALTH_PATH | crate::ops::health::READY_PATH => Self::Health,
            LOGIN_PATH | LOGIN_FN_PATH | LOGIN_OPTIONS_FN_PATH | OIDC_LOGIN_PATH => Self::Login,
            crate::oidc::CALLBACK_PATH => Self::Login,
            app::ICON_PATH => Self::Static,
            "/api/v1/openapi.json" => Self::ApiDescription,
            "/metrics" => Self::Metrics,
            app::live::LIVE_PATH => Self::Live,
            _ if path.starts_with("/pkg/") => Self::Static,
            _ if path.starts_with(app::api::REST_PREFIX) => Self::Rest,
            _ if path
                .strip_prefix(ADMIN_PATH)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')) =>
            {
                Self::AdminPage
            }
            _ if path.starts_with("/api/") => Self::ServerFunction,
            _ => Self::Page,
        }
    }

    fn is_public(self) -> bool {
        matches!(
            self,
            Self::Static | Self::Health | Self::Login | Self::ApiDescription
        )
    }

    /// The name in the request metrics' `area` label.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Health => "health",
            Self::Login => "login",
            Self::ApiDescription => "api_description",
            Self::Rest => "rest",
            Self::ServerFunction => "server_function",
            Self::Live => "live",
            Self::Metrics => "metrics",
            Self::AdminPage => "admin_page",
            Self::Page => "page",
        }
    }

    fn required_role(self) -> Role {
        match self {
            Self::Metrics | Self::AdminPage => Role::Admin,
            _ => Role::Agent,
        }
    }

    fn is_page(self) -> bool {
        matches!(self, Self::Page | Self::AdminPage)
    }
}

/// The API tokens that count on `path`; none elsewhere. The live check of the source policy also
/// takes the tokens made for it alone (its handler admits them, or admins).
fn token_scopes(path: &str) -> &'static [TokenScope] {
    match Area::of(path) {
        Area::Rest if path.strip_prefix(app::api::REST_PREFIX) == Some(CHECK_PATH) => {
            &[TokenScope::Api, TokenScope::Compliance]
        }
        Area::Rest => &[TokenScope::Api],
        Area::Metrics => &[TokenScope::Metrics],
        _ => &[],
    }
}

/// Refuses what the caller may not reach at all, each part of the site in its own way: pages
/// send anonymous visitors to the login page, programs get a 401 in their error format.
pub async fn guard(request: Request, next: Next) -> Response {
    let area = Area::of(request.uri().path());
    if area.is_public() {
        return next.run(request).await;
    }
    // A metrics token is for the metrics and nothing else, whoever's it is.
    if area == Area::Metrics
        && request.extensions().get::<Credential>() == Some(&Credential::Token(TokenScope::Metrics))
    {
        return next.run(request).await;
    }
    let role = request
        .extensions()
        .get::<SessionUser>()
        .map(|user| user.role);
    match role {
        Some(role) if role.allows(area.required_role()) => next.run(request).await,
        Some(_) if area == Area::AdminPage => crate::no_access::page(request.headers()),
        Some(_) => denied(area, StatusCode::FORBIDDEN),
        None if area.is_page() => {
            let wanted = request
                .uri()
                .path_and_query()
                .map_or("/", |target| target.as_str());
            Redirect::to(&login_href(wanted)).into_response()
        }
        None => denied(area, StatusCode::UNAUTHORIZED),
    }
}

fn denied(area: Area, status: StatusCode) -> Response {
    let unauthenticated = status == StatusCode::UNAUTHORIZED;
    match area {
        Area::Rest if unauthenticated => ApiError::Unauthenticated.into_response(),
        Area::Rest => ApiError::Forbidden.into_response(),
        Area::ServerFunction => {
            let error = if unauthenticated {
                app::AppError::Unauthenticated
            } else {
                app::AppError::Forbidden
            };
            let body = serde_json::to_string(&error).unwrap_or_default();
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        _ if unauthenticated => {
            (status, app::AppError::Unauthenticated.to_string()).into_response()
        }
        _ => (status, app::AppError::Forbidden.to_string()).into_response(),
    }
}

/// Refuses state-changing requests made by a browser on behalf of another site, and the live
/// connection's handshake from another site (a `GET` that opens a stream of the user's data).
///
/// Browsers say where a request comes from in `Sec-Fetch-Site` (all current ones) or `Origin`;
/// a request with neither does not come from a browser page (scripts, integrations), and
/// cannot carry a victim's cookie through someone else's site. The session cookie's
/// `SameSite=Lax` is a second line of defence.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let area = Area::of(request.uri().path());
    let checked = !is_safe(request.method()) || area == Area::Live;
    if !checked || comes_from_this_site(request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(path = request.uri().path(), "refused a cross-site request");
        match area {
            Area::Rest => ApiError::CrossSite.into_response(),
            _ => (
                StatusCode::FORBIDDEN,
                "Anfragen von fremden Seiten werden abgelehnt.",
            )
                .into_response(),
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn comes_from_this_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, host)| host);
    matches!((origin_host, host), (Some(origin), Some(host)) if origin.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    header::HeaderName::from_static(name),
                    header::HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn requests_from_the_same_site_or_without_a_browser_pass() {
        assert!(comes_from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(comes_from_this_site(&headers(&[(
            "sec-fetch-site",
            "none"
        )])));
        assert!(comes_from_this_site(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ])));
        assert!(comes_from_this_site(&headers(&[])));
    }

    #[test]
    fn requests_from_another_site_are_refused() {
        assert!(!comes_from_this_site(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!comes_from_this_site(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
        assert!(!comes_from_this_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ])));
        assert!(!comes_from_this_site(&headers(&[
            ("origin", "null"),
            ("host", "a")
        ])));
    }

    #[test]
    fn the_site_is_divided_by_path() {
        assert_eq!(Area::of("/"), Area::Page);
        assert_eq!(Area::of("/login"), Area::Login);
        assert_eq!(Area::of("/api/login"), Area::Login);
        assert_eq!(Area::of("/api/list_calls"), Area::ServerFunction);
        assert_eq!(Area::of("/api/v1/calls"), Area::Rest);
        assert_eq!(Area::of("/pkg/anrufe.wasm"), Area::Static);
        assert_eq!(Area::of("/admin/users"), Area::AdminPage);
        assert_eq!(Area::of("/administration"), Area::Page);
        assert_eq!(Area::of("/metrics"), Area::Metrics);
        assert_eq!(Area::of("/healthz"), Area::Health);
        assert_eq!(Area::of("/readyz"), Area::Health);
    }
}

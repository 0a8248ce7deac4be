//! Security headers on every response.

use crate::auth::Area;
use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Adds the headers that tell browsers to be strict with this site. Pages set their own
/// Content Security Policy (with the nonce of their inline script); every other response gets
/// the strictest one. `secure` (served over TLS) adds HSTS.
pub async fn headers(State(secure): State<bool>, request: Request, next: Next) -> Response {
    let cache_control = cache_control(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if secure {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if let Some(value) = cache_control {
        set(header::CACHE_CONTROL, value);
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&app::csp::content_security_policy(None))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// How long browsers may keep a response. Pages and answers hold personal data: not at all. The
/// icon is the same for everyone: a day, so that it is not fetched again on every navigation.
/// The bundle: as the file server says, since its names stay the same when a release changes it.
fn cache_control(path: &str) -> Option<&'static str> {
    if path == app::ICON_PATH {
        Some("max-age=86400")
    } else if Area::of(path) == Area::Static {
        None
    } else {
        Some("no-store")
    }
}

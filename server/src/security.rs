//! Security headers on every response.

use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// Adds the headers that tell browsers to be strict with this site. Pages set their own
/// Content Security Policy (with the nonce of their inline script); every other response gets
/// the strictest one. Responses are not cached unless they are the static bundle, since pages
/// and answers hold personal data. `secure` (served over TLS) adds HSTS.
pub async fn headers(State(secure): State<bool>, request: Request, next: Next) -> Response {
    let cacheable = request.uri().path().starts_with("/pkg/");
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
    if !cacheable {
        set(header::CACHE_CONTROL, "no-store");
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&app::csp::content_security_policy(None))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

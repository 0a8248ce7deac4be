//! What every request leaves behind, as the outermost layer sees it:
//!
//! - an id: the caller's `X-Request-Id` when it is a plain token (a load balancer's), else a new
//!   one; sent back in the response and carried by every log line written for the request;
//! - its latency and status in the metrics, by area of the site and route pattern;
//! - one log line with the id, method, route pattern, status, latency and the user's id.
//!
//! Never the path as sent, its query or a name: a search for a caller's name or number lives
//! in those, and the route pattern (`/api/v1/calls/{id}`) says enough.

use std::{
    sync::{
        Arc, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use metrics::Label;
use rand::{RngCore, SeedableRng, rngs::StdRng};
use tracing::Instrument;

use crate::auth::Area;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The route label of a request no route matched (the fallback: files of the site root, 404s).
const UNMATCHED: &str = "(fallback)";

/// The id of the user a request was made for, put into its response by the identifying layer.
#[derive(Clone, Copy, Debug)]
pub struct Requester(pub i64);

/// Observes one request; the outermost layer of the router.
pub async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(request.headers());
    let area = Area::of(request.uri().path());
    let method = request.method().clone();
    // Shared by the span and both metrics' labels.
    let route: Arc<str> = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .into();
    let span = tracing::info_span!("request", request_id = %id, %method, %route);
    let mut response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    let status = response.status();
    record(area, &method, &route, status, latency.as_secs_f64());
    let user = response.extensions().get::<Requester>().map(|user| user.0);
    let latency_ms = latency.as_secs_f64() * 1000.0;
    span.in_scope(|| match area {
        // Load balancers and browsers ask these all the time; they would drown the rest.
        Area::Health | Area::Static => {
            tracing::debug!(status = status.as_u16(), latency_ms, user, "request served");
        }
        _ => tracing::info!(status = status.as_u16(), latency_ms, user, "request served"),
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

fn record(area: Area, method: &Method, route: &Arc<str>, status: StatusCode, seconds: f64) {
    let labels = [
        Label::from_static_parts("area", area.label()),
        Label::from_static_parts("method", method_label(method)),
        Label::new("route", Arc::clone(route)),
    ];
    metrics::histogram!("anrufe_http_request_duration_seconds", labels.to_vec()).record(seconds);
    let status = Label::new("status", status.as_str().to_owned());
    let [area, method, route] = labels;
    metrics::counter!(
        "anrufe_http_responses_total",
        vec![area, method, route, status]
    )
    .increment(1);
}

/// The method as a label: a standard one by its name, any other word a client sends as `OTHER`,
/// so that no client can add label values at will.
fn method_label(method: &Method) -> &'static str {
    static STANDARD: [Method; 9] = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    STANDARD
        .iter()
        .find(|standard| *standard == method)
        .map_or("OTHER", Method::as_str)
}

/// The caller's request id if it is 1 to 64 letters, digits, `.`, `_` or `-`; else a new one,
/// unique across processes: a random prefix per process and a counter.
fn request_id(headers: &HeaderMap) -> String {
    let given = headers
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_plain_token(id));
    match given {
        Some(id) => id.to_owned(),
        None => {
            static PREFIX: OnceLock<u32> = OnceLock::new();
            static NEXT: AtomicU64 = AtomicU64::new(1);
            let prefix = PREFIX.get_or_init(|| StdRng::from_os_rng().next_u32());
            format!("{prefix:08x}-{:x}", NEXT.fetch_add(1, Ordering::Relaxed))
        }
    }
}

fn is_plain_token(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_str(id).expect("header value"));
        headers
    }

    #[test]
    fn a_plain_request_id_from_the_load_balancer_is_kept() {
        assert_eq!(request_id(&with_id("haproxy-7f3a.12")), "haproxy-7f3a.12");
    }

    #[test]
    fn anything_else_gets_a_new_id_each_time() {
        for given in ["", "mit leerzeichen", "a\\nb", &"x".repeat(65)] {
            let headers = if given.is_empty() {
                HeaderMap::new()
            } else {
                with_id(given)
            };
            let id = request_id(&headers);
            assert_ne!(id, given);
            assert!(is_plain_token(&id), "{id}");
        }
        assert_ne!(request_id(&HeaderMap::new()), request_id(&HeaderMap::new()));
    }
}

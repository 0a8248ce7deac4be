//! Who the client is and how often it may ask: the client address (behind a trusted proxy, the
//! one it forwarded), login attempts per client address, API requests per caller. Lockout after
//! repeated failures, per account and client, is separate (`app::auth::accounts`).

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    num::NonZeroU32,
    sync::Arc,
};

use app::{api::auth::LOGIN_FN_PATH, auth::ClientAddress, domain::SessionUser};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// How many clients and callers the limiters track before they forget those that have not
/// asked for a while: their memory stays bounded whatever arrives.
const TRACKED: usize = 10_000;

/// The limiters, shared by all requests, and the proxies whose forwarded addresses count.
#[derive(Clone)]
pub struct Limits {
    limiters: Arc<Limiters>,
    trusted_proxies: Arc<[IpAddr]>,
}

struct Limiters {
    login: DefaultKeyedRateLimiter<IpAddr>,
    api: DefaultKeyedRateLimiter<i64>,
}

impl Limits {
    /// `logins` attempts and `api_requests` REST requests per minute, each with that many at
    /// once; no proxy trusted.
    pub fn per_minute(logins: NonZeroU32, api_requests: NonZeroU32) -> Self {
        Self {
            limiters: Arc::new(Limiters {
                login: RateLimiter::keyed(Quota::per_minute(logins)),
                api: RateLimiter::keyed(Quota::per_minute(api_requests)),
            }),
            trusted_proxies: Arc::new([]),
        }
    }

    /// The same limits, taking the client address from `X-Forwarded-For` when a request comes
    /// from one of `proxies`.
    pub fn trusting(self, proxies: Vec<IpAddr>) -> Self {
        Self {
            trusted_proxies: proxies.into(),
            ..self
        }
    }

    /// The client behind a request from `peer`: the peer itself, or, when the peer is a trusted
    /// proxy, the nearest address in `X-Forwarded-For` that is not a trusted proxy.
    fn client(&self, peer: IpAddr, forwarded: Option<&str>) -> IpAddr {
        let trusted = |address: &IpAddr| self.trusted_proxies.contains(address);
        if !trusted(&peer) {
            return peer;
        }
        forwarded
            .into_iter()
            .flat_map(|list| list.rsplit(','))
            .map_while(|entry| entry.trim().parse::<IpAddr>().ok())
            .find(|address| !trusted(address))
            .unwrap_or(peer)
    }
}

/// Puts the [`ClientAddress`] into the request's extensions, for the limits and the lockout.
pub async fn client_address(
    State(limits): State<Limits>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    let client = limits.client(peer, forwarded);
    request.extensions_mut().insert(ClientAddress(client));
    next.run(request).await
}

/// Answers 429 when a client tries to log in too often or a caller uses the API too much.
pub async fn limit(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let allowed = if request.method() == Method::POST && path == LOGIN_FN_PATH {
        let client = request
            .extensions()
            .get::<ClientAddress>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |client| client.0);
        if limits.limiters.login.len() > TRACKED {
            limits.limiters.login.retain_recent();
        }
        limits.limiters.login.check_key(&client).is_ok()
    } else if path.starts_with(app::api::REST_PREFIX)
        && let Some(user) = request.extensions().get::<SessionUser>()
    {
        if limits.limiters.api.len() > TRACKED {
            limits.limiters.api.retain_recent();
        }
        limits.limiters.api.check_key(&user.id).is_ok()
    } else {
        true
    };
    if allowed {
        return next.run(request).await;
    }
    let retry = (header::RETRY_AFTER, "60");
    if path.starts_with(app::api::REST_PREFIX) {
        ([retry], ApiError::TooManyRequests).into_response()
    } else {
        let body = serde_json::to_string(&app::AppError::TooManyRequests).unwrap_or_default();
        let json = (header::CONTENT_TYPE, "application/json");
        (StatusCode::TOO_MANY_REQUESTS, [retry, json], body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let one = NonZeroU32::MIN;
        let open = Limits::per_minute(one, one);
        assert_eq!(
            open.client(ip("10.0.0.9"), Some("203.0.113.7")),
            ip("10.0.0.9"),
            "nobody trusted: the header is ignored"
        );
        let behind = Limits::per_minute(one, one).trusting(vec![ip("10.0.0.9"), ip("10.0.0.8")]);
        assert_eq!(
            behind.client(ip("10.0.0.9"), Some("198.51.100.1, 203.0.113.7, 10.0.0.8")),
            ip("203.0.113.7"),
            "the nearest address the trusted proxies did not add"
        );
        assert_eq!(behind.client(ip("10.0.0.9"), None), ip("10.0.0.9"));
        assert_eq!(
            behind.client(ip("10.0.0.9"), Some("kein-ip, 203.0.113.7")),
            ip("203.0.113.7")
        );
        assert_eq!(
            behind.client(ip("192.0.2.1"), Some("203.0.113.7")),
            ip("192.0.2.1"),
            "a client cannot claim another address itself"
        );
    }
}

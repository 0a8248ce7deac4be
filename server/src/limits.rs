//! Rate limits: login attempts per client address, API requests per caller. Per-account
//! lockout after repeated failures is separate (`app::auth::accounts`).

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    num::NonZeroU32,
    sync::Arc,
};

use app::domain::SessionUser;
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{auth::LOGIN_FN_PATH, rest::ApiError};

/// The limiters, shared by all requests.
#[derive(Clone)]
pub struct Limits(Arc<Limiters>);

struct Limiters {
    login: DefaultKeyedRateLimiter<IpAddr>,
    api: DefaultKeyedRateLimiter<i64>,
}

impl Limits {
    /// `logins` attempts and `api_requests` REST requests per minute, each with that many at
    /// once.
    pub fn per_minute(logins: NonZeroU32, api_requests: NonZeroU32) -> Self {
        Self(Arc::new(Limiters {
            login: RateLimiter::keyed(Quota::per_minute(logins)),
            api: RateLimiter::keyed(Quota::per_minute(api_requests)),
        }))
    }
}

/// Answers 429 when a client tries to log in too often or a caller uses the API too much.
pub async fn limit(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let allowed = if request.method() == Method::POST && path == LOGIN_FN_PATH {
        // Behind a reverse proxy every client has the proxy's address: the limit then holds
        // for all of them together, which still stops guessing.
        let ip = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        limits.0.login.check_key(&ip).is_ok()
    } else if path.starts_with(crate::rest::PREFIX)
        && let Some(user) = request.extensions().get::<SessionUser>()
    {
        limits.0.api.check_key(&user.id).is_ok()
    } else {
        true
    };
    if allowed {
        return next.run(request).await;
    }
    let retry = (header::RETRY_AFTER, "60");
    if path.starts_with(crate::rest::PREFIX) {
        ([retry], ApiError::TooManyRequests).into_response()
    } else {
        let body = serde_json::to_string(&app::AppError::TooManyRequests).unwrap_or_default();
        let json = (header::CONTENT_TYPE, "application/json");
        (StatusCode::TOO_MANY_REQUESTS, [retry, json], body).into_response()
    }
}

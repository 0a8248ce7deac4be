//! Requests as a logged-in browser or program sends them, and the answers as JSON or text.

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Login, body_text, send};

/// The application with the test defaults.
pub fn app(pool: &PgPool) -> Router {
    server::router::router(super::state(pool.clone()))
}

/// Calls a server function as `login` with a JSON body.
pub async fn server_fn(
    pool: &PgPool,
    login: &Login,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let request = Request::post(format!("/api/{path}"))
        .header(header::COOKIE, &login.cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = send(app(pool), request).await;
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A `GET` as `login`'s browser (cookie) or program (token).
pub async fn get(
    pool: &PgPool,
    uri: &str,
    auth: (header::HeaderName, &str),
) -> (StatusCode, String) {
    let request = Request::get(uri)
        .header(auth.0, auth.1)
        .body(Body::empty())
        .expect("request");
    let response = send(app(pool), request).await;
    let status = response.status();
    (status, body_text(response).await)
}

/// Sets the masking levels agents see, as an admin does in the admin area, keeping the
/// default hourly reveal limit.
pub async fn set_masking(pool: &PgPool, admin: &Login, name: &str, number: &str, birth: &str) {
    let policy = json!({ "caller_name": name, "caller_number": number, "date_of_birth": birth });
    let settings = json!({ "policy": policy, "reveals_per_hour": 30 });
    let (status, answer) = server_fn(
        pool,
        admin,
        "admin/set_masking",
        json!({ "settings": settings }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

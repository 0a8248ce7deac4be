//! API tokens expire: past its date a token opens nothing, and the admin view says so.

mod common;

use app::domain::Role;
use axum::http::{StatusCode, header};
use common::requests::{get, server_fn};
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn a_token_past_its_expiry_opens_nothing(pool: PgPool) {
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    let (status, _) = get(
        &pool,
        "/api/v1/calls",
        (header::AUTHORIZATION, &agent.bearer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, tokens) = server_fn(&pool, &admin, "admin/tokens", json!({})).await;
    let days = tokens[0]["expires_at"]
        .as_str()
        .and_then(|at| at.parse::<chrono::DateTime<chrono::Utc>>().ok())
        .map(|at| (at - chrono::Utc::now()).num_days());
    assert_eq!(days, Some(89), "90 days from now: {tokens}");

    sqlx::query("update api_tokens set expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .expect("expired");
    let (status, body) = get(
        &pool,
        "/api/v1/calls",
        (header::AUTHORIZATION, &agent.bearer),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

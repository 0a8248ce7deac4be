//! API tokens: they expire, act only where their scope says, and only as their maker or a
//! service account.

mod common;

use app::{
    audit::Actor,
    auth::accounts::{self, NewLogin, NewUser},
    domain::Role,
};
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::requests::{app, get, server_fn};
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

/// Asks the admin area for a token, as its form does.
async fn create_token(pool: &PgPool, admin: &common::Login, form: &str) -> (StatusCode, String) {
    let request = Request::post("/api/admin/create_token")
        .header(header::COOKIE, &admin.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .expect("request");
    let response = common::send(app(pool), request).await;
    let status = response.status();
    (status, common::body_text(response).await)
}

async fn service_account(pool: &PgPool, email: &str) -> i64 {
    let new = NewUser {
        email,
        name: "Monitoring",
        role: Role::Agent,
        login: NewLogin::Service,
    };
    accounts::add_user(pool, Actor::System, new)
        .await
        .expect("service account")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_token_acts_only_where_its_scope_says(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let bearer = || (header::AUTHORIZATION, admin.bearer.as_str());
    assert_eq!(
        get(&pool, "/api/v1/calls", bearer()).await.0,
        StatusCode::OK
    );
    // A REST token is nobody on the pages, the server functions, the live feed and the metrics.
    for (path, refused) in [
        ("/", StatusCode::SEE_OTHER),
        ("/admin", StatusCode::SEE_OTHER),
        ("/api/current_user", StatusCode::UNAUTHORIZED),
        ("/metrics", StatusCode::UNAUTHORIZED),
    ] {
        assert_eq!(get(&pool, path, bearer()).await.0, refused, "{path}");
    }

    let monitoring = service_account(&pool, "monitoring@praxis.example").await;
    let (status, secret) = create_token(
        &pool,
        &admin,
        &format!("user_id={monitoring}&scope=metrics&name=Monitoring"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{secret}");
    let metrics = format!("Bearer {}", secret.trim_matches('"'));
    let bearer = || (header::AUTHORIZATION, metrics.as_str());
    let (status, text) = get(&pool, "/metrics", bearer()).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(
        get(&pool, "/api/v1/calls", bearer()).await.0,
        StatusCode::UNAUTHORIZED,
        "a metrics token reads the metrics only"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_token_acts_as_its_maker_or_a_service_account_never_as_another_person(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    let (status, answer) = create_token(
        &pool,
        &admin,
        &format!("user_id={}&scope=api&name=Heimlich", agent.user_id),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(answer.contains("token_for_another_person"), "{answer}");

    let (status, _) = create_token(
        &pool,
        &admin,
        &format!("user_id={}&scope=api&name=Eigenes", admin.user_id),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let software = service_account(&pool, "software@praxis.example").await;
    let (status, _) = create_token(
        &pool,
        &admin,
        &format!("user_id={software}&scope=api&name=Praxissoftware"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // The administration commands make tokens for service accounts only.
    let url = common::runtime_url(&pool).await;
    let token_add = |user: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATA_KEYS_FILE", common::data_keys_file())
            .args(["token", "add", "--user", user, "--name", "Skript"])
            .env("DATABASE_URL", &url)
            .env_remove("MIGRATION_DATABASE_URL")
            .output()
            .expect("server binary")
    };
    let refused = token_add("agent@test.example");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("never as another person"),
        "{refused:?}"
    );
    assert!(token_add("software@praxis.example").status.success());
}

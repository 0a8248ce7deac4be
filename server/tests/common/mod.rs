//! Helpers shared by the server's integration tests.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

pub mod backup;
pub mod callers;
pub mod calls;
pub mod llm;
pub mod policy;
pub mod process;
pub mod requests;

use std::num::NonZeroU32;

use app::{
    audit::Actor,
    auth::{
        SessionSettings,
        accounts::{self, NewLogin, NewUser},
        sessions, tokens,
    },
    domain::{Role, TokenScope},
    dsgvo::tombstones::{ErasureKey, Tombstones},
    retention::PurgeTime,
};
use axum::{Router, body::Body, http::Request, response::Response};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use server::{
    limits::Limits, live::LiveHub, ops::health::HealthPool, router::router, state::AppState,
};
use sqlx::{PgPool, postgres::PgPoolOptions};
use tower::ServiceExt;

/// Writes `count` demo calls (and any `extra` files) into a directory and imports them.
pub async fn import_demo_calls(pool: &PgPool, count: usize, extra: &[(&str, &str)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), count, 3, chrono::Utc::now()).expect("demo files");
    for (name, content) in extra {
        std::fs::write(dir.path().join(name), content).expect("extra call file");
    }
    importer::Importer::new(pool.clone(), dir.path(), tombstones().key)
        .run_once()
        .await
        .expect("import");
}

/// The application as the binary serves it.
pub fn app(pool: PgPool, metrics: PrometheusHandle) -> Router {
    router(AppState {
        metrics,
        ..state(pool)
    })
}

/// The application with other Leptos settings, e.g. another site directory.
pub fn app_with_options(
    pool: PgPool,
    metrics: PrometheusHandle,
    leptos_options: LeptosOptions,
) -> Router {
    router(AppState {
        leptos_options,
        metrics,
        ..state(pool)
    })
}

/// The application with other session settings and limits.
pub fn app_with_sessions(pool: PgPool, sessions: SessionSettings, limits: Limits) -> Router {
    router(AppState {
        sessions,
        limits,
        ..state(pool)
    })
}

/// The application with its own live hub, e.g. one that rechecks sessions often.
pub fn app_with_live(pool: PgPool, live: LiveHub) -> Router {
    router(AppState {
        live,
        ..state(pool)
    })
}

/// The application with its own live hub and an importer.
pub fn app_importing(
    pool: PgPool,
    live: LiveHub,
    importer: server::jobs::importing::ImportState,
) -> Router {
    router(AppState {
        live,
        importer: Some(importer),
        ..state(pool)
    })
}

/// A pool on the test's database as the runtime role, with the rights the server has in
/// production (README, "Database roles"); the test's own pool is the superuser's.
pub fn runtime(pool: &PgPool) -> PgPool {
    data_keys_file();
    let options = (*pool.connect_options())
        .clone()
        .options([("role", app::db::RUNTIME_ROLE)]);
    PgPoolOptions::new()
        .max_connections(5)
        .connect_lazy_with(options)
}

/// The URL of the test's own database as the runtime role, for the `server` binary.
pub async fn runtime_url(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("select current_database()")
        .fetch_one(pool)
        .await
        .expect("database name");
    database_url(&name, app::db::RUNTIME_ROLE)
}

/// The URL of the database `name` on the tests' server, as `role` (the superuser of
/// DATABASE_URL taking on the role).
pub fn database_url(name: &str, role: &str) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (cluster, _) = base.rsplit_once('/').expect("a database URL");
    format!("{cluster}/{name}?options=-c%20role%3D{role}")
}

/// The server's state with the defaults of a test: the runtime role's pool, its own metrics
/// recorder, limits no test reaches by accident, no identity provider.
fn state(pool: PgPool) -> AppState {
    let pool = runtime(&pool);
    AppState {
        health: HealthPool::beside(&pool),
        pool,
        leptos_options: LeptosOptions::builder().output_name("anrufe").build(),
        metrics: metrics_exporter_prometheus::PrometheusBuilder::new()
            .build_recorder()
            .handle(),
        live: LiveHub::default(),
        sessions: SessionSettings::default(),
        limits: generous_limits(),
        oidc: None,
        purge_at: PurgeTime::default(),
        tombstones: tombstones(),
        practice_name: "Praxis Dr. Beispiel".parse().expect("a practice name"),
        llm: Default::default(),
        importer: None,
        draining: Default::default(),
    }
}

/// The data keys of this test binary, installed for the process (the in-process importer and
/// reads seal and open with them) and written to this file for the binaries a test starts
/// (`DATA_KEYS_FILE`).
pub fn data_keys_file() -> std::path::PathBuf {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let path = tempfile::tempdir()
            .expect("temp dir")
            .keep()
            .join("data-keys.json");
        let ring = app::at_rest::Keyring::generate();
        ring.write(&path).expect("data keys file");
        ring.install().expect("the first install of this binary");
        path
    })
    .clone()
}

/// The erasure tombstones of this test binary: one key, so that what the app erases, the
/// importer of the same test skips; one file, in a directory that lives as long as the binary.
/// Whatever needs them also stores calls, so the data keys are installed with them.
pub fn tombstones() -> Tombstones {
    data_keys_file();
    static TOMBSTONES: std::sync::OnceLock<Tombstones> = std::sync::OnceLock::new();
    TOMBSTONES
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir").keep();
            Tombstones {
                key: ErasureKey::random(),
                file: dir.join("erasures.jsonl"),
            }
        })
        .clone()
}

/// Limits no test reaches unless it means to.
pub fn generous_limits() -> Limits {
    let many = NonZeroU32::new(10_000).expect("not zero");
    Limits::per_minute(many, many)
}

/// Sends one request through the router and returns the response.
pub async fn send(app: Router, request: Request<Body>) -> Response {
    app.oneshot(request).await.expect("response")
}

pub async fn body_text(response: Response) -> String {
    String::from_utf8(body_bytes(response).await).expect("UTF-8 body")
}

pub async fn body_bytes(response: Response) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

/// How a test is logged in: as a browser (session cookie) and as a program (API token).
#[derive(Clone, Debug)]
pub struct Login {
    pub user_id: i64,
    /// The `Cookie` header value of a fresh session.
    pub cookie: String,
    /// The `Authorization` header value of a fresh API token.
    pub bearer: String,
}

/// Logs in as the test user of `role` (`agent@test.example` or `admin@test.example`), adding
/// them the first time: a real session and a real API token, as the server checks them.
pub async fn login(pool: &PgPool, role: Role) -> Login {
    let email = format!("{}@test.example", role.as_str().to_lowercase());
    let existing = sqlx::query_scalar("select id from users where email = $1")
        .bind(&email)
        .fetch_optional(pool)
        .await
        .expect("user lookup");
    let user_id = match existing {
        Some(id) => id,
        None => {
            let new = NewUser {
                email: &email,
                name: &format!("Test {role}"),
                role,
                login: NewLogin::Provider,
            };
            accounts::add_user(pool, Actor::System, new)
                .await
                .expect("test user")
        }
    };
    login_as(pool, user_id).await
}

/// A fresh session and API token for an existing user.
pub async fn login_as(pool: &PgPool, user_id: i64) -> Login {
    let mut conn = pool.acquire().await.expect("connection");
    let settings = SessionSettings::default();
    let session = sessions::create(&mut conn, user_id, "test", settings.policy)
        .await
        .expect("session");
    let request = tokens::TokenRequest {
        user_id,
        scope: TokenScope::Api,
        name: "test",
    };
    let token = tokens::create(pool, Actor::User(user_id), request)
        .await
        .expect("token");
    Login {
        user_id,
        cookie: format!("{}={session}", settings.cookie_name()),
        bearer: format!("Bearer {}", token.secret),
    }
}

/// The one number `sql` counts.
pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .expect("count")
}

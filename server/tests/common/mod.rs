//! Helpers shared by the server's integration tests.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

pub mod calls;

use axum::{Router, body::Body, http::Request, response::Response};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use server::{live::LiveHub, router::router, state::AppState};
use sqlx::PgPool;
use tower::ServiceExt;

/// Writes `count` demo calls (and any `extra` files) into a directory and imports them.
pub async fn import_demo_calls(pool: &PgPool, count: usize, extra: &[(&str, &str)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), count, 3, chrono::Utc::now()).expect("demo files");
    for (name, content) in extra {
        std::fs::write(dir.path().join(name), content).expect("extra call file");
    }
    importer::Importer::new(pool.clone(), dir.path())
        .run_once()
        .await
        .expect("import");
}

/// The application as the binary serves it.
pub fn app(pool: PgPool, metrics: PrometheusHandle) -> Router {
    app_with_options(
        pool,
        metrics,
        LeptosOptions::builder().output_name("anrufe").build(),
    )
}

/// The application with other Leptos settings, e.g. another site directory.
pub fn app_with_options(
    pool: PgPool,
    metrics: PrometheusHandle,
    leptos_options: LeptosOptions,
) -> Router {
    router(AppState {
        pool,
        leptos_options,
        metrics,
        live: LiveHub::default(),
    })
}

/// Sends one request through the router and returns the response.
pub async fn send(app: Router, request: Request<Body>) -> Response {
    app.oneshot(request).await.expect("response")
}

pub async fn body_text(response: Response) -> String {
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8 body")
}

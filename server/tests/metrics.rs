//! `/metrics` shows what the importer recorded. Its own test binary: the recorder is global.

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusBuilder;
use server::{router::router, state::AppState};
use sqlx::PgPool;
use tower::ServiceExt;

#[sqlx::test(migrations = "../migrations")]
async fn metrics_show_the_lines_and_calls_the_importer_stored(pool: PgPool) {
    let recorder = PrometheusBuilder::new().build_recorder();
    let metrics = recorder.handle();
    metrics::set_global_recorder(recorder).expect("the only recorder in this test binary");
    importer::metrics::describe();
    let dir = tempfile::tempdir().expect("temp dir");
    importer::demo::write_demo_files(dir.path(), 40, 5, chrono::Utc::now()).expect("demo files");
    std::fs::write(dir.path().join("calls-2026-01-01.jsonl"), "{kaputt\n").expect("bad line");
    importer::Importer::new(pool.clone(), dir.path())
        .run_once()
        .await
        .expect("import");
    let leptos_options = LeptosOptions::builder().output_name("anrufe").build();
    let app = router(AppState {
        pool,
        leptos_options,
        metrics,
    });

    let response = app
        .oneshot(
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");

    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    assert!(text.contains("anrufe_import_lines_total 41"), "{text}");
    assert!(
        text.contains(r#"anrufe_import_calls_total{result="new"} 40"#),
        "{text}"
    );
    assert!(
        text.contains(r#"anrufe_import_dead_letters_total{reason="invalid_json"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("anrufe_import_last_success_timestamp_seconds"),
        "{text}"
    );
}

//! `/metrics` shows what the importer recorded. Its own test binary: the recorder is global.

mod common;

use app::domain::Role;
use axum::{
    body::Body,
    http::{Request, header},
};
use common::{body_text, send};
use metrics_exporter_prometheus::PrometheusBuilder;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn metrics_show_the_lines_and_calls_the_importer_stored(pool: PgPool) {
    let recorder = PrometheusBuilder::new().build_recorder();
    let metrics = recorder.handle();
    metrics::set_global_recorder(recorder).expect("the only recorder in this test binary");
    importer::metrics::describe();
    common::import_demo_calls(&pool, 40, &[("calls-2026-01-01.jsonl", "{kaputt\n")]).await;

    let cookie = common::login(&pool, Role::Admin).await.cookie;
    let response = send(
        common::app(pool, metrics),
        Request::get("/metrics")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;

    let text = body_text(response).await;
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

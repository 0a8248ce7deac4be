//! `/metrics` shows what the importer, the retention purge and the backups recorded. Its own test binary:
//! the recorder is global.

mod common;

use app::{domain::Role, retention::PurgeTime};
use axum::{
    body::Body,
    http::{Request, header},
};
use common::{body_text, send};
use server::jobs::{self, Job, Why};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn metrics_show_the_import_and_the_retention_purge(pool: PgPool) {
    let recorder = server::ops::metrics::builder().build_recorder();
    let metrics = recorder.handle();
    metrics::set_global_recorder(recorder).expect("the only recorder in this test binary");
    importer::metrics::describe();
    common::import_demo_calls(&pool, 40, &[("calls-2026-01-01.jsonl", "{kaputt\n")]).await;

    let cookie = common::login(&pool, Role::Admin).await.cookie;
    let response = send(
        common::app(pool.clone(), metrics.clone()),
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

    // Retention: an overdue call shows until the purge has run, then 0 and the run's counts.
    server::jobs::retention::describe();
    sqlx::query(
        "insert into calls (event_id, received_at, raw_payload, content_hash)
         values ('alt', now() - interval '31 days', '{}', '\\x00')",
    )
    .execute(&pool)
    .await
    .expect("an overdue call");
    let text = scrape(&pool, metrics.clone()).await;
    assert!(text.contains("anrufe_records_past_retention 1"), "{text}");
    assert!(
        !text.contains("anrufe_purge_last_success_timestamp_seconds"),
        "{text}"
    );
    let job = Job::Retention {
        at: PurgeTime::default(),
        import_dir: None,
    };
    jobs::run_once(&common::runtime(&pool), &job, Why::Start)
        .await
        .expect("purge");
    let text = scrape(&pool, metrics.clone()).await;
    assert!(text.contains("anrufe_records_past_retention 0"), "{text}");
    assert!(
        text.contains(r#"anrufe_purge_deleted_total{kind="calls"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("anrufe_purge_last_success_timestamp_seconds"),
        "{text}"
    );

    // Backups: the last one's time and size, a failed run after it, the last drill's outcome.
    assert!(!text.contains("anrufe_backup_last_size_bytes"), "{text}");
    sqlx::query(
        r#"insert into job_runs (job, finished_at, outcome, detail, error) values
             ('backup', now() - interval '1 hour', 'ok',
              '{"file": "anrufe-backup-20261130T030000Z.age", "bytes": 170152}', null),
             ('backup', now(), 'failed', '{}', 'pg_dump failed'),
             ('restore-drill', now(), 'failed', '{}', 'damaged')"#,
    )
    .execute(&pool)
    .await
    .expect("backup runs");
    let text = scrape(&pool, metrics.clone()).await;
    for line in [
        "anrufe_backup_last_size_bytes 170152",
        "anrufe_backup_failing 1",
        "anrufe_restore_drill_last_ok 0",
        "anrufe_backup_last_success_timestamp_seconds",
        "anrufe_restore_drill_last_timestamp_seconds",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }

    // Requests: latency by area, method and route pattern; responses by status too.
    server::ops::metrics::describe();
    let anonymous = send(
        common::app(pool.clone(), metrics.clone()),
        Request::get("/api/v1/calls")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(anonymous.status(), 401);
    let text = scrape(&pool, metrics).await;
    for wanted in [
        [
            "anrufe_http_request_duration_seconds_bucket{",
            r#"area="metrics""#,
            r#"route="/metrics""#,
            r#"le="0.005""#,
        ],
        [
            "anrufe_http_responses_total{",
            r#"area="rest""#,
            r#"route="/api/v1/calls""#,
            r#"status="401""#,
        ],
        [
            "anrufe_http_responses_total{",
            r#"method="GET""#,
            r#"route="/metrics""#,
            r#"status="200""#,
        ],
    ] {
        assert!(
            text.lines()
                .any(|line| wanted.iter().all(|part| line.contains(part))),
            "a line with {wanted:?} in {text}"
        );
    }
    for line in [
        r#"anrufe_db_pool_connections{state="idle"}"#,
        r#"anrufe_db_pool_connections{state="in_use"}"#,
        "anrufe_db_pool_max_connections 5",
        "anrufe_db_pool_acquire_wait_seconds",
        "anrufe_live_clients 0",
        "anrufe_live_listener_connected 0",
        "anrufe_import_heartbeat_timestamp_seconds",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }

    // Every metric the alert rules ask for is one the server reports.
    let rules = include_str!("../../ops/prometheus/anrufe-alerts.yml");
    let mut asked: Vec<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("anrufe_"))
        .collect();
    asked.sort_unstable();
    asked.dedup();
    assert!(asked.len() >= 12, "{asked:?}");
    for name in asked {
        let reported = name.strip_suffix("_bucket").unwrap_or(name);
        assert!(
            text.contains(&format!("\n{reported}")),
            "the alert rules ask for {name}, which /metrics does not report"
        );
    }
}

/// Scrapes `/metrics` as an admin.
async fn scrape(pool: &PgPool, metrics: metrics_exporter_prometheus::PrometheusHandle) -> String {
    let cookie = common::login(pool, Role::Admin).await.cookie;
    let response = send(
        common::app(pool.clone(), metrics),
        Request::get("/metrics")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    body_text(response).await
}

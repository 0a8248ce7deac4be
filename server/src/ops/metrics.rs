//! `/metrics` in Prometheus's text format, for admins and metrics-only tokens. What the process
//! records as it goes (requests, the importer, purges, the LLM help) is rendered together with
//! figures read at each scrape: the database pool, the live connections, and what the database
//! says about retention and backups, so every instance reports the same. No personal data.

use std::time::Instant;

use axum::extract::State;
use metrics::{Unit, describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sqlx::PgPool;

use crate::live::LiveHub;

/// Histogram buckets of request latencies, from a cached page to a slow export.
const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The recorder's settings: latencies as histograms with [`LATENCY_BUCKETS`] (what the alert
/// rules' p95 needs), not as summaries.
pub fn builder() -> PrometheusBuilder {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Suffix("_duration_seconds".to_owned()),
            &LATENCY_BUCKETS,
        )
        .expect("the latency buckets are not empty")
}

/// Registers the names, units and help texts of what this module and the request layer record.
pub fn describe() {
    describe_histogram!(
        "anrufe_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by area (page, server_function, rest, ...), method and route pattern."
    );
    describe_counter!(
        "anrufe_http_responses_total",
        "Responses by area, method, route pattern and status code."
    );
    describe_gauge!(
        "anrufe_db_pool_connections",
        "Connections of the database pool, by state: idle or in_use."
    );
    describe_gauge!(
        "anrufe_db_pool_max_connections",
        "The most connections the database pool opens."
    );
    describe_gauge!(
        "anrufe_db_pool_acquire_wait_seconds",
        Unit::Seconds,
        "How long this scrape waited for a database connection: near 0 unless the pool is exhausted."
    );
    describe_gauge!(
        "anrufe_import_leader",
        "1 while this instance holds the importer's lock and imports, 0 while it stands by."
    );
    describe_counter!(
        "anrufe_escalations_total",
        "Open urgent calls escalated for waiting longer than the escalation time."
    );
    describe_gauge!(
        "anrufe_escalated_open_calls",
        "Escalated calls still open: urgent calls nobody has finished in time."
    );
    describe_gauge!(
        "anrufe_live_clients",
        "Browsers connected to this instance for live updates."
    );
    describe_gauge!(
        "anrufe_live_listener_connected",
        "1 while this instance receives PostgreSQL's change notifications, else 0."
    );
}

/// `GET /metrics`.
pub async fn scrape(
    State(handle): State<PrometheusHandle>,
    State(pool): State<PgPool>,
    State(live): State<LiveHub>,
) -> String {
    database_gauges(&pool).await;
    gauge!("anrufe_live_clients").set(live.clients() as f64);
    gauge!("anrufe_live_listener_connected").set(if live.listening() { 1.0 } else { 0.0 });
    match app::retention::overview::past_retention(&pool).await {
        Ok(past) => gauge!("anrufe_records_past_retention").set(past as f64),
        Err(error) => tracing::warn!(%error, "could not count the records past retention"),
    }
    match app::retention::overview::last_success(&pool).await {
        Ok(Some(at)) => {
            gauge!("anrufe_purge_last_success_timestamp_seconds").set(at.timestamp() as f64);
        }
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not read the last purge"),
    }
    match app::backup::status::status(&pool).await {
        Ok(status) => crate::jobs::backup::gauges(&status),
        Err(error) => tracing::warn!(%error, "could not read the last backup"),
    }
    handle.render()
}

/// The pool's figures, and those read with one of its connections: how long getting it took
/// (near 0 unless the pool is exhausted) and the escalated calls still open.
async fn database_gauges(pool: &PgPool) {
    let started = Instant::now();
    match pool.acquire().await {
        Ok(mut connection) => {
            gauge!("anrufe_db_pool_acquire_wait_seconds").set(started.elapsed().as_secs_f64());
            match app::rules::escalation::open_count(&mut connection).await {
                Ok(open) => gauge!("anrufe_escalated_open_calls").set(open as f64),
                Err(error) => tracing::warn!(%error, "could not count the escalated calls"),
            }
        }
        Err(error) => tracing::warn!(%error, "could not get a database connection for the metrics"),
    }
    let size = pool.size();
    let idle = u32::try_from(pool.num_idle()).unwrap_or(size);
    gauge!("anrufe_db_pool_connections", "state" => "idle").set(f64::from(idle));
    gauge!("anrufe_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    gauge!("anrufe_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
}

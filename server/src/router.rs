//! The HTTP surface: server-rendered pages, server functions, the REST API, the live
//! WebSocket and static files.

use app::{
    App,
    api::{admin::AUDIT_EXPORT_PATH, auth::OIDC_LOGIN_PATH},
    auth::OidcOffered,
    shell,
};
use axum::{
    Router,
    extract::{MatchedPath, State},
    middleware,
    routing::get,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::{compression::CompressionLayer, services::ServeDir, trace::TraceLayer};

use crate::{audit_export, auth, limits, live, oidc, rest, security, state::AppState};

/// Builds the whole application; the binary serves it and tests call it with `oneshot`.
///
/// Every request passes, outermost first: tracing, security headers, compression, finding the
/// client's address, the cross-site check, identification of the caller, the access guard and
/// the rate limits.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let pool = state.pool.clone();
    let sessions = state.sessions;
    let oidc_offered = OidcOffered(state.oidc.is_some());
    let purge_at = state.purge_at;
    let tombstones = state.tombstones.clone();
    let llm = state.llm.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            bundle_files(&options),
        )
        .route("/metrics", get(metrics))
        .route(AUDIT_EXPORT_PATH, get(audit_export::export))
        .route(OIDC_LOGIN_PATH, get(oidc::start))
        .route(oidc::CALLBACK_PATH, get(oidc::callback))
        .route(app::live::LIVE_PATH, get(live::live_socket))
        .nest(rest::PREFIX, rest::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(pool.clone());
                provide_context(sessions);
                provide_context(oidc_offered);
                provide_context(purge_at);
                provide_context(tombstones.clone());
                provide_context(llm.clone());
            },
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(
            state.limits.clone(),
            limits::limit,
        ))
        .layer(middleware::from_fn(auth::guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::identify,
        ))
        .layer(middleware::from_fn(auth::same_origin))
        .layer(middleware::from_fn_with_state(
            state.limits.clone(),
            limits::client_address,
        ))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            sessions.secure,
            security::headers,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span of one request: its method and route pattern (`/api/v1/calls/{id}`), never the
/// path or query as sent, which may carry a search for a name or a caller's number.
fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(page or file)", MatchedPath::as_str);
    tracing::debug_span!("request", method = %request.method(), route)
}

/// The WASM bundle, its JavaScript and the stylesheet. A release build made with
/// `--precompress` leaves brotli copies next to them, sent as they are to browsers that accept
/// brotli: a quarter smaller than gzip, and no CPU per request. Other browsers get the gzip the
/// compression layer makes (smaller than cargo-leptos's precompressed gzip copy).
fn bundle_files(options: &LeptosOptions) -> ServeDir {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    ServeDir::new(dir).precompressed_br()
}

/// Prometheus text format: import counters, lag and last success, retention (what is past the
/// period now, when the purge last succeeded) and backups (the last one, the last drill), read
/// from the database at each scrape so every instance reports the same. No personal data.
async fn metrics(
    State(handle): State<PrometheusHandle>,
    State(pool): State<sqlx::PgPool>,
) -> String {
    match app::retention::overview::past_retention(&pool).await {
        Ok(past) => metrics::gauge!("anrufe_records_past_retention").set(past as f64),
        Err(error) => tracing::warn!(%error, "could not count the records past retention"),
    }
    match app::retention::overview::last_success(&pool).await {
        Ok(Some(at)) => metrics::gauge!("anrufe_purge_last_success_timestamp_seconds")
            .set(at.timestamp() as f64),
        Ok(None) => {}
        Err(error) => tracing::warn!(%error, "could not read the last purge"),
    }
    match app::backup::status::status(&pool).await {
        Ok(status) => crate::jobs::backup::gauges(&status),
        Err(error) => tracing::warn!(%error, "could not read the last backup"),
    }
    handle.render()
}

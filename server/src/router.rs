//! The HTTP surface: server-rendered pages, server functions, the REST API, the live
//! WebSocket and static files.

use app::{
    App,
    api::{admin::AUDIT_EXPORT_PATH, auth::OIDC_LOGIN_PATH},
    auth::OidcOffered,
    shell,
};
use axum::{Router, middleware, routing::get};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::{compression::CompressionLayer, services::ServeDir};

use crate::{audit_export, auth, limits, live, oidc, ops, rest, security, state::AppState};

/// Builds the whole application; the binary serves it and tests call it with `oneshot`.
///
/// Every request passes, outermost first: its metrics and log line, security headers, compression, finding the
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
        .route("/metrics", get(ops::metrics::scrape))
        .route(ops::health::HEALTH_PATH, get(ops::health::healthz))
        .route(ops::health::READY_PATH, get(ops::health::readyz))
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
        .layer(middleware::from_fn(ops::requests::observe))
        .with_state(state)
}

/// The WASM bundle, its JavaScript and the stylesheet. A release build made with
/// `--precompress` leaves brotli copies next to them, sent as they are to browsers that accept
/// brotli: a quarter smaller than gzip, and no CPU per request. Other browsers get the gzip the
/// compression layer makes (smaller than cargo-leptos's precompressed gzip copy).
fn bundle_files(options: &LeptosOptions) -> ServeDir {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    ServeDir::new(dir).precompressed_br()
}

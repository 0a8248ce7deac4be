//! What every request handler can reach.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;

use app::{auth::SessionSettings, dsgvo::tombstones::Tombstones, retention::PurgeTime};

use crate::{limits::Limits, live::LiveHub, oidc::Oidc};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    /// Renders what was recorded through the `metrics` facade.
    pub metrics: PrometheusHandle,
    /// Change notifications for the browsers' live connections.
    pub live: LiveHub,
    /// How long sessions last and how their cookie is set.
    pub sessions: SessionSettings,
    pub limits: Limits,
    /// The practice's identity provider, when one is configured.
    pub oidc: Option<Oidc>,
    /// When the nightly retention purge runs.
    pub purge_at: PurgeTime,
    /// The tombstones of erased calls and their key.
    pub tombstones: Tombstones,
}

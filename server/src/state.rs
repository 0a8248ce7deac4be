//! What every request handler can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;
use sqlx::PgPool;

use app::{
    auth::SessionSettings, dsgvo::tombstones::Tombstones, llm::client::LlmHelp,
    retention::PurgeTime,
};

use crate::{
    limits::Limits,
    live::LiveHub,
    oidc::Oidc,
    ops::{health::HealthPool, shutdown::Draining},
};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub pool: PgPool,
    /// The database connection of `/readyz`, so that the check never waits behind requests.
    pub health: HealthPool,
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
    pub practice_name: PracticeName,
    /// The client to the practice's LLM endpoint, when one is configured.
    pub llm: LlmHelp,
    /// The in-process importer, when this instance is set to import (it may stand by).
    pub importer: Option<crate::jobs::importing::ImportState>,
    /// Set once the instance is stopping (SIGTERM).
    pub draining: Draining,
}

/// The practice's name, as the compliance report prints it: 1 to 100 characters.
#[derive(Clone, Debug)]
pub struct PracticeName(pub Arc<str>);

impl std::str::FromStr for PracticeName {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(
                "the practice's name needs 1 to 100 characters, none a control character"
                    .to_owned(),
            );
        }
        Ok(Self(name.into()))
    }
}

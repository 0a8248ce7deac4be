//! `/healthz` and `/readyz` for a load balancer or an orchestrator: JSON, without login, no data.
//!
//! `/healthz` says the process answers. `/readyz` says this instance can serve the practice: it
//! is not stopping, the database answers, its schema has every migration this version knows, the
//! importer (where this instance holds the importer's lock) has shown it works, or taken the
//! lead, in the last minute, and the live listener receives PostgreSQL's notifications. 200 when all hold, else 503 naming what does not.

use std::time::Duration;

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgPool, postgres::PgPoolOptions};

use crate::{
    jobs::importing::ImportState, live::LiveHub, ops::shutdown::Draining, state::AppState,
};

pub const HEALTH_PATH: &str = "/healthz";
pub const READY_PATH: &str = "/readyz";

/// How long the database may take to answer before the instance counts as not ready.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the importer may go without finishing a pass or committing a batch. It passes every
/// second and commits a batch of a long pass every few.
pub const IMPORT_STALE_SECONDS: i64 = 60;

/// The connection `/readyz` asks the database on, apart from the pool that serves requests.
/// The check asks whether the database answers. On the pool it would wait behind the requests
/// of a busy instance until [`DATABASE_TIMEOUT`], and the load balancer would take out the very
/// instance that is serving everyone.
#[derive(Clone, Debug)]
pub struct HealthPool(PgPool);

impl HealthPool {
    /// One connection with `pool`'s settings, opened at the first check and again after a loss.
    pub fn beside(pool: &PgPool) -> Self {
        Self(
            PgPoolOptions::new()
                .max_connections(1)
                .connect_lazy_with((*pool.connect_options()).clone()),
        )
    }
}

/// `GET /healthz`: the process runs and answers.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// What `/readyz` answers.
#[derive(Debug, Serialize)]
pub struct Readiness {
    pub status: ReadyStatus,
    pub checks: Checks,
}

/// `ready` when every check holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadyStatus {
    Ready,
    NotReady,
}

#[derive(Debug, Serialize)]
pub struct Checks {
    pub stopping: Check,
    pub database: Check,
    pub migrations: Check,
    pub importer: Check,
    pub live_listener: Check,
}

/// One check: whether it holds, and in words what was found.
#[derive(Debug, Serialize)]
pub struct Check {
    pub ok: bool,
    pub detail: String,
}

impl Check {
    fn new(ok: bool, detail: impl Into<String>) -> Self {
        Self {
            ok,
            detail: detail.into(),
        }
    }
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let readiness = readiness(
        &state.health.0,
        state.importer.as_ref(),
        &state.live,
        &state.draining,
    )
    .await;
    let status = if readiness.status == ReadyStatus::Ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness)).into_response()
}

async fn readiness(
    pool: &PgPool,
    importer: Option<&ImportState>,
    live: &LiveHub,
    draining: &Draining,
) -> Readiness {
    let (database, migrations) = schema(pool).await;
    let checks = Checks {
        stopping: if draining.is_on() {
            Check::new(false, "stopping: draining before a restart")
        } else {
            Check::new(true, "running")
        },
        database,
        migrations,
        importer: importing(importer),
        live_listener: if live.listening() {
            Check::new(true, "receiving change notifications")
        } else {
            Check::new(
                false,
                "not connected to PostgreSQL for change notifications",
            )
        },
    };
    let ready = [
        &checks.stopping,
        &checks.database,
        &checks.migrations,
        &checks.importer,
        &checks.live_listener,
    ]
    .iter()
    .all(|check| check.ok);
    Readiness {
        status: if ready {
            ReadyStatus::Ready
        } else {
            ReadyStatus::NotReady
        },
        checks,
    }
}

/// The database's answer and the migrations it lacks.
async fn schema(pool: &PgPool) -> (Check, Check) {
    let pending = tokio::time::timeout(DATABASE_TIMEOUT, app::db::pending_migrations(pool)).await;
    match pending {
        Ok(Ok(0)) => (
            Check::new(true, "answers"),
            Check::new(true, "every migration of this version is applied"),
        ),
        Ok(Ok(pending)) => (
            Check::new(true, "answers"),
            Check::new(
                false,
                format!("{pending} migrations of this version are not applied"),
            ),
        ),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database did not answer");
            (
                Check::new(false, "does not answer"),
                Check::new(false, "unknown: the database does not answer"),
            )
        }
        Err(_) => (
            Check::new(
                false,
                format!("no answer within {} s", DATABASE_TIMEOUT.as_secs()),
            ),
            Check::new(false, "unknown: the database does not answer"),
        ),
    }
}

fn importing(importer: Option<&ImportState>) -> Check {
    let Some(importer) = importer else {
        return Check::new(true, "this instance does not import");
    };
    match importer.leading_since() {
        None => Check::new(true, "standing by: another instance imports"),
        Some(since) => leader(since, importer.heartbeat.last(), Utc::now()),
    }
}

/// A leader is ready while its last pass or batch, or its taking the lead, is recent: one that
/// has just taken over from a stopping instance is ready before its first pass ends, so that a
/// rolling restart never leaves the load balancer without a ready instance.
fn leader(since: DateTime<Utc>, beat: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Check {
    match beat.filter(|beat| *beat >= since) {
        Some(beat) => {
            let ago = (now - beat).num_seconds();
            Check::new(
                ago <= IMPORT_STALE_SECONDS,
                format!("last pass or batch {ago} s ago"),
            )
        }
        None => {
            let ago = (now - since).num_seconds();
            Check::new(
                ago <= IMPORT_STALE_SECONDS,
                format!("took the lead {ago} s ago, no pass finished since"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn a_leader_is_ready_for_a_minute_after_its_last_pass_or_taking_the_lead() {
        let now = Utc::now();
        let ago = |seconds| now - TimeDelta::seconds(seconds);
        let check = |since, beat: Option<DateTime<Utc>>| {
            let check = leader(since, beat, now);
            (check.ok, check.detail)
        };
        assert_eq!(
            check(ago(2), None),
            (true, "took the lead 2 s ago, no pass finished since".into())
        );
        assert_eq!(
            check(ago(61), None),
            (
                false,
                "took the lead 61 s ago, no pass finished since".into()
            )
        );
        // A pass of an earlier time as leader does not count for this one.
        assert!(!check(ago(61), Some(ago(600))).0);
        assert_eq!(
            check(ago(600), Some(ago(1))),
            (true, "last pass or batch 1 s ago".into())
        );
        assert_eq!(
            check(ago(600), Some(ago(61))),
            (false, "last pass or batch 61 s ago".into())
        );
    }
}

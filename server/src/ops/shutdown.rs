//! Stopping without losing a request or a live update. On SIGTERM (a restart by systemd or an
//! orchestrator) the instance first *drains*: `/readyz` says `not_ready` and new live connections
//! are refused, while requests are still served, so the load balancer moves on to the other
//! instance. After the grace period every live connection is closed with
//! [`CLOSE_RESTARTING`] (the browser reconnects, through the load balancer, and fetches again),
//! the listener stops accepting and the requests in flight are finished. Ctrl-C (SIGINT) skips
//! the grace period: a person at a terminal wants it to stop now.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use crate::live::LiveHub;

/// WebSocket's close code for "service restart": reconnect in a moment.
pub const CLOSE_RESTARTING: u16 = 1012;

/// Whether this instance is on its way out.
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn begin(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// How long the live connections get to send their close frames before the server stops.
const CLOSING_TIME: Duration = Duration::from_secs(2);

/// Resolves when the server should stop accepting: at once after SIGINT, `grace` after SIGTERM
/// (draining meanwhile). Then closes the live connections.
pub async fn signalled(draining: Draining, live: LiveHub, grace: Duration) {
    if terminated_or_interrupted().await {
        draining.begin();
        tracing::info!(
            grace_seconds = grace.as_secs(),
            "SIGTERM: draining (not ready, no new live connections), then stopping"
        );
        tokio::time::sleep(grace).await;
    } else {
        draining.begin();
    }
    let closed = live.close_all(CLOSING_TIME).await;
    tracing::info!(
        live_connections = closed,
        "stopping: finishing the requests in flight"
    );
}

/// Waits for SIGTERM (true) or SIGINT (false). Without a SIGTERM handler (the system refuses
/// one), only SIGINT stops the server gracefully.
async fn terminated_or_interrupted() -> bool {
    let interrupted = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot wait for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut terminate) => tokio::select! {
            _ = terminate.recv() => true,
            () = interrupted => false,
        },
        Err(error) => {
            tracing::warn!(%error, "cannot wait for SIGTERM");
            interrupted.await;
            false
        }
    }
}

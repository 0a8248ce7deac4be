//! The in-process importer runs on exactly one instance: the one holding the session-level
//! advisory lock `anrufe-importer` on a database connection of its own. The others stand by and
//! try again every [`STANDBY_RETRY`], on one connection kept for asking; when the importing instance stops or dies, its connection
//! closes, the lock is free and one of them takes over within seconds. A takeover loses and
//! repeats nothing: a batch's rows and its file offset commit together.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};

use importer::{Heartbeat, Importer};
use sqlx::{Connection, PgConnection, PgPool};
use tokio::task::JoinHandle;

/// How often an instance on standby asks for the lock.
pub const STANDBY_RETRY: Duration = Duration::from_secs(2);
/// How often the importing instance checks that its lock's connection is still there.
const LOCK_CHECK: Duration = Duration::from_secs(5);
/// How often a pass runs without a change in the directory.
const PASS_INTERVAL: Duration = Duration::from_secs(1);

const LOCK_KEY: &str = "anrufe-importer";

/// What the readiness check and the metrics see of this instance's importer.
#[derive(Clone, Debug)]
pub struct ImportState {
    pub heartbeat: Heartbeat,
    /// Unix seconds since this instance holds the lock; 0 while it stands by.
    leading_since: Arc<AtomicI64>,
}

impl ImportState {
    /// Whether this instance holds the lock and imports.
    pub fn leading(&self) -> bool {
        self.leading_since().is_some()
    }

    /// Since when this instance holds the lock and imports; `None` while it stands by.
    pub fn leading_since(&self) -> Option<DateTime<Utc>> {
        match self.leading_since.load(Ordering::Relaxed) {
            0 => None,
            seconds => DateTime::from_timestamp(seconds, 0),
        }
    }

    fn set_leading(&self, leading: bool) {
        let since = if leading { Utc::now().timestamp() } else { 0 };
        self.leading_since.store(since, Ordering::Relaxed);
        metrics::gauge!("anrufe_import_leader").set(if leading { 1.0 } else { 0.0 });
    }
}

/// Imports with `importer` whenever this instance holds the lock, until the task is aborted.
pub fn spawn(pool: PgPool, importer: Importer) -> (JoinHandle<()>, ImportState) {
    let state = ImportState {
        heartbeat: importer.heartbeat(),
        leading_since: Arc::default(),
    };
    state.set_leading(false);
    let shared = state.clone();
    let task = tokio::spawn(async move {
        // Detached from the pool: the lock lives exactly as long as this connection.
        let mut asking: Option<PgConnection> = None;
        loop {
            match lead(&pool, &mut asking).await {
                Ok(true) => {
                    let mut lock = asking.take().expect("the connection that took the lock");
                    shared.set_leading(true);
                    tracing::info!("this instance imports the call files");
                    tokio::select! {
                        () = importer.follow(PASS_INTERVAL) => {}
                        error = lost(&mut lock) => {
                            tracing::warn!(%error, "lost the importer's lock; standing by");
                        }
                    }
                    shared.set_leading(false);
                    // Closing it gives up the lock, if the connection is still there.
                    drop(lock);
                }
                Ok(false) => tracing::debug!("another instance imports the call files"),
                Err(error) => {
                    tracing::warn!(%error, "could not ask for the importer's lock");
                    asking = None;
                }
            }
            tokio::time::sleep(STANDBY_RETRY).await;
        }
    });
    (task, state)
}

/// Asks for the lock on the connection in `asking` (taken from the pool and detached when there
/// is none); true when it now holds the lock, false when another instance does.
async fn lead(pool: &PgPool, asking: &mut Option<PgConnection>) -> sqlx::Result<bool> {
    let connection = match asking {
        Some(connection) => connection,
        None => asking.insert(pool.acquire().await?.detach()),
    };
    sqlx::query_scalar("select pg_try_advisory_lock(hashtext($1))")
        .bind(LOCK_KEY)
        .fetch_one(connection)
        .await
}

/// Returns once the lock's connection fails a check, with why.
async fn lost(lock: &mut PgConnection) -> sqlx::Error {
    loop {
        tokio::time::sleep(LOCK_CHECK).await;
        if let Err(error) = lock.ping().await {
            return error;
        }
    }
}

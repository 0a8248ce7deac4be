//! When the importer last showed it is working: at the end of every pass and after every
//! committed batch, so a long first pass over a backlog beats too. The server's readiness check
//! reads it; `/metrics` shows it as `anrufe_import_heartbeat_timestamp_seconds`.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, Utc};

/// Shared by an [`Importer`](crate::Importer) and whoever watches it; 0 until the first beat.
#[derive(Clone, Debug, Default)]
pub struct Heartbeat(Arc<AtomicI64>);

impl Heartbeat {
    pub(crate) fn beat(&self) {
        let now = Utc::now().timestamp();
        self.0.store(now, Ordering::Relaxed);
        metrics::gauge!("anrufe_import_heartbeat_timestamp_seconds").set(now as f64);
    }

    /// When the last pass ended or the last batch was committed; `None` before either.
    pub fn last(&self) -> Option<DateTime<Utc>> {
        match self.0.load(Ordering::Relaxed) {
            0 => None,
            seconds => DateTime::from_timestamp(seconds, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_is_unknown_until_it_beats_and_shared_by_its_clones() {
        let heartbeat = Heartbeat::default();
        let watcher = heartbeat.clone();
        assert_eq!(watcher.last(), None);
        heartbeat.beat();
        let last = watcher.last().expect("a beat");
        assert!((Utc::now() - last).num_seconds() <= 1, "{last}");
    }
}

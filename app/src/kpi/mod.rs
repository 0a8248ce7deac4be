//! Figures of the front desk's work (seed 000 §11, „KPIs/Kacheln“). [`DeskTiles`] are the few
//! the calls table shows above itself, read by [`tiles`] in one statement, counted only over the
//! calls the reader may see.

#[cfg(feature = "backend")]
pub mod tiles;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The tiles above the calls table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskTiles {
    /// Calls not done.
    pub open: i64,
    /// When the longest-waiting open call came in.
    pub oldest_open: Option<DateTime<Utc>>,
    /// Calls marked done since midnight in Berlin.
    pub done_today: i64,
    /// Their median time from the call to done, in seconds.
    pub median_seconds_to_done_today: Option<i64>,
}

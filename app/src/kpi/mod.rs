//! Figures of the front desk's work (seed 000 §11, „KPIs/Kacheln“). [`DeskTiles`] are the few
//! the calls table shows above itself, read by [`tiles`] in one statement, counted only over the
//! calls the reader may see. The [`Report`] is the admins' evaluation („Auswertung“) of the last
//! [`REPORT_DAYS`] days, read by [`report`] from hourly counts a job keeps.

#[cfg(feature = "backend")]
pub mod report;
#[cfg(feature = "backend")]
pub mod tiles;

use chrono::{DateTime, NaiveDate, Utc};
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

/// Days the evaluation covers, today included.
pub const REPORT_DAYS: usize = 30;

/// The bounds, in minutes, of the steps in which the evaluation counts how long calls took to
/// be done: a median is known to the step („höchstens 45 Min.“).
pub const DONE_WITHIN_MINUTES: [i32; 19] = [
    2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 10080,
];

/// The evaluation of the calls that came in the last [`REPORT_DAYS`] days, in Berlin time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Midnight of the first day.
    pub since: DateTime<Utc>,
    /// When the figures were last counted; they lag the calls by up to ten minutes.
    pub counted_at: Option<DateTime<Utc>>,
    /// Each day, the oldest first.
    pub days: Vec<DayFigures>,
    pub totals: Figures,
    /// Calls by hour of the day, 0 to 23.
    pub by_hour: Vec<i64>,
    /// Calls by weekday (Monday first) and hour of the day: the busiest hours.
    pub by_weekday_hour: Vec<Vec<i64>>,
    pub by_source: Vec<Share>,
    /// By the practice's category; calls without one under an empty name.
    pub by_category: Vec<Share>,
}

/// The figures of the calls that came in one span of time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub calls: i64,
    /// Of those, done by now.
    pub done: i64,
    pub escalated: i64,
    /// How long the done ones took: half of them, and nine in ten, within this.
    pub median_to_done: Option<Within>,
    pub p90_to_done: Option<Within>,
}

impl Figures {
    pub fn open(&self) -> i64 {
        self.calls - self.done
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    pub day: NaiveDate,
    pub figures: Figures,
}

/// A time to done, known to a step of [`DONE_WITHIN_MINUTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Within {
    /// At most this many minutes.
    AtMost(i32),
    /// Longer than the last step.
    Over(i32),
}

impl Within {
    /// The `q` quantile (0 < q ≤ 1) of the calls counted per step in `buckets` (index 0 below
    /// the first bound, one past the last bound above it); `None` without calls.
    pub fn quantile(buckets: &[i64], q: f64) -> Option<Self> {
        let total: i64 = buckets.iter().sum();
        if total == 0 {
            return None;
        }
        let wanted = ((q * total as f64).ceil() as i64).max(1);
        let mut seen = 0;
        for (step, count) in buckets.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                return Some(match DONE_WITHIN_MINUTES.get(step) {
                    Some(&bound) => Self::AtMost(bound),
                    None => Self::Over(DONE_WITHIN_MINUTES[DONE_WITHIN_MINUTES.len() - 1]),
                });
            }
        }
        None
    }
}

/// Calls of one source or category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub name: String,
    pub calls: i64,
    pub done: i64,
}

#[cfg(test)]
mod tests {
    use super::{DONE_WITHIN_MINUTES, Within};

    #[test]
    fn a_quantile_is_the_bound_of_the_step_it_falls_in() {
        let mut buckets = vec![0; DONE_WITHIN_MINUTES.len() + 1];
        buckets[0] = 2; // under 2 min
        buckets[5] = 3; // 20 to 30 min
        buckets[7] = 5; // 45 to 60 min
        assert_eq!(Within::quantile(&buckets, 0.5), Some(Within::AtMost(30)));
        assert_eq!(Within::quantile(&buckets, 0.6), Some(Within::AtMost(60)));
        assert_eq!(Within::quantile(&buckets, 0.2), Some(Within::AtMost(2)));
        assert_eq!(Within::quantile(&buckets, 0.3), Some(Within::AtMost(30)));
        buckets[DONE_WITHIN_MINUTES.len()] = 100;
        assert_eq!(Within::quantile(&buckets, 0.9), Some(Within::Over(10080)));
        assert_eq!(Within::quantile(&[0, 0], 0.5), None);
    }
}

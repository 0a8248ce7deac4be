//! The anonymous aggregates of an hour's calls, made just before they are deleted.

use std::collections::BTreeMap;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use crate::domain::{Priority, TopicCategory};

/// What the aggregates need of one call: nothing that names or numbers the caller.
#[derive(Clone, Debug)]
pub struct PurgedCall {
    pub received_at: DateTime<Utc>,
    pub source: String,
    pub topic: Option<String>,
    pub priority: Priority,
    pub done: bool,
    /// When it was last marked done, if its history says so.
    pub done_at: Option<DateTime<Utc>>,
}

/// One row of `daily_stats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatsRow {
    pub hour_start: DateTime<Utc>,
    pub source: String,
    pub category: TopicCategory,
    pub priority: Priority,
    pub calls: i32,
    pub done: i32,
    pub median_seconds_to_done: Option<i32>,
    pub p90_seconds_to_done: Option<i32>,
}

/// Groups `calls` by UTC hour, source, topic category and priority; the median and 90th
/// percentile of the time to done are nearest-rank over the done calls of each group.
pub fn aggregate(calls: &[PurgedCall]) -> Vec<StatsRow> {
    type Key = (DateTime<Utc>, String, TopicCategory, Priority);
    let mut groups: BTreeMap<Key, (i32, i32, Vec<i64>)> = BTreeMap::new();
    for call in calls {
        let hour = call
            .received_at
            .duration_trunc(TimeDelta::hours(1))
            .unwrap_or(call.received_at);
        let key = (
            hour,
            call.source.clone(),
            TopicCategory::of(call.topic.as_deref()),
            call.priority,
        );
        let (count, done, times) = groups.entry(key).or_default();
        *count += 1;
        if call.done {
            *done += 1;
            if let Some(done_at) = call.done_at {
                times.push((done_at - call.received_at).num_seconds().max(0));
            }
        }
    }
    groups
        .into_iter()
        .map(
            |((hour_start, source, category, priority), (calls, done, mut times))| {
                times.sort_unstable();
                StatsRow {
                    hour_start,
                    source,
                    category,
                    priority,
                    calls,
                    done,
                    median_seconds_to_done: nearest_rank(&times, 50),
                    p90_seconds_to_done: nearest_rank(&times, 90),
                }
            },
        )
        .collect()
}

/// The `percent`th percentile of `sorted` by the nearest-rank method.
fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i32> {
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted
        .get(rank - 1)
        .map(|&seconds| seconds.min(i64::from(i32::MAX)) as i32)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn call(minute: u32, topic: &str, done_after_minutes: Option<i64>) -> PurgedCall {
        let received_at = Utc
            .with_ymd_and_hms(2026, 10, 1, 8, minute, 0)
            .single()
            .expect("a valid time");
        PurgedCall {
            received_at,
            source: "phone".into(),
            topic: Some(topic.into()),
            priority: Priority::Normal,
            done: done_after_minutes.is_some(),
            done_at: done_after_minutes.map(|minutes| received_at + TimeDelta::minutes(minutes)),
        }
    }

    #[test]
    fn groups_by_hour_source_category_and_priority_with_nearest_rank_times() {
        let mut calls: Vec<PurgedCall> = (1..=10)
            .map(|minutes| call(minutes as u32, "Rezept", Some(minutes)))
            .collect();
        calls.push(call(30, "Rezept", None));
        calls.push(call(40, "Termin", None));
        let rows = aggregate(&calls);
        assert_eq!(rows.len(), 2);
        let prescriptions = &rows[0];
        assert_eq!(prescriptions.category, TopicCategory::Prescription);
        assert_eq!(
            prescriptions.hour_start,
            Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0)
                .single()
                .expect("a valid time")
        );
        assert_eq!((prescriptions.calls, prescriptions.done), (11, 10));
        assert_eq!(prescriptions.median_seconds_to_done, Some(5 * 60));
        assert_eq!(prescriptions.p90_seconds_to_done, Some(9 * 60));
        let appointments = &rows[1];
        assert_eq!((appointments.calls, appointments.done), (1, 0));
        assert_eq!(appointments.median_seconds_to_done, None);
    }
}

//! When the nightly purge runs: a time of day in Berlin (PURGE_AT, default 02:30).

use std::{fmt, str::FromStr};

use chrono::{DateTime, Days, NaiveTime, TimeZone, Utc};

use crate::domain::BERLIN;

/// A time of day in Europe/Berlin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurgeTime(NaiveTime);

impl Default for PurgeTime {
    fn default() -> Self {
        Self(NaiveTime::from_hms_opt(2, 30, 0).unwrap_or_default())
    }
}

impl FromStr for PurgeTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .map(Self)
            .map_err(|_| format!("expected a time of day as HH:MM, e.g. 02:30, not {text:?}"))
    }
}

impl fmt::Display for PurgeTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

impl PurgeTime {
    /// The first moment after `now` at this time of day in Berlin. On the night the clocks go
    /// forward a time that does not exist that night is taken an hour later; on the night they
    /// go back, the first of the two.
    pub fn next_after(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = now.with_timezone(&BERLIN).date_naive();
        (0..=2)
            .filter_map(|days| today.checked_add_days(Days::new(days)))
            .filter_map(|day| {
                let local = day.and_time(self.0);
                BERLIN
                    .from_local_datetime(&local)
                    .earliest()
                    .or_else(|| {
                        BERLIN
                            .from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
                            .earliest()
                    })
                    .map(|at| at.with_timezone(&Utc))
            })
            .find(|at| *at > now)
            .unwrap_or(now + chrono::TimeDelta::days(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().expect("a UTC time")
    }

    #[test]
    fn the_next_run_is_the_coming_half_past_two_in_berlin() {
        let at = PurgeTime::default();
        assert_eq!(
            at.next_after(utc("2026-11-29T12:00:00Z")),
            utc("2026-11-30T01:30:00Z")
        );
        assert_eq!(
            at.next_after(utc("2026-11-29T00:00:00Z")),
            utc("2026-11-29T01:30:00Z")
        );
        // Summer time, and the night the clocks go forward (02:30 does not exist then).
        assert_eq!(
            at.next_after(utc("2026-07-01T12:00:00Z")),
            utc("2026-07-02T00:30:00Z")
        );
        assert_eq!(
            at.next_after(utc("2027-03-27T12:00:00Z")),
            utc("2027-03-28T01:30:00Z")
        );
        assert_eq!(
            "7:05".parse::<PurgeTime>().map(|t| t.to_string()),
            Ok("07:05".into())
        );
        assert!("25:00".parse::<PurgeTime>().is_err());
    }
}

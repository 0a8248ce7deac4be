//! Times are stored in UTC and always shown in Europe/Berlin.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The practice's time zone.
pub const BERLIN: Tz = chrono_tz::Europe::Berlin;

/// Formats a UTC instant as Berlin wall-clock time, e.g. `22.11.2026 14:05`.
pub fn format_berlin(at: DateTime<Utc>) -> String {
    at.with_timezone(&BERLIN)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn berlin_time_follows_summer_and_winter_time() {
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).single();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 12, 0, 0).single();
        assert_eq!(
            winter.map(format_berlin).as_deref(),
            Some("15.01.2026 13:00")
        );
        assert_eq!(
            summer.map(format_berlin).as_deref(),
            Some("15.07.2026 14:00")
        );
    }
}

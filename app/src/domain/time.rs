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

/// Like [`format_berlin`], but times of today and yesterday read `heute 14:05` and
/// `gestern 09:12` (with the words given for the two days): what the front desk scans for.
pub fn format_berlin_relative(
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    today_word: &str,
    yesterday_word: &str,
) -> String {
    let local = at.with_timezone(&BERLIN);
    let today = now.with_timezone(&BERLIN).date_naive();
    let day = local.date_naive();
    let time = local.format("%H:%M");
    if day == today {
        format!("{today_word} {time}")
    } else if today.pred_opt() == Some(day) {
        format!("{yesterday_word} {time}")
    } else {
        format_berlin(at)
    }
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

    #[test]
    fn today_and_yesterday_are_named_in_berlin_time() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
            .single()
            .expect("now");
        let at = |d, h, m| {
            Utc.with_ymd_and_hms(2026, 11, d, h, m, 0)
                .single()
                .expect("at")
        };
        let relative = |at| format_berlin_relative(at, now, "heute", "gestern");
        assert_eq!(relative(at(22, 8, 5)), "heute 09:05");
        assert_eq!(relative(at(21, 23, 30)), "heute 00:30");
        assert_eq!(relative(at(21, 22, 59)), "gestern 23:59");
        assert_eq!(relative(at(20, 12, 0)), "20.11.2026 13:00");
    }
}

//! Which calls to list, in which order and which page of them: the state of a table view.
//! It round-trips through the URL (`?status=NEW,IN_PROGRESS&range=today&q=müller`), so a view
//! can be bookmarked and survives a reload.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use super::{BERLIN, CallStatus, Invalid, ParseEnumError, Priority, limits};

/// Which calls to list. Every field narrows the result; the default lists all, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallQuery {
    /// Calls in any of these states; empty means every state.
    #[serde(default)]
    pub statuses: Vec<CallStatus>,
    /// Free text: a name or number fragment, or words of the concern or of a note.
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub range: Option<TimeRange>,
    /// Only calls assigned to this user.
    #[serde(default)]
    pub assignee: Option<i64>,
    #[serde(default)]
    pub sort: CallSort,
}

/// The calls still to be handled: the quick filter „Offen“.
pub const OPEN_STATUSES: [CallStatus; 2] = [CallStatus::New, CallStatus::InProgress];

/// When a call came in. `Today` and `LastHour` are resolved when the list is read, so a
/// bookmarked „Heute“ always means the current day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeRange {
    Today,
    LastHour,
    /// Whole days in Europe/Berlin, both ends included; either end may be open.
    Days {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

impl TimeRange {
    /// The instants `[start, end)` this range covers at `now`.
    pub fn bounds(self, now: DateTime<Utc>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        match self {
            Self::Today => (
                Some(start_of_day(now.with_timezone(&BERLIN).date_naive())),
                None,
            ),
            Self::LastHour => (Some(now - Duration::hours(1)), None),
            Self::Days { from, to } => (
                from.map(start_of_day),
                to.and_then(|day| day.succ_opt()).map(start_of_day),
            ),
        }
    }
}

/// Midnight in Berlin as a UTC instant. Berlin changes its clocks at 02:00 and 03:00,
/// never at midnight, so midnight always exists exactly once.
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(NaiveTime::MIN);
    BERLIN
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
}

/// The order of the table. Every order ends in the call id, so it is total and a cursor
/// names exactly one position.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallSort {
    #[default]
    Newest,
    Oldest,
    /// Most urgent first, newest first within a priority.
    Priority,
}

impl CallSort {
    pub const ALL: [Self; 3] = [Self::Newest, Self::Oldest, Self::Priority];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::Priority => "priority",
        }
    }
}

impl FromStr for CallSort {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|sort| sort.as_str() == s.trim())
            .ok_or_else(|| ParseEnumError {
                kind: "sort",
                value: s.to_owned(),
            })
    }
}

/// A position in the list: the sort key of one call. Written into URLs as
/// `<priority>.<microseconds since 1970>.<id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub priority: Priority,
    pub received_at: DateTime<Utc>,
    pub id: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rank = Priority::ALL
            .iter()
            .position(|p| *p == self.priority)
            .unwrap_or_default();
        write!(
            f,
            "{rank}.{}.{}",
            self.received_at.timestamp_micros(),
            self.id
        )
    }
}

impl FromStr for Cursor {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || ParseEnumError {
            kind: "cursor",
            value: s.to_owned(),
        };
        let mut parts = s.split('.');
        let (Some(rank), Some(micros), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        let priority = rank
            .parse::<usize>()
            .ok()
            .and_then(|rank| Priority::ALL.get(rank).copied())
            .ok_or_else(invalid)?;
        let received_at = micros
            .parse()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(invalid)?;
        let id = id.parse().map_err(|_| invalid())?;
        Ok(Self {
            priority,
            received_at,
            id,
        })
    }
}

/// Which page of the list to show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageAt {
    #[default]
    First,
    /// The page that follows this position.
    After(Cursor),
    /// The page that ends just before this position.
    Before(Cursor),
    Last,
}

/// A page as one token, for clients that page with a single parameter (the REST API):
/// `first`, `last`, `after:<cursor>` or `before:<cursor>`.
impl fmt::Display for PageAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::First => f.write_str("first"),
            Self::Last => f.write_str("last"),
            Self::After(cursor) => write!(f, "after:{cursor}"),
            Self::Before(cursor) => write!(f, "before:{cursor}"),
        }
    }
}

impl FromStr for PageAt {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            None if s == "first" => Ok(Self::First),
            None if s == "last" => Ok(Self::Last),
            Some(("after", cursor)) => cursor.parse().map(Self::After),
            Some(("before", cursor)) => cursor.parse().map(Self::Before),
            _ => Err(ParseEnumError {
                kind: "page",
                value: s.to_owned(),
            }),
        }
    }
}

/// How many calls match: exact up to [`Total::EXACT_LIMIT`], above that the planner's estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    pub count: i64,
    pub exact: bool,
}

impl Total {
    pub const EXACT_LIMIT: i64 = 1_000;
}

/// One page of calls with the positions of its neighbours (`None`: there is no such page).
/// The database layer fills it with [`super::StoredCall`]s, the masking code turns them into
/// what the viewer may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallPage<C = super::CallListItem> {
    pub items: Vec<C>,
    pub total: Total,
    pub previous: Option<Cursor>,
    pub next: Option<Cursor>,
    /// The fields a search looked in; empty without a search. Fields masked for the viewer are
    /// never searched, so a search tells nothing about them.
    #[serde(default)]
    pub searched: Vec<super::SearchField>,
}

impl CallQuery {
    /// Whether this is one of the agents' views of the day — the unfiltered view and the quick
    /// filter „Offen“ — which pin the red-flag calls nobody has taken on top and fold repeat
    /// callers (`crate::repeat`). A filtered or searched view shows exactly what was asked for.
    pub fn is_everyday(&self) -> bool {
        let open = self.statuses.is_empty() || self.statuses == OPEN_STATUSES;
        open && self.search.is_none() && self.range.is_none() && self.assignee.is_none()
    }

    /// Why the search text cannot be searched for: longer than [`limits::SEARCH_MAX_CHARS`],
    /// or holding a NUL character (which no text column can hold). Such a query is refused,
    /// not cut, so nobody gets an answer to a question they did not ask.
    pub fn search_problem(&self) -> Option<Invalid> {
        let text = self.search.as_ref()?;
        if text.chars().count() > limits::SEARCH_MAX_CHARS {
            Some(Invalid::SearchTooLong)
        } else if text.contains('\0') {
            Some(Invalid::NulCharacter)
        } else {
            None
        }
    }
}

/// Reading and writing a view as URL query parameters.
impl CallQuery {
    /// Reads the parameters a view writes; unknown or malformed values are ignored, so an
    /// edited or outdated bookmark still opens a sensible view.
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> Self {
        let statuses = param("status")
            .map(|list| list.split(',').filter_map(|s| s.parse().ok()).collect())
            .unwrap_or_default();
        let day = |key| param(key).and_then(|value| value.parse::<NaiveDate>().ok());
        // Typed days win over a quick filter submitted along with them.
        let range = match (day("from"), day("to")) {
            (None, None) => match param("range").as_deref() {
                Some("today") => Some(TimeRange::Today),
                Some("hour") => Some(TimeRange::LastHour),
                _ => None,
            },
            (from, to) => Some(TimeRange::Days { from, to }),
        };
        Self {
            statuses,
            search: param("q")
                .map(|q| q.trim().to_owned())
                .filter(|q| !q.is_empty()),
            range,
            assignee: param("assignee").and_then(|id| id.parse().ok()),
            sort: param("sort")
                .and_then(|sort| sort.parse().ok())
                .unwrap_or_default(),
        }
    }

    /// The parameters of this view, without defaults, in a stable order.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.statuses.is_empty() {
            let list: Vec<&str> = self.statuses.iter().map(|s| s.as_str()).collect();
            params.push(("status", list.join(",")));
        }
        if let Some(search) = &self.search {
            params.push(("q", search.clone()));
        }
        match self.range {
            None => {}
            Some(TimeRange::Today) => params.push(("range", "today".to_owned())),
            Some(TimeRange::LastHour) => params.push(("range", "hour".to_owned())),
            Some(TimeRange::Days { from, to }) => {
                params.extend(from.map(|day| ("from", day.to_string())));
                params.extend(to.map(|day| ("to", day.to_string())));
            }
        }
        if let Some(assignee) = self.assignee {
            params.push(("assignee", assignee.to_string()));
        }
        if self.sort != CallSort::default() {
            params.push(("sort", self.sort.as_str().to_owned()));
        }
        params
    }

    /// The address of this view on its first page.
    pub fn href(&self) -> String {
        href_with(self.to_params())
    }

    /// The address of one page of this view.
    pub fn page_href(&self, at: PageAt) -> String {
        let mut params = self.to_params();
        match at {
            PageAt::First => {}
            PageAt::After(cursor) => params.push(("after", cursor.to_string())),
            PageAt::Before(cursor) => params.push(("before", cursor.to_string())),
            PageAt::Last => params.push(("page", "last".to_owned())),
        }
        href_with(params)
    }

    /// True when this view lists only the calls still to be handled.
    pub fn is_open_only(&self) -> bool {
        let mut statuses = self.statuses.clone();
        statuses.sort_by_key(|s| s.as_str());
        statuses.dedup();
        statuses.len() == OPEN_STATUSES.len() && OPEN_STATUSES.iter().all(|s| statuses.contains(s))
    }
}

impl PageAt {
    /// Reads `after=…`, `before=…` or `page=last`; anything else is the first page.
    pub fn from_params(param: impl Fn(&str) -> Option<String>) -> Self {
        let cursor = |key| param(key).and_then(|value| value.parse::<Cursor>().ok());
        if let Some(cursor) = cursor("after") {
            Self::After(cursor)
        } else if let Some(cursor) = cursor("before") {
            Self::Before(cursor)
        } else if param("page").as_deref() == Some("last") {
            Self::Last
        } else {
            Self::First
        }
    }
}

fn href_with(params: Vec<(&'static str, String)>) -> String {
    if params.is_empty() {
        return "/".to_owned();
    }
    let mut query = form_urlencoded::Serializer::for_suffix(String::from("/?"), 2);
    for (key, value) in params {
        query.append_pair(key, &value);
    }
    query.finish()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn a_view_survives_the_round_trip_through_its_url() {
        let query = CallQuery {
            statuses: OPEN_STATUSES.to_vec(),
            search: Some("Müller & Söhne".to_owned()),
            range: Some(TimeRange::Days {
                from: NaiveDate::from_ymd_opt(2026, 11, 1),
                to: None,
            }),
            assignee: Some(7),
            sort: CallSort::Priority,
        };
        let href = query.href();
        let (_, query_string) = href.split_once('?').expect("query string");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query_string.as_bytes())
            .into_owned()
            .collect();
        let read = CallQuery::from_params(|key| {
            pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        });
        assert_eq!(read, query);
        assert!(href.starts_with("/?status=NEW%2CIN_PROGRESS&q="), "{href}");
    }

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            priority: Priority::Urgent,
            received_at: DateTime::from_timestamp_micros(1_790_000_000_123_456).expect("time"),
            id: 42,
        };
        for at in [
            PageAt::First,
            PageAt::Last,
            PageAt::After(cursor),
            PageAt::Before(cursor),
        ] {
            assert_eq!(at.to_string().parse::<PageAt>(), Ok(at));
        }
        assert_eq!(
            PageAt::After(cursor).to_string(),
            "after:3.1790000000123456.42"
        );
        for garbage in ["", "2", "after:", "after:9.1.1", "sideways:3.1.1", "last:1"] {
            assert!(garbage.parse::<PageAt>().is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn the_default_view_is_the_bare_start_page() {
        assert_eq!(CallQuery::default().href(), "/");
        assert_eq!(CallQuery::from_params(params(&[])), CallQuery::default());
    }

    #[test]
    fn malformed_parameters_are_ignored_rather_than_failing_the_page() {
        let query = CallQuery::from_params(params(&[
            ("status", "DONE,erledigt"),
            ("from", "gestern"),
            ("sort", "random"),
            ("assignee", "x"),
            ("q", "   "),
        ]));
        assert_eq!(
            query,
            CallQuery {
                statuses: vec![CallStatus::Done],
                ..CallQuery::default()
            }
        );
        assert_eq!(
            PageAt::from_params(params(&[("after", "1.2")])),
            PageAt::First
        );
    }

    #[test]
    fn a_cursor_is_written_and_read_back_exactly() {
        let cursor = Cursor {
            priority: Priority::Urgent,
            received_at: DateTime::from_timestamp_micros(1_795_000_000_123_456).expect("instant"),
            id: 42,
        };
        assert_eq!(cursor.to_string(), "3.1795000000123456.42");
        assert_eq!(cursor.to_string().parse(), Ok(cursor));
        assert_eq!(
            PageAt::from_params(params(&[("before", "3.1795000000123456.42")])),
            PageAt::Before(cursor)
        );
    }

    #[test]
    fn today_starts_at_midnight_in_berlin() {
        let now = Utc
            .with_ymd_and_hms(2026, 11, 22, 10, 0, 0)
            .single()
            .expect("now");
        let (start, end) = TimeRange::Today.bounds(now);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 11, 21, 23, 0, 0).single());
        assert_eq!(end, None);
        let summer = Utc
            .with_ymd_and_hms(2026, 7, 1, 0, 30, 0)
            .single()
            .expect("now");
        let (start, _) = TimeRange::Today.bounds(summer);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 6, 30, 22, 0, 0).single());
    }

    #[test]
    fn a_day_range_includes_both_whole_days() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 29);
        let range = TimeRange::Days { from: day, to: day };
        let (start, end) = range.bounds(Utc::now());
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).single());
        assert_eq!(
            end,
            Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0).single(),
            "23 h on DST day"
        );
    }

    #[test]
    fn the_open_quick_filter_is_recognised_in_any_order() {
        let query = CallQuery {
            statuses: vec![CallStatus::InProgress, CallStatus::New],
            ..CallQuery::default()
        };
        assert!(query.is_open_only());
        assert!(!CallQuery::default().is_open_only());
    }
}

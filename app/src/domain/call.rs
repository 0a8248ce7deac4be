//! A call as the dashboard sees it, and the words it is filtered by.

use std::{fmt, str::FromStr};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{MaskedValue, PhoneNumber, PiiField, Shown};

/// Where a call stands. Stored as the PostgreSQL enum `call_state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "backend", derive(sqlx::Type))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "call_state", rename_all = "SCREAMING_SNAKE_CASE")
)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub enum CallStatus {
    New,
    InProgress,
    Done,
}

impl CallStatus {
    pub const ALL: [Self; 3] = [Self::New, Self::InProgress, Self::Done];

    /// The stable machine name, as in the API and the URL (`NEW`, `IN_PROGRESS`, `DONE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "NEW",
            Self::InProgress => "IN_PROGRESS",
            Self::Done => "DONE",
        }
    }
}

impl fmt::Display for CallStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A word that names no value of the enum it was parsed as.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {kind}")]
pub struct ParseEnumError {
    pub kind: &'static str,
    pub value: String,
}

impl FromStr for CallStatus {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEnumError {
                kind: "status",
                value: s.to_owned(),
            })
    }
}

/// How urgent a call is. Stored as the PostgreSQL enum `call_priority`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "backend", derive(sqlx::Type))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "call_priority", rename_all = "lowercase")
)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Self; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// Reads the words the phone assistant may send: English, German, or 1 (low) … 4 (urgent).
    pub fn from_word(word: &str) -> Option<Self> {
        match word.trim().to_lowercase().as_str() {
            "low" | "niedrig" | "1" => Some(Self::Low),
            "normal" | "2" => Some(Self::Normal),
            "high" | "hoch" | "3" => Some(Self::High),
            "urgent" | "dringend" | "4" => Some(Self::Urgent),
            _ => None,
        }
    }
}

/// One row of the calls table, as one viewer may see it. Its personal fields are [`Shown`]
/// values, so only the masking code ([`super::Mask::show`] on a [`StoredCall`]) makes one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct CallListItem {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    /// Empty when masked for the viewer (see `masked`).
    #[cfg_attr(feature = "backend", schema(value_type = Option<String>))]
    pub caller_name: Shown<Option<String>>,
    /// `None` for an anonymous caller, or when masked for the viewer (see `masked`).
    #[cfg_attr(feature = "backend", schema(value_type = Option<PhoneNumber>))]
    pub caller_number: Shown<Option<PhoneNumber>>,
    pub topic: Option<String>,
    /// Empty when masked for the viewer (see `masked`).
    #[cfg_attr(feature = "backend", schema(value_type = Option<NaiveDate>))]
    pub date_of_birth: Shown<Option<NaiveDate>>,
    /// The source's id, e.g. `phone`.
    pub source: String,
    /// The source's display name in the active source policy (its id when the policy no
    /// longer lists it).
    pub source_name: String,
    pub priority: Priority,
    pub status: CallStatus,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Optimistic locking: a change names the version it was made on.
    pub version: i32,
    /// Restricted (Sperrvermerk, Art. 18): only admins see such a call, and nobody may change it.
    #[serde(default)]
    pub restricted: bool,
    /// The practice's category of the call, given by accepting an LLM suggestion.
    #[serde(default)]
    pub category: Option<String>,
    /// The newest LLM suggestion's category and urgency, shown as a hint until accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<crate::llm::Hint>,
    /// A clinical red flag: a word or pattern of the concern made the call urgent
    /// (`crate::rules`). Pinned on top of the desk until someone takes it.
    #[serde(default)]
    pub red_flag: bool,
    /// The call waited open and urgent longer than the escalation time (`crate::rules::escalation`).
    #[serde(default)]
    pub escalated: bool,
    /// How many open calls from this number the row stands for (`crate::repeat`): more than 1
    /// only for the newest call of a run of repeat calls, in a view that folds them.
    #[serde(default = "one")]
    pub repeats: i32,
    /// Fields the server masked for the viewer's role; their values above are empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<MaskedValue>,
}

impl CallListItem {
    /// A red-flag call nobody has taken yet: pinned on top of the desk, and asked about before
    /// a bulk „Erledigt“.
    pub fn awaits_someone(&self) -> bool {
        self.red_flag
            && self.assignee_id.is_none()
            && self.status != CallStatus::Done
            && !self.restricted
    }

    /// What the server left of `field` when it masked it for this user.
    pub fn mask_of(&self, field: PiiField) -> Option<&MaskedValue> {
        self.masked.iter().find(|masked| masked.field == field)
    }
}

/// A call as stored, every personal field in clear: what the database layer and the service
/// hand on. It has no `Serialize`, so it cannot be an answer; [`super::Mask::show`] turns it
/// into the [`CallListItem`] a viewer may see.
#[cfg(feature = "backend")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCall {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub caller_name: Option<String>,
    pub caller_number: Option<PhoneNumber>,
    pub topic: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub source: String,
    pub source_name: String,
    pub priority: Priority,
    pub status: CallStatus,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    pub restricted: bool,
    pub category: Option<String>,
    pub suggestion: Option<crate::llm::Hint>,
    pub red_flag: bool,
    pub escalated: bool,
    pub repeats: i32,
}

fn one() -> i32 {
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_words_in_english_german_and_digits_are_understood() {
        for (word, expected) in [
            ("urgent", Priority::Urgent),
            ("Dringend", Priority::Urgent),
            ("4", Priority::Urgent),
            ("hoch", Priority::High),
            ("3", Priority::High),
            ("normal", Priority::Normal),
            ("niedrig", Priority::Low),
            (" LOW ", Priority::Low),
        ] {
            assert_eq!(Priority::from_word(word), Some(expected), "{word}");
        }
        assert_eq!(Priority::from_word("sofort"), None);
        assert_eq!(Priority::from_word("5"), None);
    }

    #[test]
    fn status_parses_its_own_machine_names_only() {
        for status in CallStatus::ALL {
            assert_eq!(status.as_str().parse::<CallStatus>(), Ok(status));
        }
        assert!("erledigt".parse::<CallStatus>().is_err());
    }
}

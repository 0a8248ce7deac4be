//! Turns one raw line into a valid call event, an expired one, or a rejection with a stable
//! reason code (SPEC "Input"). Pure: no I/O, the current time is passed in.

use app::{
    compliance::{enforcer::Refusal, pii::Verdict, store::ActivePolicy},
    domain::{BERLIN, PhoneNumber, Priority},
    rules::matcher::PriorityRules,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Longest line accepted, in bytes (without the newline).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
const MAX_EVENT_ID_CHARS: usize = 200;
const MAX_FUTURE: Duration = Duration::hours(24);

/// Why a line was not stored as a call. The codes are stable and machine-readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    InvalidUtf8,
    InvalidJson,
    NotAnObject,
    LineTooLong,
    MissingReceivedAt,
    InvalidReceivedAt,
    MissingCaller,
    InvalidPhone,
    InvalidFieldType,
    SourceNotAllowed,
    PiiBlocked,
}

impl Reason {
    pub const ALL: [Self; 11] = [
        Self::InvalidUtf8,
        Self::InvalidJson,
        Self::NotAnObject,
        Self::LineTooLong,
        Self::MissingReceivedAt,
        Self::InvalidReceivedAt,
        Self::MissingCaller,
        Self::InvalidPhone,
        Self::InvalidFieldType,
        Self::SourceNotAllowed,
        Self::PiiBlocked,
    ];

    /// The reason with this stable code, e.g. `source_not_allowed`.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidUtf8 => "invalid_utf8",
            Self::InvalidJson => "invalid_json",
            Self::NotAnObject => "not_an_object",
            Self::LineTooLong => "line_too_long",
            Self::MissingReceivedAt => "missing_received_at",
            Self::InvalidReceivedAt => "invalid_received_at",
            Self::MissingCaller => "missing_caller",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidFieldType => "invalid_field_type",
            Self::SourceNotAllowed => "source_not_allowed",
            Self::PiiBlocked => "pii_blocked",
        }
    }
}

/// A line that cannot become a call: the reason code and a sentence for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub reason: Reason,
    pub detail: String,
    /// For a refusal by the source policy: what the blocked-content log keeps of it.
    pub blocked: Option<Blocked>,
}

/// A line the source policy refused, as the blocked-content log keeps it: never the content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    pub source: String,
    /// For `pii_blocked`: the rule that matched.
    pub rule: Option<String>,
    /// The version of the source policy that refused it.
    pub policy_version: i32,
}

fn reject(reason: Reason, detail: impl Into<String>) -> Rejection {
    Rejection {
        reason,
        detail: detail.into(),
        blocked: None,
    }
}

/// A problem with one field that still lets the call be stored; shown in the UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub field: &'static str,
    pub detail: String,
}

/// A call event ready to be stored: every field normalised.
#[derive(Clone, Debug, PartialEq)]
pub struct CallEvent {
    pub event_id: String,
    pub received_at: DateTime<Utc>,
    /// E.164; `None` for an anonymous caller.
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub topic: Option<String>,
    /// The priority as stored: the event's own, or a priority rule's ([`Self::priority_rule`]).
    pub priority: Priority,
    /// What the event said, if anything.
    pub stated_priority: Option<Priority>,
    /// The priority rule that set [`Self::priority`].
    pub priority_rule: Option<i64>,
    pub source: String,
    pub warnings: Vec<Warning>,
    pub raw_payload: Value,
    /// SHA-256 over the stored fields: equal hashes mean an identical event.
    pub content_hash: [u8; 32],
}

/// What became of a line.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Call(Box<CallEvent>),
    /// Valid, but older than the retention period: not stored, only counted.
    Expired,
    Rejected(Rejection),
}

/// What validation needs to know besides the line.
#[derive(Clone, Debug)]
pub struct Policy {
    pub now: DateTime<Utc>,
    /// Events received before it are expired: the database's `call_retention_cutoff()`.
    pub retention_cutoff: DateTime<Utc>,
    /// The active source policy: the sources that may deliver calls, the PII rules for the
    /// concern.
    pub compliance: ActivePolicy,
    /// The enabled priority rules (`app::rules`).
    pub rules: PriorityRules,
}

/// The rejection of a line of `len` bytes, longer than [`MAX_LINE_BYTES`].
pub fn too_long(len: u64) -> Rejection {
    reject(
        Reason::LineTooLong,
        format!("line has {len} bytes, at most {MAX_LINE_BYTES} are accepted"),
    )
}

/// Validates and normalises one line (without its newline).
pub fn validate(line: &[u8], policy: &Policy) -> Outcome {
    match validate_inner(line, policy) {
        Ok(Some(event)) => Outcome::Call(Box::new(event)),
        Ok(None) => Outcome::Expired,
        Err(rejection) => Outcome::Rejected(rejection),
    }
}

fn validate_inner(line: &[u8], policy: &Policy) -> Result<Option<CallEvent>, Rejection> {
    if line.len() > MAX_LINE_BYTES {
        return Err(too_long(line.len() as u64));
    }
    let text = std::str::from_utf8(line).map_err(|error| {
        reject(
            Reason::InvalidUtf8,
            format!("not UTF-8 at byte {}", error.valid_up_to()),
        )
    })?;
    let value: Value = serde_json::from_str(text)
        .map_err(|error| reject(Reason::InvalidJson, format!("not JSON: {error}")))?;
    let Value::Object(object) = value else {
        return Err(reject(
            Reason::NotAnObject,
            "a call event must be a JSON object",
        ));
    };

    let received_at = received_at(object.get("received_at"), policy.now)?;
    let number = caller_number(object.get("caller_number"))?;
    let caller_name = optional_text(&object, "caller_name")?;
    if number == NumberField::Absent && caller_name.is_none() {
        return Err(reject(
            Reason::MissingCaller,
            "neither caller_number nor caller_name is given",
        ));
    }
    let caller_number = match number {
        NumberField::Number(e164) => Some(e164),
        NumberField::Absent | NumberField::Anonymous => None,
    };
    let source = optional_text(&object, "source")?.unwrap_or_else(|| "phone".to_owned());
    if let Err(refusal) = policy.compliance.may_import(&source) {
        let detail = match refusal {
            Refusal::SourceInactive => format!("source {source:?} is switched off in the policy"),
            _ => format!("source {source:?} is not an allowed source"),
        };
        return Err(Rejection {
            blocked: Some(Blocked {
                source,
                rule: None,
                policy_version: policy.compliance.version,
            }),
            ..reject(Reason::SourceNotAllowed, detail)
        });
    }
    let event_id = optional_text(&object, "event_id")?;
    if event_id
        .as_ref()
        .is_some_and(|id| id.chars().count() > MAX_EVENT_ID_CHARS)
    {
        return Err(reject(
            Reason::InvalidFieldType,
            format!("event_id is longer than {MAX_EVENT_ID_CHARS} characters"),
        ));
    }
    let mut topic = optional_text(&object, "topic")?;
    let mut warnings = Vec::new();
    let stated_priority = priority(object.get("priority"), &mut warnings)?;
    let date_of_birth = date_of_birth(&object, policy.now, &mut warnings)?;

    if received_at < policy.retention_cutoff {
        return Ok(None);
    }
    let mut object = object;
    if let Some(text) = &topic {
        match policy
            .compliance
            .rules
            .judge(text, caller_number.as_deref())
        {
            Verdict::Clean => {}
            Verdict::Block { rule } => {
                return Err(Rejection {
                    blocked: Some(Blocked {
                        source,
                        rule: Some(rule.clone()),
                        policy_version: policy.compliance.version,
                    }),
                    ..reject(
                        Reason::PiiBlocked,
                        format!("the topic matches the blocking PII rule {rule:?}"),
                    )
                });
            }
            Verdict::Warn(rules) => warnings.extend(rules.into_iter().map(pii_warning)),
            Verdict::Redact { text, warned } => {
                warnings.extend(warned.into_iter().map(pii_warning));
                // The raw payload is kept and exported: it must not hold what was redacted.
                object.insert("topic".to_owned(), Value::String(text.clone()));
                topic = Some(text);
            }
        }
    }
    let raw_payload = Value::Object(object);
    let event_id =
        event_id.unwrap_or_else(|| derived_event_id(received_at, &caller_number, &raw_payload));
    let decision = policy
        .rules
        .decide(stated_priority, caller_number.as_deref(), topic.as_deref());
    let mut event = CallEvent {
        event_id,
        received_at,
        caller_number,
        caller_name,
        date_of_birth,
        topic,
        priority: decision.priority,
        stated_priority,
        priority_rule: decision.rule,
        source,
        warnings,
        raw_payload,
        content_hash: [0; 32],
    };
    event.content_hash = content_hash(&event);
    Ok(Some(event))
}

fn received_at(value: Option<&Value>, now: DateTime<Utc>) -> Result<DateTime<Utc>, Rejection> {
    let at = match value {
        None | Some(Value::Null) => {
            return Err(reject(Reason::MissingReceivedAt, "received_at is missing"));
        }
        Some(Value::String(text)) => parse_time_text(text.trim())?,
        Some(Value::Number(number)) => parse_unix(number)?,
        Some(_) => {
            return Err(reject(
                Reason::InvalidFieldType,
                "received_at must be a string or a number",
            ));
        }
    };
    if at > now + MAX_FUTURE {
        return Err(reject(
            Reason::InvalidReceivedAt,
            format!("received_at {at} is more than 24 hours in the future"),
        ));
    }
    Ok(at)
}

fn parse_time_text(text: &str) -> Result<DateTime<Utc>, Rejection> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").map_err(|_| {
        reject(
            Reason::InvalidReceivedAt,
            format!("received_at {text:?} is neither RFC 3339 nor YYYY-MM-DD HH:MM:SS"),
        )
    })?;
    // In the autumn hour that occurs twice, the earlier instant is taken.
    BERLIN
        .from_local_datetime(&local)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| {
            reject(
                Reason::InvalidReceivedAt,
                format!("received_at {text:?} does not exist in Europe/Berlin (clocks skip it)"),
            )
        })
}

/// Unix seconds, or milliseconds when the number is too large to be seconds (after year 5000).
fn parse_unix(number: &serde_json::Number) -> Result<DateTime<Utc>, Rejection> {
    const MILLIS_THRESHOLD: i64 = 100_000_000_000;
    let invalid = || {
        reject(
            Reason::InvalidReceivedAt,
            format!("received_at {number} is not a Unix time"),
        )
    };
    let value = number.as_i64().ok_or_else(invalid)?;
    let at = if value.abs() >= MILLIS_THRESHOLD {
        DateTime::from_timestamp_millis(value)
    } else {
        DateTime::from_timestamp(value, 0)
    };
    at.ok_or_else(invalid)
}

const ANONYMOUS_WORDS: [&str; 5] = ["anonymous", "anonym", "unbekannt", "unknown", "unterdrückt"];

/// What the `caller_number` field says.
#[derive(Debug, PartialEq, Eq)]
enum NumberField {
    Absent,
    /// Empty or a word such as `anonymous`/`unbekannt`: the caller withheld the number.
    Anonymous,
    /// The number in E.164.
    Number(String),
}

fn caller_number(value: Option<&Value>) -> Result<NumberField, Rejection> {
    match value {
        None | Some(Value::Null) => Ok(NumberField::Absent),
        Some(Value::String(text)) => {
            let trimmed = text.trim();
            if trimmed.is_empty() || ANONYMOUS_WORDS.contains(&trimmed.to_lowercase().as_str()) {
                return Ok(NumberField::Anonymous);
            }
            PhoneNumber::e164_of(trimmed)
                .map(NumberField::Number)
                .map_err(|error| reject(Reason::InvalidPhone, error.to_string()))
        }
        Some(_) => Err(reject(
            Reason::InvalidFieldType,
            "caller_number must be a string",
        )),
    }
}

/// A string field, trimmed; blank counts as absent.
fn optional_text(object: &Map<String, Value>, field: &str) -> Result<Option<String>, Rejection> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            let trimmed = text.trim();
            Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
        }
        Some(_) => Err(reject(
            Reason::InvalidFieldType,
            format!("{field} must be a string"),
        )),
    }
}

fn pii_warning(rule: String) -> Warning {
    Warning {
        code: "pii_found",
        field: "topic",
        detail: format!("the topic holds what the PII rule {rule:?} looks for"),
    }
}

/// The priority the event states; `None` when it states none (or one nobody knows).
fn priority(
    value: Option<&Value>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Priority>, Rejection> {
    let word = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        Some(_) => {
            return Err(reject(
                Reason::InvalidFieldType,
                "priority must be a string or a number",
            ));
        }
    };
    let known = Priority::from_word(&word);
    if known.is_none() {
        warnings.push(Warning {
            code: "unknown_priority",
            field: "priority",
            // The text is part of the content hash of stored calls: it stays as it was, though
            // a priority rule may give such a call another priority than normal.
            detail: format!("unknown priority {word:?}; stored as normal"),
        });
    }
    Ok(known)
}

fn date_of_birth(
    object: &Map<String, Value>,
    now: DateTime<Utc>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<NaiveDate>, Rejection> {
    let Some(text) = optional_text(object, "date_of_birth")? else {
        return Ok(None);
    };
    let parsed = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&text, "%d.%m.%Y"));
    let (code, detail) = match parsed {
        Ok(date) if date <= now.with_timezone(&BERLIN).date_naive() => return Ok(Some(date)),
        // The warning names no date: warnings are stored in clear, the date of birth only
        // sealed (the raw event keeps what was delivered).
        Ok(_) => (
            "date_of_birth_in_future",
            "the date of birth lies in the future".to_owned(),
        ),
        Err(_) => (
            "invalid_date_of_birth",
            "the date of birth is neither YYYY-MM-DD nor DD.MM.YYYY".to_owned(),
        ),
    };
    warnings.push(Warning {
        code,
        field: "date_of_birth",
        detail,
    });
    Ok(None)
}

/// The key of an event without `event_id`: SHA-256 of the normalised time, the number
/// and the canonical payload (object keys sorted).
fn derived_event_id(
    received_at: DateTime<Utc>,
    number: &Option<String>,
    payload: &Value,
) -> String {
    let mut hasher = Sha256::new();
    hasher.update(received_at.to_rfc3339().as_bytes());
    hasher.update([0]);
    hasher.update(number.as_deref().unwrap_or("").as_bytes());
    hasher.update([0]);
    write_json(&mut hasher, payload);
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// SHA-256 of the stored fields as one JSON array. Serialised straight into the hash: the
/// payload is neither copied nor turned into a string first.
fn content_hash(event: &CallEvent) -> [u8; 32] {
    let fields = (
        event.received_at.to_rfc3339(),
        &event.caller_number,
        &event.caller_name,
        event.date_of_birth,
        &event.topic,
        // The event's own, as the hashes stored so far have it: a rule changes no event.
        event.stated_priority.unwrap_or_default().as_str(),
        &event.source,
        // As a JSON value, whose object keys are sorted, as the hashes stored so far have them.
        serde_json::to_value(&event.warnings).unwrap_or_default(),
        &event.raw_payload,
    );
    let mut hasher = Sha256::new();
    write_json(&mut hasher, &fields);
    hasher.finalize().into()
}

/// Feeds the compact JSON of `value` into `hasher`.
fn write_json(hasher: &mut Sha256, value: &impl Serialize) {
    // Cannot fail: a hash accepts every byte and every value here serialises.
    let _ = serde_json::to_writer(hasher, value);
}

#[cfg(test)]
mod tests;

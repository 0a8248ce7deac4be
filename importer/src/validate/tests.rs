use chrono::TimeZone;
use serde_json::json;

use app::compliance::policy::PolicyDocument;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .expect("valid test time")
}

fn policy_at(now: DateTime<Utc>) -> Policy {
    Policy {
        now,
        retention_cutoff: now - Duration::days(30),
        compliance: ActivePolicy::new(1, PolicyDocument::initial()).expect("the initial policy"),
        rules: Default::default(),
    }
}

fn run(line: &str) -> Outcome {
    validate(line.as_bytes(), &policy_at(now()))
}

fn call(value: Value) -> CallEvent {
    match run(&value.to_string()) {
        Outcome::Call(event) => *event,
        other => panic!("expected a call for {value}, got {other:?}"),
    }
}

fn reason(line: &str) -> Reason {
    match run(line) {
        Outcome::Rejected(rejection) => rejection.reason,
        other => panic!("expected a rejection for {line}, got {other:?}"),
    }
}

fn base() -> Value {
    json!({"received_at": "2026-11-22T10:00:00+01:00", "caller_number": "030 1234567"})
}

fn with(field: &str, value: Value) -> Value {
    let mut object = base();
    object[field] = value;
    object
}

#[test]
fn received_at_in_rfc3339_is_stored_in_utc() {
    let event = call(base());
    assert_eq!(
        event.received_at,
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
    );
}

#[test]
fn received_at_in_local_berlin_time_follows_daylight_saving_time() {
    let winter = call(with("received_at", json!("2026-11-22 10:00:00")));
    assert_eq!(
        winter.received_at,
        Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
    );
    let mut policy = policy_at(now());
    policy.retention_cutoff = now() - Duration::days(365);
    let summer = validate(
        with("received_at", json!("2026-07-01 10:00:00"))
            .to_string()
            .as_bytes(),
        &policy,
    );
    let Outcome::Call(summer) = summer else {
        panic!("expected a call: {summer:?}")
    };
    assert_eq!(
        summer.received_at,
        Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap()
    );
}

#[test]
fn the_repeated_autumn_hour_takes_the_earlier_instant_and_the_skipped_spring_hour_is_rejected() {
    let mut policy = policy_at(Utc.with_ymd_and_hms(2026, 10, 26, 0, 0, 0).unwrap());
    let twice = with("received_at", json!("2026-10-25 02:30:00")).to_string();
    let Outcome::Call(event) = validate(twice.as_bytes(), &policy) else {
        panic!("expected a call")
    };
    assert_eq!(
        event.received_at,
        Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
    );
    policy.now = Utc.with_ymd_and_hms(2026, 3, 30, 0, 0, 0).unwrap();
    let skipped = with("received_at", json!("2026-03-29 02:30:00")).to_string();
    assert!(matches!(
        validate(skipped.as_bytes(), &policy),
        Outcome::Rejected(Rejection {
            reason: Reason::InvalidReceivedAt,
            ..
        })
    ));
}

#[test]
fn received_at_as_unix_seconds_or_milliseconds_is_understood() {
    let expected = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
    let seconds = call(with("received_at", json!(expected.timestamp())));
    let millis = call(with("received_at", json!(expected.timestamp_millis())));
    assert_eq!(seconds.received_at, expected);
    assert_eq!(millis.received_at, expected);
}

#[test]
fn german_and_international_number_formats_become_e164() {
    for number in [
        "030 1234567",
        "+49 (30) 123-4567",
        "0049301234567",
        "0 30 / 12 34 56 7",
    ] {
        let event = call(with("caller_number", json!(number)));
        assert_eq!(
            event.caller_number.as_deref(),
            Some("+49301234567"),
            "{number}"
        );
    }
}

#[test]
fn anonymous_unknown_and_empty_numbers_make_an_anonymous_call() {
    for number in ["anonymous", "Unbekannt", "", "  "] {
        let event = call(with("caller_number", json!(number)));
        assert_eq!(event.caller_number, None, "{number:?}");
    }
}

#[test]
fn a_caller_with_only_a_name_is_stored() {
    let event =
        call(json!({"received_at": "2026-11-22T10:00:00Z", "caller_name": " Anna Müller "}));
    assert_eq!(event.caller_name.as_deref(), Some("Anna Müller"));
    assert_eq!(event.caller_number, None);
}

#[test]
fn date_of_birth_in_iso_and_german_form_is_read() {
    let expected = NaiveDate::from_ymd_opt(1961, 3, 4);
    assert_eq!(
        call(with("date_of_birth", json!("1961-03-04"))).date_of_birth,
        expected
    );
    assert_eq!(
        call(with("date_of_birth", json!("04.03.1961"))).date_of_birth,
        expected
    );
}

#[test]
fn an_unreadable_or_future_date_of_birth_is_a_warning_not_a_rejection() {
    let unreadable = call(with("date_of_birth", json!("4. März")));
    assert_eq!(unreadable.date_of_birth, None);
    assert_eq!(unreadable.warnings[0].code, "invalid_date_of_birth");
    let future = call(with("date_of_birth", json!("2030-01-01")));
    assert_eq!(future.date_of_birth, None);
    assert_eq!(future.warnings[0].code, "date_of_birth_in_future");
}

#[test]
fn priority_words_and_numbers_are_read_and_unknown_words_warn() {
    assert_eq!(
        call(with("priority", json!("dringend"))).priority,
        Priority::Urgent
    );
    assert_eq!(call(with("priority", json!(3))).priority, Priority::High);
    assert_eq!(call(base()).priority, Priority::Normal);
    let unknown = call(with("priority", json!("sofort")));
    assert_eq!(unknown.priority, Priority::Normal);
    assert_eq!(unknown.warnings[0].code, "unknown_priority");
}

#[test]
fn topic_and_source_are_trimmed_and_source_defaults_to_phone() {
    let event = call(with("topic", json!("  Rezept Ibuprofen ")));
    assert_eq!(event.topic.as_deref(), Some("Rezept Ibuprofen"));
    assert_eq!(event.source, "phone");
}

#[test]
fn unknown_fields_and_the_schema_stay_in_the_raw_payload() {
    let mut value = with("schema", json!("call.v1"));
    value["line_id"] = json!(7);
    let event = call(value);
    assert_eq!(event.raw_payload["schema"], json!("call.v1"));
    assert_eq!(event.raw_payload["line_id"], json!(7));
}

#[test]
fn an_event_without_event_id_gets_a_stable_derived_key() {
    let first = call(base());
    let second = call(base());
    assert!(first.event_id.starts_with("sha256:"));
    assert_eq!(first.event_id, second.event_id);
    assert_ne!(first.event_id, call(with("topic", json!("AU"))).event_id);
}

#[test]
fn a_given_event_id_is_kept_and_content_changes_change_the_hash() {
    let first = call(with("event_id", json!("abc-1")));
    let mut changed = with("event_id", json!("abc-1"));
    changed["topic"] = json!("Termin");
    let second = call(changed);
    assert_eq!(first.event_id, "abc-1");
    assert_eq!(second.event_id, "abc-1");
    assert_ne!(first.content_hash, second.content_hash);
}

#[test]
fn an_event_older_than_the_retention_period_is_expired() {
    assert_eq!(
        run(&with("received_at", json!("2026-10-01T10:00:00Z")).to_string()),
        Outcome::Expired
    );
}

#[test]
fn every_reason_code_is_given_for_its_kind_of_bad_line() {
    let long_line = format!("{{\"topic\":\"{}\"}}", "x".repeat(MAX_LINE_BYTES));
    let cases = [
        (
            reason_bytes(b"{\"received_at\": \"\xff\"}"),
            Reason::InvalidUtf8,
        ),
        (reason("{not json"), Reason::InvalidJson),
        (reason("[1, 2]"), Reason::NotAnObject),
        (reason(&long_line), Reason::LineTooLong),
        (
            reason(r#"{"caller_number": "030 1234567"}"#),
            Reason::MissingReceivedAt,
        ),
        (
            reason(&with("received_at", json!("gestern")).to_string()),
            Reason::InvalidReceivedAt,
        ),
        (
            reason(&with("received_at", json!("2026-11-24T10:00:00Z")).to_string()),
            Reason::InvalidReceivedAt,
        ),
        (
            reason(r#"{"received_at": "2026-11-22T10:00:00Z"}"#),
            Reason::MissingCaller,
        ),
        (
            reason(&with("caller_number", json!("hallo")).to_string()),
            Reason::InvalidPhone,
        ),
        (
            reason(&with("caller_name", json!(42)).to_string()),
            Reason::InvalidFieldType,
        ),
        (
            reason(&with("event_id", json!("x".repeat(201))).to_string()),
            Reason::InvalidFieldType,
        ),
        (
            reason(&with("source", json!("webform")).to_string()),
            Reason::SourceNotAllowed,
        ),
    ];
    for (index, (actual, expected)) in cases.into_iter().enumerate() {
        assert_eq!(actual, expected, "case {index}");
    }
}

#[test]
fn reason_codes_are_the_stable_snake_case_names() {
    assert_eq!(Reason::SourceNotAllowed.code(), "source_not_allowed");
    assert_eq!(Reason::InvalidUtf8.code(), "invalid_utf8");
    for reason in Reason::ALL {
        assert_eq!(Reason::from_code(reason.code()), Some(reason));
    }
    assert_eq!(Reason::from_code("kaputt"), None);
}

fn reason_bytes(line: &[u8]) -> Reason {
    match validate(line, &policy_at(now())) {
        Outcome::Rejected(rejection) => rejection.reason,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// Stored calls carry these keys and hashes: if either changed, re-reading a file after an
/// upgrade would count every line as an edit (new version and audit row) or as a new call.
#[test]
fn derived_keys_and_content_hashes_stay_what_earlier_versions_stored() {
    let mut value = with("caller_name", json!("Maria Müller"));
    value["date_of_birth"] = json!("07.03.1984");
    value["priority"] = json!("dringend");
    value["topic"] = json!("Rezept");
    value["extra"] = json!({"b": 1, "a": [true, null]});
    let plain = call(value.clone());
    value["priority"] = json!("irgendwann");
    let with_warning = call(value);
    assert_eq!(
        plain.event_id,
        "sha256:08a4562fd75333779dc94b7c24aa8a1bfcf68cd1d826a764b28f22e8d2922b0c"
    );
    assert_eq!(
        hex::encode(plain.content_hash),
        "273af152b6ac7aabb212831970137d985374d1fd1be3e82898eaf7e76816cb01"
    );
    assert_eq!(
        hex::encode(with_warning.content_hash),
        "cec47005603001b3a0014de06b703456b31bd01af39713d97537869a89fd70ef"
    );
}

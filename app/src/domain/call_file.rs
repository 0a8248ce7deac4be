//! The names of the phone assistant's daily call files.

/// Whether `name` is a daily call file, `calls-YYYY-MM-DD.jsonl`.
pub fn is_call_file(name: &str) -> bool {
    name.strip_prefix("calls-")
        .and_then(|rest| rest.strip_suffix(".jsonl"))
        .is_some_and(|date| chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok())
}

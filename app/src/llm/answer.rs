//! Reading the endpoint's answer strictly: the chat completions envelope, then its message
//! content as JSON of exactly the asked-for schema. Anything else is discarded with a reason
//! code; the model's words are kept as plain text only.

use serde::Deserialize;

use super::{REASON_MAX_CHARS, SUMMARY_MAX_CHARS};
use crate::domain::Priority;

/// The envelope of a chat completions answer, as far as it is read.
#[derive(Debug, Deserialize)]
struct Completion {
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    message: Message,
}

#[derive(Debug, Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Usage {
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
}

/// The answer's message content and token counts, before it is judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub content: String,
    pub usage: Usage,
}

/// What the content must be.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    summary: String,
    category: String,
    urgency: String,
    reason: String,
}

/// A suggestion that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub summary: String,
    pub category: String,
    pub urgency: Priority,
    pub reason: String,
}

/// Why an answer was discarded, as the ledger's `detail` and the metrics name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("not_a_completion")]
    NotACompletion,
    #[error("not_json")]
    NotJson,
    #[error("unknown_category")]
    UnknownCategory,
    #[error("unknown_urgency")]
    UnknownUrgency,
    #[error("bad_summary")]
    BadSummary,
    #[error("bad_reason")]
    BadReason,
}

/// The message content and token counts of a chat completions answer `body`.
pub fn reply(body: &[u8]) -> Result<Reply, Rejected> {
    let completion: Completion =
        serde_json::from_slice(body).map_err(|_| Rejected::NotACompletion)?;
    let content = completion
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.message.content)
        .ok_or(Rejected::NotACompletion)?;
    Ok(Reply {
        content,
        usage: completion.usage.unwrap_or_default(),
    })
}

/// The suggestion in `content`, if it is exactly what was asked for. Line breaks and tabs are
/// read as spaces first (small models write them raw into strings, which JSON forbids; every
/// field is one line anyway).
pub fn parse(content: &str, categories: &[String]) -> Result<Parsed, Rejected> {
    let content = content.replace(['\n', '\r', '\t'], " ");
    let raw: Raw = serde_json::from_str(content.trim()).map_err(|_| Rejected::NotJson)?;
    let category = categories
        .iter()
        .find(|known| **known == raw.category)
        .ok_or(Rejected::UnknownCategory)?
        .clone();
    let urgency = Priority::ALL
        .into_iter()
        .find(|priority| priority.as_str() == raw.urgency)
        .ok_or(Rejected::UnknownUrgency)?;
    Ok(Parsed {
        summary: one_line(&raw.summary, SUMMARY_MAX_CHARS).ok_or(Rejected::BadSummary)?,
        category,
        urgency,
        reason: one_line(&raw.reason, REASON_MAX_CHARS).ok_or(Rejected::BadReason)?,
    })
}

/// `text` as one line of at most `max` characters, without control characters; `None` when
/// nothing is left.
fn one_line(text: &str, max: usize) -> Option<String> {
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    (!line.is_empty() && line.chars().count() <= max).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories() -> Vec<String> {
        ["Rezept", "Termin", "Sonstiges"]
            .map(str::to_owned)
            .to_vec()
    }

    #[test]
    fn a_valid_answer_becomes_a_suggestion() {
        let content = " {\"summary\": \"Rezept\nfür  Ibuprofen\", \"category\": \"Rezept\",
                         \"urgency\": \"normal\", \"reason\": \"kein Notfall\"} ";
        assert_eq!(
            parse(content, &categories()),
            Ok(Parsed {
                summary: "Rezept für Ibuprofen".to_owned(),
                category: "Rezept".to_owned(),
                urgency: Priority::Normal,
                reason: "kein Notfall".to_owned(),
            })
        );
    }

    #[test]
    fn anything_but_the_schema_is_discarded_with_its_reason() {
        let ok = r#""summary": "s", "reason": "r""#;
        for (content, why) in [
            ("Gerne! Hier ist die Antwort: Rezept", Rejected::NotJson),
            (
                r#"{"summary": "s", "category": "Rezept", "urgency": "normal"}"#,
                Rejected::NotJson,
            ),
            (
                &format!(r#"{{{ok}, "category": "Rezept", "urgency": "normal", "x": 1}}"#),
                Rejected::NotJson,
            ),
            (
                &format!(r#"{{{ok}, "category": "Gift", "urgency": "normal"}}"#),
                Rejected::UnknownCategory,
            ),
            (
                &format!(r#"{{{ok}, "category": "rezept", "urgency": "normal"}}"#),
                Rejected::UnknownCategory,
            ),
            (
                &format!(r#"{{{ok}, "category": "Rezept", "urgency": "sofort"}}"#),
                Rejected::UnknownUrgency,
            ),
            (
                r#"{"summary": " ", "reason": "r", "category": "Rezept", "urgency": "low"}"#,
                Rejected::BadSummary,
            ),
            (
                &format!(
                    r#"{{"summary": "s", "reason": "{}", "category": "Rezept", "urgency": "low"}}"#,
                    "x".repeat(201)
                ),
                Rejected::BadReason,
            ),
        ] {
            assert_eq!(parse(content, &categories()), Err(why), "{content}");
        }
    }

    #[test]
    fn the_envelope_gives_the_content_and_the_tokens() {
        let body = br#"{"id": "x", "choices": [{"index": 0, "message": {"role": "assistant",
            "content": "{}"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 90, "completion_tokens": 12, "total_tokens": 102}}"#;
        let reply = reply(body).expect("a completion");
        assert_eq!(reply.content, "{}");
        assert_eq!(reply.usage.prompt_tokens, Some(90));
        assert_eq!(reply.usage.completion_tokens, Some(12));
        assert_eq!(super::reply(b"<html>"), Err(Rejected::NotACompletion));
        assert_eq!(
            super::reply(br#"{"choices": []}"#),
            Err(Rejected::NotACompletion)
        );
    }
}

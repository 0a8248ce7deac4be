//! What the search box means: a number fragment or words, and the fields it looks in.

use serde::{Deserialize, Serialize};

use super::{MaskingPolicy, PiiField};

/// A field the search box looks in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub enum SearchField {
    Name,
    Number,
    /// The concern (German full text).
    Concern,
    /// The notes (German full text).
    Notes,
}

/// A search as the database runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchTerm {
    /// Digits typed the way people dial, matched anywhere in the stored E.164 number.
    /// `0301234` is read both nationally (`+49301234…`) and as typed.
    Number { fragments: Vec<String> },
    /// Words: a part of the caller's name, or German full-text words of the concern or a note.
    Text(String),
}

/// Fewer digits than this match too many numbers to be a useful search.
const MIN_DIGITS: usize = 3;

impl SearchTerm {
    /// Reads what was typed into the search box; `None` for nothing to search.
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        if input.is_empty() {
            return None;
        }
        let dialable = input
            .chars()
            .all(|c| c.is_ascii_digit() || " +/-().".contains(c));
        let digits: String = input.chars().filter(char::is_ascii_digit).collect();
        if !dialable || digits.len() < MIN_DIGITS {
            return Some(Self::Text(input.to_owned()));
        }
        let international = input.starts_with('+');
        let fragments = if let Some(rest) = digits.strip_prefix("00").filter(|_| !international) {
            vec![rest.to_owned()]
        } else if let Some(rest) = digits.strip_prefix('0').filter(|_| !international) {
            vec![format!("49{rest}"), digits.clone()]
        } else {
            vec![digits]
        };
        Some(Self::Number { fragments })
    }

    /// The fields this search looks in for a viewer with `policy`. A field masked for the
    /// viewer, even partly, is never searched: which calls match would tell its value.
    pub fn fields(&self, policy: &MaskingPolicy) -> Vec<SearchField> {
        let shown = |field: PiiField, search: SearchField| policy.shows(field).then_some(search);
        match self {
            Self::Number { .. } => shown(PiiField::CallerNumber, SearchField::Number)
                .into_iter()
                .collect(),
            Self::Text(_) => shown(PiiField::CallerName, SearchField::Name)
                .into_iter()
                .chain([SearchField::Concern, SearchField::Notes])
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fragments(input: &str) -> Vec<String> {
        match SearchTerm::parse(input) {
            Some(SearchTerm::Number { fragments }) => fragments,
            other => panic!("{input:?} should be a number search, was {other:?}"),
        }
    }

    #[test]
    fn digits_typed_in_any_notation_become_fragments_of_the_e164_number() {
        assert_eq!(fragments("1234567"), ["1234567"]);
        assert_eq!(fragments("0301234"), ["49301234", "0301234"]);
        assert_eq!(fragments("030 / 123-45"), ["493012345", "03012345"]);
        assert_eq!(fragments("+49 30 12"), ["493012"]);
        assert_eq!(fragments("0043 1 512"), ["431512"]);
    }

    #[test]
    fn a_masked_field_is_not_searched() {
        use crate::domain::MaskLevel;
        let number = SearchTerm::parse("030 12").expect("a number search");
        let name = SearchTerm::parse("Müller").expect("a text search");
        assert_eq!(number.fields(&MaskingPolicy::OPEN), [SearchField::Number]);
        assert_eq!(
            name.fields(&MaskingPolicy::OPEN),
            [SearchField::Name, SearchField::Concern, SearchField::Notes]
        );
        let masked = MaskingPolicy {
            caller_name: MaskLevel::Partial,
            caller_number: MaskLevel::Hidden,
            date_of_birth: MaskLevel::Hidden,
        };
        assert_eq!(number.fields(&masked), []);
        assert_eq!(
            name.fields(&masked),
            [SearchField::Concern, SearchField::Notes]
        );
    }

    #[test]
    fn names_words_and_short_digit_runs_are_text() {
        assert_eq!(
            SearchTerm::parse(" müller "),
            Some(SearchTerm::Text("müller".into()))
        );
        assert_eq!(
            SearchTerm::parse("Rezept 12"),
            Some(SearchTerm::Text("Rezept 12".into()))
        );
        assert_eq!(SearchTerm::parse("12"), Some(SearchTerm::Text("12".into())));
        assert_eq!(SearchTerm::parse("   "), None);
    }
}

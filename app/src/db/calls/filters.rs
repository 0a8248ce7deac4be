//! The `where` conditions of a list or count: status, time, assignee, restriction, folding,
//! and the search in the fields the viewer may search.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder};

use super::{Reader, Restricted};
use crate::{
    domain::{CallQuery, SearchField, SearchTerm},
    repeat::store::Folding,
};

/// The calls agents do not see: restricted ones, and those of sources the active source policy
/// does not allow them to look up (`policy_sources`, kept by `compliance::store::publish`).
pub(super) const HIDDEN_FROM_AGENTS: &str = " and c.restricted_at is null and c.source in (select source from policy_sources where agents_see)";

/// The `where` conditions of one request: its query, with the search narrowed to the fields
/// the viewer may search.
pub(super) struct Filters<'a> {
    query: &'a CallQuery,
    search: Option<(SearchTerm, Vec<SearchField>)>,
    restricted: Restricted,
    folding: Folding,
    now: DateTime<Utc>,
}

impl<'a> Filters<'a> {
    pub(super) fn new(query: &'a CallQuery, reader: Reader<'_>, now: DateTime<Utc>) -> Self {
        let search = query
            .search
            .as_deref()
            .and_then(SearchTerm::parse)
            .map(|term| {
                let fields = term.fields(reader.policy);
                (term, fields)
            });
        Self {
            query,
            search,
            restricted: reader.restricted,
            folding: reader.folding,
            now,
        }
    }

    pub(super) fn searched(&self) -> Vec<SearchField> {
        self.search
            .as_ref()
            .map(|(_, fields)| fields.clone())
            .unwrap_or_default()
    }

    pub(super) fn push(&self, sql: &mut QueryBuilder<'_, Postgres>) {
        let query = self.query;
        if self.restricted == Restricted::Hidden {
            sql.push(HIDDEN_FROM_AGENTS);
        }
        if self.folding == Folding::Runs {
            sql.push(" and c.folded_into is null");
        }
        if !query.statuses.is_empty() {
            let statuses: Vec<&str> = query.statuses.iter().map(|s| s.as_str()).collect();
            sql.push(" and c.status = any(")
                .push_bind(statuses)
                .push("::text[]::call_state[])");
        }
        if let Some((start, end)) = query.range.map(|range| range.bounds(self.now)) {
            if let Some(start) = start {
                sql.push(" and c.received_at >= ").push_bind(start);
            }
            if let Some(end) = end {
                sql.push(" and c.received_at < ").push_bind(end);
            }
        }
        if let Some(assignee) = query.assignee {
            sql.push(" and c.assignee_id = ").push_bind(assignee);
        }
        if let Some((term, fields)) = &self.search {
            push_search(sql, term, fields);
        }
    }
}

/// `and (…)`: the term in any of `fields`; with no field, nothing matches.
fn push_search(sql: &mut QueryBuilder<'_, Postgres>, term: &SearchTerm, fields: &[SearchField]) {
    sql.push(" and (false");
    for field in fields {
        match (term, field) {
            (SearchTerm::Number { fragments }, SearchField::Number) => {
                sql.push(" or (");
                if fragments.iter().all(|f| f.len() >= GRAMS_FROM_DIGITS) {
                    // Finds the candidates in the grams' index; the `like` below decides.
                    sql.push("(false");
                    for fragment in fragments {
                        sql.push(" or number_grams(c.caller_number) @> ")
                            .push_bind(grams(fragment));
                    }
                    sql.push(") and ");
                }
                sql.push("(false");
                for fragment in fragments {
                    sql.push(" or c.caller_number like ")
                        .push_bind(format!("%{fragment}%"));
                }
                sql.push("))");
            }
            (SearchTerm::Text(text), SearchField::Name) => {
                sql.push(" or c.caller_name ilike ")
                    .push_bind(format!("%{}%", escape_like(text)));
            }
            (SearchTerm::Text(text), SearchField::Concern) => {
                sql.push(" or c.topic_tsv @@ websearch_to_tsquery('german', ")
                    .push_bind(text.clone())
                    .push(")");
            }
            (SearchTerm::Text(text), SearchField::Notes) => {
                sql.push(" or c.notes_tsv @@ websearch_to_tsquery('german', ")
                    .push_bind(text.clone())
                    .push(")");
            }
            _ => {}
        }
    }
    sql.push(")");
}

/// The length of the pieces of a number in the index `calls_caller_number_grams_idx`, as its
/// SQL function `number_grams` cuts them.
const GRAM: usize = 5;

/// Digit fragments at least this long are found through the grams' index, shorter ones
/// through the trigram index: two pieces of five digits can both be in most numbers (the
/// country and a mobile prefix), three rarely are.
const GRAMS_FROM_DIGITS: usize = 7;

/// The pieces of [`GRAM`] digits of a typed fragment: every number containing the fragment
/// contains them all.
fn grams(fragment: &str) -> Vec<String> {
    fragment
        .as_bytes()
        .windows(GRAM)
        .map(|piece| String::from_utf8_lossy(piece).into_owned())
        .collect()
}

/// Makes `%`, `_` and `\` in typed text match themselves in a LIKE pattern.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::{escape_like, grams};

    #[test]
    fn like_metacharacters_in_typed_text_match_literally() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
    }

    #[test]
    fn a_fragment_is_cut_into_every_run_of_five_digits() {
        assert_eq!(grams("4930123"), ["49301", "93012", "30123"]);
        assert!(grams("4930").is_empty());
    }
}

//! Which rule, if any, sets a call's priority: a pure function of the enabled rules, the
//! priority the event states, the caller's number and the concern.

use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

use super::{PriorityRule, RuleKind};
use crate::domain::Priority;

/// The most a pattern may compile to: enough for any sensible list of words, too little to
/// slow down the import.
const PATTERN_SIZE_LIMIT: usize = 64 * 1024;

/// The enabled rules, ready to match.
#[derive(Clone, Debug, Default)]
pub struct PriorityRules {
    vip: HashMap<String, (i64, Priority)>,
    words: Vec<(i64, Priority, String)>,
    patterns: Vec<(i64, Priority, Regex)>,
}

/// A call's priority and the rule that set it (`None`: the event's own, or normal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub priority: Priority,
    pub rule: Option<i64>,
}

impl PriorityRules {
    /// The enabled ones of `rules`; a pattern that no longer compiles (it did when saved) is
    /// left out.
    pub fn new(rules: impl IntoIterator<Item = PriorityRule>) -> Self {
        let mut compiled = Self::default();
        for rule in rules.into_iter().filter(|rule| rule.enabled) {
            match rule.kind {
                RuleKind::VipNumber => {
                    compiled.vip.insert(rule.value, (rule.id, rule.priority));
                }
                RuleKind::Keyword => {
                    compiled
                        .words
                        .push((rule.id, rule.priority, fold(&rule.value)));
                }
                RuleKind::Pattern => match pattern(&rule.value) {
                    Ok(regex) => compiled.patterns.push((rule.id, rule.priority, regex)),
                    Err(error) => {
                        tracing::warn!(rule = rule.id, %error, "a pattern rule is skipped")
                    }
                },
            }
        }
        compiled
    }

    /// The priority of a call: the highest of the matching rules (the earliest of equals) where
    /// the event states none or a lower one, else the event's own (normal if it states none).
    pub fn decide(
        &self,
        stated: Option<Priority>,
        number: Option<&str>,
        concern: Option<&str>,
    ) -> Decision {
        let mut best: Option<(i64, Priority)> =
            number.and_then(|number| self.vip.get(number).copied());
        let mut consider = |id: i64, priority: Priority| {
            if best.is_none_or(|(_, found)| priority > found) {
                best = Some((id, priority));
            }
        };
        if let Some(concern) = concern {
            let folded = fold(concern);
            for (id, priority, word) in &self.words {
                if starts_a_word(&folded, word) {
                    consider(*id, *priority);
                }
            }
            for (id, priority, regex) in &self.patterns {
                if regex.is_match(concern) {
                    consider(*id, *priority);
                }
            }
        }
        match (best, stated) {
            (Some((id, priority)), None) => Decision {
                priority,
                rule: Some(id),
            },
            // At the event's own priority the rule is named too: a red flag stays one when the
            // phone assistant already said „dringend“.
            (Some((id, priority)), Some(own)) if priority >= own => Decision {
                priority,
                rule: Some(id),
            },
            (_, own) => Decision {
                priority: own.unwrap_or_default(),
                rule: None,
            },
        }
    }
}

/// Compiles a pattern rule: in any case, within [`PATTERN_SIZE_LIMIT`].
pub fn pattern(value: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(value)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .build()
}

/// Lower case with umlauts and ß spelled out plainly (ä → a, ß → ss), so that „Lähmung“,
/// „LÄHMUNGEN“ and „Lahmung“ meet, as do „Notfall“ and „Notfälle“; runs of spaces become one.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' => folded.push('a'),
            'ö' => folded.push('o'),
            'ü' => folded.push('u'),
            'ß' => folded.push_str("ss"),
            c if c.is_whitespace() => {
                if !folded.ends_with(' ') {
                    folded.push(' ');
                }
            }
            c => folded.push(c),
        }
    }
    folded
}

/// Whether `word` occurs in `text` (both folded) where a word of `text` begins: „brustschmerz“
/// in „starke brustschmerzen“ (it may go on: inflections, compounds it begins), not in
/// „zahnbrustschmerz“.
fn starts_a_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|before| !before.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, kind: RuleKind, value: &str, priority: Priority) -> PriorityRule {
        PriorityRule {
            id,
            kind,
            value: value.to_owned(),
            label: value.to_owned(),
            priority,
            enabled: true,
        }
    }

    fn rules() -> PriorityRules {
        PriorityRules::new([
            rule(1, RuleKind::Keyword, "Brustschmerz", Priority::Urgent),
            rule(2, RuleKind::Keyword, "Lähmung", Priority::Urgent),
            rule(3, RuleKind::Keyword, "keine Luft", Priority::Urgent),
            rule(4, RuleKind::Keyword, "Rezept", Priority::Low),
            rule(5, RuleKind::VipNumber, "+49301234567", Priority::High),
            rule(6, RuleKind::Pattern, r"fieber.*\b(39|40)", Priority::High),
            PriorityRule {
                enabled: false,
                ..rule(7, RuleKind::Keyword, "Termin", Priority::Urgent)
            },
        ])
    }

    fn decide(stated: Option<Priority>, number: Option<&str>, concern: &str) -> Decision {
        rules().decide(stated, number, Some(concern))
    }

    #[test]
    fn words_match_in_any_case_with_umlauts_and_inflections() {
        for concern in [
            "Starke Brustschmerzen seit heute früh",
            "BRUSTSCHMERZ",
            "Seit gestern Lähmungen im Arm",
            "laehmung? nein: Lahmung links",
            "Bekommt   keine\tLuft mehr",
        ] {
            let decision = decide(None, None, concern);
            assert_eq!(decision.priority, Priority::Urgent, "{concern}");
            assert!(decision.rule.is_some(), "{concern}");
        }
    }

    #[test]
    fn a_word_must_begin_a_word_of_the_concern() {
        assert_eq!(
            decide(None, None, "Folgerezept Metformin"),
            Decision {
                priority: Priority::Normal,
                rule: None,
            }
        );
        assert_eq!(
            decide(None, None, "Zahnbrustschmerz"),
            Decision {
                priority: Priority::Normal,
                rule: None,
            }
        );
    }

    #[test]
    fn a_vip_number_beats_the_events_lower_priority_but_not_a_higher_one() {
        let vip = Some("+49301234567");
        assert_eq!(
            decide(Some(Priority::Normal), vip, "Rückruf"),
            Decision {
                priority: Priority::High,
                rule: Some(5)
            }
        );
        assert_eq!(
            decide(Some(Priority::Urgent), vip, "Rückruf"),
            Decision {
                priority: Priority::Urgent,
                rule: None
            }
        );
        assert_eq!(
            decide(None, Some("+49307654321"), "Rückruf").rule,
            None,
            "another number"
        );
    }

    #[test]
    fn a_rule_at_the_events_own_priority_is_named_as_the_reason() {
        assert_eq!(
            decide(
                Some(Priority::Urgent),
                None,
                "Starke Brustschmerzen seit heute früh"
            ),
            Decision {
                priority: Priority::Urgent,
                rule: Some(1)
            }
        );
    }

    #[test]
    fn a_lower_rule_applies_only_where_the_event_states_no_priority() {
        assert_eq!(
            decide(None, None, "Rezept für Ramipril"),
            Decision {
                priority: Priority::Low,
                rule: Some(4)
            }
        );
        assert_eq!(
            decide(Some(Priority::Normal), None, "Rezept für Ramipril"),
            Decision {
                priority: Priority::Normal,
                rule: None
            }
        );
    }

    #[test]
    fn the_highest_matching_rule_wins_and_disabled_ones_never_match() {
        let decision = decide(None, Some("+49301234567"), "Rezept, dazu Brustschmerzen");
        assert_eq!(
            decision,
            Decision {
                priority: Priority::Urgent,
                rule: Some(1)
            }
        );
        assert_eq!(decide(None, None, "Termin am Montag").rule, None);
        assert_eq!(
            decide(None, None, "Fieber seit Tagen, heute 39,5").rule,
            Some(6),
            "the pattern, in any case"
        );
    }

    #[test]
    fn patterns_that_do_not_compile_are_refused_with_the_reason() {
        let error = pattern("(Brust").expect_err("unclosed group");
        assert!(error.to_string().contains("unclosed group"), "{error}");
        assert!(pattern(&"a{1000}{1000}".repeat(3)).is_err(), "too large");
    }
}

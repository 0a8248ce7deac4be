//! The auditor checklist of seed 003 §7 on the active policy, and the compliance score: the
//! share of its items met. The overview shows each item's state, so a missing one is named.

use serde::{Deserialize, Serialize};

use super::version::PolicyVersion;

/// One item of the checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// Every active source names its legal basis.
    SourcesDocumented,
    /// The matrix shows training as forbidden (always: it cannot be allowed).
    TrainingForbidden,
    /// At least one PII rule is active (and the tester tries them).
    PiiRulesActive,
    /// The active version was approved by a second person (or installed by the system).
    FourEyes,
    /// Policy changes are in the audit trail (always: every change writes its row).
    ChangesAudited,
    /// The compliance report can be produced as JSON and PDF (always: `compliance::report`).
    Report,
}

impl Item {
    pub const ALL: [Self; 6] = [
        Self::SourcesDocumented,
        Self::TrainingForbidden,
        Self::PiiRulesActive,
        Self::FourEyes,
        Self::ChangesAudited,
        Self::Report,
    ];
}

/// Each item with whether the active version meets it.
pub fn checklist(active: &PolicyVersion) -> Vec<(Item, bool)> {
    let document = &active.document;
    Item::ALL
        .into_iter()
        .map(|item| {
            let met = match item {
                Item::SourcesDocumented => document
                    .sources
                    .iter()
                    .filter(|source| source.active)
                    .all(|source| !source.legal_basis.trim().is_empty()),
                Item::TrainingForbidden | Item::ChangesAudited | Item::Report => true,
                Item::PiiRulesActive => document.pii_rules.iter().any(|rule| rule.active),
                Item::FourEyes => !active.self_approved,
            };
            (item, met)
        })
        .collect()
}

/// The share of items met, in whole percent.
pub fn score(items: &[(Item, bool)]) -> u8 {
    let met = items.iter().filter(|(_, met)| *met).count();
    u8::try_from(met * 100 / items.len().max(1)).unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::compliance::{policy::PolicyDocument, version::VersionState};

    fn version(document: PolicyDocument, self_approved: bool) -> PolicyVersion {
        PolicyVersion {
            version: 2,
            state: VersionState::Approved,
            active: true,
            based_on: Some(1),
            author_id: Some(1),
            author: Some("a".to_owned()),
            last_editor_id: Some(1),
            last_editor: Some("a".to_owned()),
            decided_by: Some("b".to_owned()),
            self_approved,
            content_hash: None,
            decision_note: String::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            decided_at: Some(Utc::now()),
            document,
        }
    }

    #[test]
    fn the_score_names_what_is_missing() {
        let items = checklist(&version(PolicyDocument::initial(), false));
        assert_eq!(score(&items), 100);

        let mut undocumented = PolicyDocument::initial();
        undocumented.sources[0].legal_basis = " ".to_owned();
        undocumented
            .pii_rules
            .iter_mut()
            .for_each(|rule| rule.active = false);
        let items = checklist(&version(undocumented, true));
        let missing: Vec<Item> = items
            .iter()
            .filter(|(_, met)| !met)
            .map(|(item, _)| *item)
            .collect();
        assert_eq!(
            missing,
            [
                Item::SourcesDocumented,
                Item::PiiRulesActive,
                Item::FourEyes
            ]
        );
        assert_eq!(score(&items), 50);
    }
}

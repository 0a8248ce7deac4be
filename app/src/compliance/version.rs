//! A stored version of the source policy as people see it, and what changed against the one
//! before.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::policy::PolicyDocument;

/// Where a version stands. Only the draft changes; approved and rejected versions are final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Draft,
    Approved,
    Rejected,
}

impl VersionState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Draft, Self::Approved, Self::Rejected]
            .into_iter()
            .find(|state| state.code() == code)
    }
}

/// One version of the source policy with who did what when; `None` as a person is the system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct PolicyVersion {
    pub version: i32,
    pub state: VersionState,
    /// The approved version in force: the newest approved one.
    pub active: bool,
    pub based_on: Option<i32>,
    pub author_id: Option<i64>,
    pub author: Option<String>,
    pub last_editor_id: Option<i64>,
    pub last_editor: Option<String>,
    /// Who approved or rejected it.
    pub decided_by: Option<String>,
    /// The only admin approved their own draft, as the practice allowed.
    pub self_approved: bool,
    /// SHA-256 of the approved content, in hex.
    pub content_hash: Option<String>,
    pub decision_note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub document: PolicyDocument,
}

/// One difference between two versions, named for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    SourceAdded { id: String },
    SourceRemoved { id: String },
    SourceChanged { id: String },
    RuleAdded { name: String },
    RuleRemoved { name: String },
    RuleChanged { name: String },
    RetentionChanged { from: u16, to: u16 },
}

/// What `new` changes against `old`, sources first, then rules, then the retention period.
pub fn diff(old: &PolicyDocument, new: &PolicyDocument) -> Vec<Change> {
    let mut changes = Vec::new();
    for source in &new.sources {
        match old.source(&source.id) {
            None => changes.push(Change::SourceAdded {
                id: source.id.clone(),
            }),
            Some(before) if before != source => changes.push(Change::SourceChanged {
                id: source.id.clone(),
            }),
            Some(_) => {}
        }
    }
    for source in &old.sources {
        if new.source(&source.id).is_none() {
            changes.push(Change::SourceRemoved {
                id: source.id.clone(),
            });
        }
    }
    let rule = |doc: &PolicyDocument, name: &str| {
        doc.pii_rules.iter().find(|rule| rule.name == name).cloned()
    };
    for new_rule in &new.pii_rules {
        match rule(old, &new_rule.name) {
            None => changes.push(Change::RuleAdded {
                name: new_rule.name.clone(),
            }),
            Some(before) if &before != new_rule => changes.push(Change::RuleChanged {
                name: new_rule.name.clone(),
            }),
            Some(_) => {}
        }
    }
    for old_rule in &old.pii_rules {
        if rule(new, &old_rule.name).is_none() {
            changes.push(Change::RuleRemoved {
                name: old_rule.name.clone(),
            });
        }
    }
    if old.retention_days != new.retention_days {
        changes.push(Change::RetentionChanged {
            from: old.retention_days,
            to: new.retention_days,
        });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_names_added_changed_and_removed_parts() {
        let old = PolicyDocument::initial();
        let mut new = old.clone();
        new.sources[0].operations.llm.allowed = true;
        new.sources.push(super::super::policy::Source {
            id: "webform".to_owned(),
            ..new.sources[0].clone()
        });
        new.pii_rules.remove(0);
        new.retention_days = 14;
        assert_eq!(
            diff(&old, &new),
            vec![
                Change::SourceChanged {
                    id: "phone".to_owned()
                },
                Change::SourceAdded {
                    id: "webform".to_owned()
                },
                Change::RuleRemoved {
                    name: "E-Mail-Adresse".to_owned()
                },
                Change::RetentionChanged { from: 30, to: 14 },
            ]
        );
        assert!(diff(&old, &old).is_empty());
    }
}

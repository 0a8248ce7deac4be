//! The one place that turns stored calls into what a viewer may see. Everything that carries a
//! caller's personal data out of the server is built here, from a [`MaskingPolicy`].

use chrono::NaiveDate;
use serde_json::Value;

use super::{MASK, MaskLevel, MaskedValue, MaskingPolicy, PiiField, Shown};
use crate::domain::{
    AuditEntry, BulkOutcome, CallDetail, CallListItem, CallPage, FieldWarning, PhoneNumber,
    StoredAuditEntry, StoredCall, StoredDetail,
};
use crate::rules::{PriorityReason, RuleKind};

/// Keys of a raw event that never hold personal data; a viewer who has any field masked sees
/// the values of these keys (and of the personal fields shown to them in full) only.
const RAW_KEYS_WITHOUT_PII: [&str; 5] = ["received_at", "topic", "priority", "source", "schema"];

/// Keys of audit diffs that never hold personal data, as `service`, `masking` and the importer
/// write them.
const DIFF_KEYS_WITHOUT_PII: [&str; 11] = [
    "status",
    "assignee_id",
    "note_id",
    "field",
    "reveal_id",
    "received_at",
    "topic",
    "priority",
    "source",
    "erased",
    "per_hour",
];

/// Data as stored, which becomes what one viewer may see.
pub trait Mask {
    /// The viewer's form: built of [`Shown`] parts where personal data may be.
    type Shown;

    /// What a viewer with `policy` may see of `self`.
    fn show(self, policy: &MaskingPolicy) -> Self::Shown;
}

impl Mask for StoredCall {
    type Shown = CallListItem;

    fn show(self, policy: &MaskingPolicy) -> CallListItem {
        let mut masked = Vec::new();
        let caller_name = field(
            policy,
            PiiField::CallerName,
            self.caller_name,
            |name| name_hint(name),
            &mut masked,
        );
        let caller_number = field(
            policy,
            PiiField::CallerNumber,
            self.caller_number,
            number_hint,
            &mut masked,
        );
        let date_of_birth = field(
            policy,
            PiiField::DateOfBirth,
            self.date_of_birth,
            |date| date_hint(*date),
            &mut masked,
        );
        CallListItem {
            id: self.id,
            received_at: self.received_at,
            caller_name,
            caller_number,
            topic: self.topic,
            date_of_birth,
            source: self.source,
            source_name: self.source_name,
            priority: self.priority,
            status: self.status,
            assignee_id: self.assignee_id,
            assignee_name: self.assignee_name,
            updated_at: self.updated_at,
            version: self.version,
            restricted: self.restricted,
            category: self.category,
            suggestion: self.suggestion,
            red_flag: self.red_flag,
            escalated: self.escalated,
            repeats: self.repeats,
            masked,
        }
    }
}

/// `value` if the policy shows `field` in full; otherwise nothing, with a note in `masked`
/// (and the hint, when partly shown).
fn field<T>(
    policy: &MaskingPolicy,
    field: PiiField,
    value: Option<T>,
    hint: impl Fn(&T) -> String,
    masked: &mut Vec<MaskedValue>,
) -> Shown<Option<T>> {
    let level = policy.level(field);
    if level == MaskLevel::Visible {
        return Shown(value);
    }
    if let Some(value) = value {
        let hint = (level == MaskLevel::Partial).then(|| hint(&value));
        masked.push(MaskedValue { field, hint });
    }
    Shown(None)
}

impl Mask for StoredDetail {
    type Shown = CallDetail;

    fn show(self, policy: &MaskingPolicy) -> CallDetail {
        let open = policy.is_open();
        // A VIP number's label could name the caller whose number the viewer may not see.
        let number_shown = policy.level(PiiField::CallerNumber) == MaskLevel::Visible;
        let priority_rule = self.priority_rule.map(|(kind, label)| PriorityReason {
            kind,
            label: (kind != RuleKind::VipNumber || number_shown).then_some(label),
        });
        let warnings = self
            .warnings
            .into_iter()
            .map(|warning| warning_shown(policy, warning))
            .collect();
        CallDetail {
            call: self.call.show(policy),
            event_id: Shown(open.then_some(self.event_id)),
            imported_at: self.imported_at,
            warnings: Shown(warnings),
            status_history: self.status_history,
            notes: self.notes,
            audit: self.audit.show(policy),
            raw_payload: Shown(if open {
                self.raw_payload
            } else {
                json_text_shown(policy, &self.raw_payload, &RAW_KEYS_WITHOUT_PII, true)
            }),
            priority_rule,
            restriction: self.restriction,
            repeats: self.repeats,
        }
    }
}

impl Mask for StoredAuditEntry {
    type Shown = AuditEntry;

    fn show(self, policy: &MaskingPolicy) -> AuditEntry {
        AuditEntry {
            action: self.action,
            actor_kind: self.actor_kind,
            actor_name: self.actor_name,
            occurred_at: self.occurred_at,
            diff: Shown(if policy.is_open() {
                self.diff
            } else {
                json_text_shown(policy, &self.diff, &DIFF_KEYS_WITHOUT_PII, false)
            }),
        }
    }
}

/// A warning about a masked field keeps its code but not its detail, which quotes the value.
fn warning_shown(policy: &MaskingPolicy, warning: FieldWarning) -> FieldWarning {
    let masked = warning
        .field
        .parse::<PiiField>()
        .is_ok_and(|field| !policy.shows(field));
    if masked {
        FieldWarning {
            detail: MASK.to_owned(),
            ..warning
        }
    } else {
        warning
    }
}

impl<C: Mask> Mask for CallPage<C> {
    type Shown = CallPage<C::Shown>;

    fn show(self, policy: &MaskingPolicy) -> Self::Shown {
        CallPage {
            items: self.items.show(policy),
            total: self.total,
            previous: self.previous,
            next: self.next,
            searched: self.searched,
        }
    }
}

impl<C: Mask> Mask for crate::rules::DeskAlerts<C> {
    type Shown = crate::rules::DeskAlerts<C::Shown>;

    fn show(self, policy: &MaskingPolicy) -> Self::Shown {
        crate::rules::DeskAlerts {
            pinned: self.pinned.show(policy),
            escalated: self.escalated,
            after_minutes: self.after_minutes,
        }
    }
}

/// Closing a run of repeat calls answers only ids, versions and statuses.
impl Mask for crate::repeat::RepeatsClosed {
    type Shown = Self;

    fn show(self, _policy: &MaskingPolicy) -> Self {
        self
    }
}

impl<C: Mask> Mask for BulkOutcome<C> {
    type Shown = BulkOutcome<C::Shown>;

    fn show(self, policy: &MaskingPolicy) -> Self::Shown {
        BulkOutcome {
            changed: self.changed.show(policy),
            unchanged: self.unchanged,
            conflicts: self.conflicts.show(policy),
            missing: self.missing,
        }
    }
}

impl Mask for crate::service::ChangeError {
    type Shown = crate::AppError;

    fn show(self, policy: &MaskingPolicy) -> crate::AppError {
        match self {
            Self::Conflict(current) => crate::AppError::Conflict(Box::new(current.show(policy))),
            Self::Action(error) => error.into(),
        }
    }
}

impl<T: Mask> Mask for Vec<T> {
    type Shown = Vec<T::Shown>;

    fn show(self, policy: &MaskingPolicy) -> Self::Shown {
        self.into_iter().map(|item| item.show(policy)).collect()
    }
}

impl<T: Mask> Mask for Option<T> {
    type Shown = Option<T::Shown>;

    fn show(self, policy: &MaskingPolicy) -> Self::Shown {
        self.map(|value| value.show(policy))
    }
}

impl<T: Mask, E: Mask> Mask for Result<T, E> {
    type Shown = Result<T::Shown, E::Shown>;

    fn show(self, policy: &MaskingPolicy) -> Self::Shown {
        match self {
            Ok(value) => Ok(value.show(policy)),
            Err(error) => Err(error.show(policy)),
        }
    }
}

/// JSON text with the values of every key outside `allowed` (and the fields the policy shows in
/// full) replaced by [`MASK`], at any depth below such a key; text that is not a JSON object is
/// masked whole.
fn json_text_shown(policy: &MaskingPolicy, text: &str, allowed: &[&str], pretty: bool) -> String {
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) else {
        return MASK.to_owned();
    };
    for (key, value) in map.iter_mut() {
        let shown = allowed.contains(&key.as_str())
            || key
                .parse::<PiiField>()
                .is_ok_and(|field| policy.shows(field));
        if !shown {
            *value = mask_leaves(value);
        }
    }
    let map = Value::Object(map);
    let encoded = if pretty {
        serde_json::to_string_pretty(&map)
    } else {
        serde_json::to_string(&map)
    };
    encoded.unwrap_or_else(|_| MASK.to_owned())
}

/// Keeps the shape (`{"old": …, "new": …}`) of a masked value, masking its leaves; `null`
/// stays `null` (nothing there to hide).
fn mask_leaves(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, inner)| (key.clone(), mask_leaves(inner)))
                .collect(),
        ),
        _ => Value::String(MASK.to_owned()),
    }
}

fn name_hint(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|part| part.chars().next())
        .map(|initial| format!("{initial}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The number as dialled, with all digits but those of the first group and the last two
/// replaced: `030 •••••67`.
fn number_hint(number: &PhoneNumber) -> String {
    let display = number.display();
    let digits = display.chars().filter(char::is_ascii_digit).count();
    let first_group = display.find(' ').unwrap_or(0);
    let mut seen = 0;
    display
        .char_indices()
        .map(|(index, c)| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if index < first_group || seen + 2 > digits {
                c
            } else {
                '•'
            }
        })
        .collect()
}

fn date_hint(date: NaiveDate) -> String {
    date.format("%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent_policy() -> MaskingPolicy {
        MaskingPolicy {
            caller_name: MaskLevel::Visible,
            caller_number: MaskLevel::Partial,
            date_of_birth: MaskLevel::Hidden,
        }
    }

    #[test]
    fn a_raw_event_keeps_only_the_values_of_keys_known_to_hold_no_personal_data() {
        let raw = r#"{"received_at":"2026-11-20T08:00:00Z","caller_name":"Max Muster",
            "caller_number":"030 1234567","date_of_birth":"1984-02-03","topic":"Rezept",
            "insurance_id":"A123456789","address":{"street":"Hauptstr. 1"},"email":null}"#;
        let shown = json_text_shown(&agent_policy(), raw, &RAW_KEYS_WITHOUT_PII, true);
        let shown: Value = serde_json::from_str(&shown).expect("JSON");
        assert_eq!(shown["received_at"], "2026-11-20T08:00:00Z");
        assert_eq!(shown["topic"], "Rezept");
        assert_eq!(
            shown["caller_name"], "Max Muster",
            "the name is visible to agents"
        );
        assert_eq!(shown["caller_number"], MASK);
        assert_eq!(shown["date_of_birth"], MASK);
        assert_eq!(shown["insurance_id"], MASK, "an unknown key is masked");
        assert_eq!(shown["address"]["street"], MASK);
        assert_eq!(shown["email"], Value::Null);
    }

    #[test]
    fn a_payload_that_is_not_an_object_is_masked_whole() {
        for raw in ["[\"1984-02-03\"]", "not json", "\"Max\""] {
            assert_eq!(
                json_text_shown(&agent_policy(), raw, &RAW_KEYS_WITHOUT_PII, true),
                MASK
            );
        }
    }

    #[test]
    fn a_warning_about_a_masked_field_loses_the_quoted_value() {
        let warning = FieldWarning {
            code: "invalid_date_of_birth".to_owned(),
            field: "date_of_birth".to_owned(),
            detail: r#"date of birth "31.02.1984" is neither YYYY-MM-DD nor DD.MM.YYYY"#.to_owned(),
        };
        let shown = warning_shown(&agent_policy(), warning.clone());
        assert_eq!(shown.code, "invalid_date_of_birth");
        assert_eq!(shown.detail, MASK);
        assert_eq!(
            warning_shown(&MaskingPolicy::OPEN, warning.clone()),
            warning
        );
    }
}

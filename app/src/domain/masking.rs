//! What agents see of a caller's personal data: admins choose per field whether it is visible,
//! partly shown or hidden. Masking happens on the server before data leaves it; a masked field
//! arrives empty, with a [`MaskedValue`] saying it was masked and, when partly shown, the hint.

use std::{fmt, str::FromStr};

#[cfg(feature = "backend")]
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
#[cfg(feature = "backend")]
use serde_json::Value;

use super::ParseEnumError;
#[cfg(feature = "backend")]
use super::{BulkOutcome, CallDetail, CallListItem, CallPage, PhoneNumber};

/// A field of a call that holds personal data and can be masked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub enum PiiField {
    CallerName,
    CallerNumber,
    DateOfBirth,
}

impl PiiField {
    pub const ALL: [Self; 3] = [Self::CallerName, Self::CallerNumber, Self::DateOfBirth];

    /// The machine name: the column, the key in the raw payload and in audit diffs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CallerName => "caller_name",
            Self::CallerNumber => "caller_number",
            Self::DateOfBirth => "date_of_birth",
        }
    }
}

impl fmt::Display for PiiField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PiiField {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|field| field.as_str() == s)
            .ok_or_else(|| ParseEnumError {
                kind: "field",
                value: s.to_owned(),
            })
    }
}

/// How much of a field agents see.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskLevel {
    #[default]
    Visible,
    /// Enough to tell callers apart: initials, the number's start and last two digits, the
    /// year of birth.
    Partial,
    Hidden,
}

impl MaskLevel {
    pub const ALL: [Self; 3] = [Self::Visible, Self::Partial, Self::Hidden];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visible => "visible",
            Self::Partial => "partial",
            Self::Hidden => "hidden",
        }
    }
}

impl FromStr for MaskLevel {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str() == s)
            .ok_or_else(|| ParseEnumError {
                kind: "mask level",
                value: s.to_owned(),
            })
    }
}

/// A field the server masked, with what may be shown of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct MaskedValue {
    pub field: PiiField,
    /// The partly shown value (`M. M.`, `030 •••••67`, `1984`); `None` when hidden.
    pub hint: Option<String>,
}

/// The level of each field, as admins set it for agents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskingPolicy {
    pub caller_name: MaskLevel,
    pub caller_number: MaskLevel,
    pub date_of_birth: MaskLevel,
}

/// What stands in for a masked value in raw payloads and audit diffs.
pub const MASK: &str = "•••";

impl Default for MaskingPolicy {
    /// The date of birth hidden, name and number visible.
    fn default() -> Self {
        Self {
            caller_name: MaskLevel::Visible,
            caller_number: MaskLevel::Visible,
            date_of_birth: MaskLevel::Hidden,
        }
    }
}

impl MaskingPolicy {
    /// Everything visible: what admins see.
    pub const OPEN: Self = Self {
        caller_name: MaskLevel::Visible,
        caller_number: MaskLevel::Visible,
        date_of_birth: MaskLevel::Visible,
    };

    pub fn level(&self, field: PiiField) -> MaskLevel {
        match field {
            PiiField::CallerName => self.caller_name,
            PiiField::CallerNumber => self.caller_number,
            PiiField::DateOfBirth => self.date_of_birth,
        }
    }

    pub fn set(&mut self, field: PiiField, level: MaskLevel) {
        match field {
            PiiField::CallerName => self.caller_name = level,
            PiiField::CallerNumber => self.caller_number = level,
            PiiField::DateOfBirth => self.date_of_birth = level,
        }
    }

    #[cfg(feature = "backend")]
    fn masked_fields(&self) -> impl Iterator<Item = PiiField> + '_ {
        PiiField::ALL
            .into_iter()
            .filter(|field| self.level(*field) != MaskLevel::Visible)
    }

    #[cfg(feature = "backend")]
    /// Replaces the masked fields' values in a JSON object (raw payload, audit diff) by
    /// [`MASK`], at any depth.
    pub fn mask_json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if self.masked_fields().any(|field| field.as_str() == key) {
                        *inner = mask_leaves(inner);
                    } else {
                        self.mask_json(inner);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.mask_json(item)),
            _ => {}
        }
    }

    #[cfg(feature = "backend")]
    /// [`Self::mask_json`] on JSON text; text that is not JSON is masked whole.
    fn mask_json_text(&self, text: &mut String, pretty: bool) {
        let Ok(mut value) = serde_json::from_str::<Value>(text) else {
            *text = MASK.to_owned();
            return;
        };
        self.mask_json(&mut value);
        let encoded = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        };
        *text = encoded.unwrap_or_else(|_| MASK.to_owned());
    }
}

#[cfg(feature = "backend")]
/// Keeps the shape (`{"old": …, "new": …}`) of a masked value in a diff, masking its leaves.
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

#[cfg(feature = "backend")]
fn name_hint(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|part| part.chars().next())
        .map(|initial| format!("{initial}."))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(feature = "backend")]
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

#[cfg(feature = "backend")]
fn date_hint(date: NaiveDate) -> String {
    date.format("%Y").to_string()
}

#[cfg(feature = "backend")]
/// Data that may carry a caller's personal data out of the server.
pub trait Mask {
    /// Masks what `policy` hides.
    fn mask(&mut self, policy: &MaskingPolicy);

    /// `self`, masked.
    fn masked(mut self, policy: &MaskingPolicy) -> Self
    where
        Self: Sized,
    {
        self.mask(policy);
        self
    }
}

#[cfg(feature = "backend")]
impl Mask for CallListItem {
    fn mask(&mut self, policy: &MaskingPolicy) {
        fn take<T>(
            value: &mut Option<T>,
            level: MaskLevel,
            field: PiiField,
            hint: impl Fn(&T) -> String,
            masked: &mut Vec<MaskedValue>,
        ) {
            if level == MaskLevel::Visible {
                return;
            }
            if let Some(value) = value.take() {
                let hint = (level == MaskLevel::Partial).then(|| hint(&value));
                masked.push(MaskedValue { field, hint });
            }
        }
        let mut masked = std::mem::take(&mut self.masked);
        let name_level = policy.caller_name;
        take(
            &mut self.caller_name,
            name_level,
            PiiField::CallerName,
            |name| name_hint(name),
            &mut masked,
        );
        take(
            &mut self.caller_number,
            policy.caller_number,
            PiiField::CallerNumber,
            number_hint,
            &mut masked,
        );
        take(
            &mut self.date_of_birth,
            policy.date_of_birth,
            PiiField::DateOfBirth,
            |date| date_hint(*date),
            &mut masked,
        );
        self.masked = masked;
    }
}

#[cfg(feature = "backend")]
impl Mask for CallPage {
    fn mask(&mut self, policy: &MaskingPolicy) {
        self.items.iter_mut().for_each(|item| item.mask(policy));
    }
}

#[cfg(feature = "backend")]
impl Mask for CallDetail {
    fn mask(&mut self, policy: &MaskingPolicy) {
        self.call.mask(policy);
        policy.mask_json_text(&mut self.raw_payload, true);
        for entry in &mut self.audit {
            policy.mask_json_text(&mut entry.diff, false);
        }
    }
}

#[cfg(feature = "backend")]
impl Mask for BulkOutcome {
    fn mask(&mut self, policy: &MaskingPolicy) {
        self.changed.iter_mut().for_each(|item| item.mask(policy));
        self.conflicts.iter_mut().for_each(|item| item.mask(policy));
    }
}

#[cfg(feature = "backend")]
impl Mask for crate::AppError {
    fn mask(&mut self, policy: &MaskingPolicy) {
        if let Self::Conflict(current) = self {
            current.mask(policy);
        }
    }
}

#[cfg(feature = "backend")]
impl Mask for crate::service::ActionError {
    fn mask(&mut self, policy: &MaskingPolicy) {
        if let Self::Conflict(current) = self {
            current.mask(policy);
        }
    }
}

#[cfg(feature = "backend")]
impl<T: Mask> Mask for Option<T> {
    fn mask(&mut self, policy: &MaskingPolicy) {
        if let Some(value) = self {
            value.mask(policy);
        }
    }
}

#[cfg(feature = "backend")]
impl<T: Mask> Mask for Vec<T> {
    fn mask(&mut self, policy: &MaskingPolicy) {
        self.iter_mut().for_each(|item| item.mask(policy));
    }
}

#[cfg(feature = "backend")]
impl<T: Mask, E: Mask> Mask for Result<T, E> {
    fn mask(&mut self, policy: &MaskingPolicy) {
        match self {
            Ok(value) => value.mask(policy),
            Err(error) => error.mask(policy),
        }
    }
}

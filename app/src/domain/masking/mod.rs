//! What agents see of a caller's personal data: admins choose per field whether it is visible,
//! partly shown or hidden. Masking happens on the server before data leaves it; a masked field
//! arrives empty, with a [`MaskedValue`] saying it was masked and, when partly shown, the hint.
//! Every answer part that may carry personal data is a [`Shown`] value, which only
//! [`Mask::show`] (in `show.rs`, server only) builds.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use super::ParseEnumError;

#[cfg(feature = "backend")]
mod show;
#[cfg(feature = "backend")]
pub use show::Mask;

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

/// What admins set about masking: the levels, and how many fields one person may reveal in
/// an hour (a burst past it is refused and shows in the audit log).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskingSettings {
    pub policy: MaskingPolicy,
    pub reveals_per_hour: u16,
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

    /// Whether agents see `field` in full, and so may also search for it.
    pub fn shows(&self, field: PiiField) -> bool {
        self.level(field) == MaskLevel::Visible
    }

    /// Whether every field is shown in full, as to admins.
    pub fn is_open(&self) -> bool {
        PiiField::ALL.into_iter().all(|field| self.shows(field))
    }
}

/// A value as one viewer may see it, with what their masking hides taken out. Only the masking
/// code builds one (its field is private to this module), so a type that carries a caller's
/// personal data in `Shown` parts cannot be filled without passing through it: an answer that
/// forgot to mask does not compile. On the wire it is the value itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Shown<T>(T);

impl<T> Shown<T> {
    pub fn get(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

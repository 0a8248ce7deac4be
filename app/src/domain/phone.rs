//! Caller numbers: stored in E.164, shown the way a German front desk dials them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A valid phone number, in E.164 (`+4930123456`) and in the form shown to people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct PhoneNumber {
    e164: String,
    display: String,
}

impl PhoneNumber {
    /// The number in E.164, as stored and as used in `tel:` links.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// German numbers in national form (`030 1234567`), others in international form.
    pub fn display(&self) -> &str {
        &self.display
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

/// Why a text is not a phone number.
#[cfg(feature = "backend")]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("{0:?} cannot be read as a phone number")]
    Unparseable(String),
    #[error("{0:?} is not a valid phone number")]
    Invalid(String),
}

#[cfg(feature = "backend")]
mod parse {
    use phonenumber::{Mode, country};

    use super::{PhoneError, PhoneNumber};

    impl PhoneNumber {
        /// Reads German and international notations (`030 1234567`, `+49 (30) 123-4567`,
        /// `0049 30 …`, `0 30 / 12 34 56 7`); numbers without a country code are German.
        pub fn parse(input: &str) -> Result<Self, PhoneError> {
            let number = valid(input)?;
            let german = number.country().id() == Some(country::Id::DE);
            let mode = if german {
                Mode::National
            } else {
                Mode::International
            };
            Ok(Self {
                e164: number.format().mode(Mode::E164).to_string(),
                display: number.format().mode(mode).to_string(),
            })
        }

        /// The E.164 form of what [`PhoneNumber::parse`] reads, without the display form
        /// (the importer stores only this, and formatting for display costs as much again).
        pub fn e164_of(input: &str) -> Result<String, PhoneError> {
            Ok(valid(input)?.format().mode(Mode::E164).to_string())
        }

        /// Rebuilds a number read back from the database. A stored value is always E.164;
        /// should one not parse, it is shown as stored rather than hidden.
        pub fn from_stored(e164: String) -> Self {
            Self::parse(&e164).unwrap_or_else(|_| Self {
                display: e164.clone(),
                e164,
            })
        }
    }

    fn valid(input: &str) -> Result<phonenumber::PhoneNumber, PhoneError> {
        let number = phonenumber::parse(Some(country::Id::DE), input)
            .map_err(|_| PhoneError::Unparseable(input.to_owned()))?;
        if phonenumber::is_valid(&number) {
            Ok(number)
        } else {
            Err(PhoneError::Invalid(input.to_owned()))
        }
    }
}

#[cfg(all(test, feature = "backend"))]
mod tests {
    use super::*;

    #[test]
    fn german_notations_become_e164() {
        for input in [
            "030 1234567",
            "+49 (30) 123-4567",
            "0049 30 1234567",
            "0 30 / 12 34 56 7",
            "+4930 1234567",
        ] {
            let number = PhoneNumber::parse(input).map(|n| n.e164().to_owned());
            assert_eq!(number.as_deref(), Ok("+49301234567"), "{input}");
            assert_eq!(PhoneNumber::e164_of(input).as_deref(), Ok("+49301234567"));
        }
    }

    #[test]
    fn german_numbers_are_shown_in_national_form_and_foreign_ones_internationally() {
        let berlin = PhoneNumber::parse("+49301234567").map(|n| n.display().to_owned());
        assert_eq!(berlin.as_deref(), Ok("030 1234567"));
        let vienna = PhoneNumber::parse("+43 1 5120000").map(|n| n.display().to_owned());
        assert_eq!(vienna.as_deref(), Ok("+43 1 5120000"));
    }

    #[test]
    fn text_that_is_no_phone_number_is_rejected() {
        assert!(PhoneNumber::parse("hallo").is_err());
        assert!(PhoneNumber::parse("12").is_err());
        assert!(PhoneNumber::e164_of("hallo").is_err());
        assert!(PhoneNumber::e164_of("12").is_err());
    }
}

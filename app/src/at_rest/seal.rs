//! Sealed values: `v1.<key id>.<hex of nonce and ciphertext>`, XChaCha20-Poly1305 (RustCrypto)
//! under the named data key, with the field as associated data, so a value moved to another
//! field, altered, or opened with another key fails loudly instead of reading wrong.

use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, AeadCore, OsRng, Payload},
};
use chrono::NaiveDate;
use serde_json::Value;

use super::keys::{Keyring, installed};

/// What a sealed value holds: each field is its own associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `calls.date_of_birth_sealed`: the date as `YYYY-MM-DD`.
    DateOfBirth,
    /// `date_of_birth` in a call's raw event: the JSON value as delivered.
    RawDateOfBirth,
    /// `dead_letters.raw_line_sealed`: a refused line as it was read.
    DeadLetterLine,
}

impl Field {
    fn associated_data(self) -> &'static [u8] {
        match self {
            Self::DateOfBirth => b"anrufe|v1|calls.date_of_birth",
            Self::RawDateOfBirth => b"anrufe|v1|calls.raw_payload.date_of_birth",
            Self::DeadLetterLine => b"anrufe|v1|dead_letters.raw_line",
        }
    }
}

/// The key of the raw event that holds the date of birth.
pub const RAW_FIELD: &str = "date_of_birth";

const VERSION: &str = "v1";
const NONCE_BYTES: usize = 24;

/// Why a sealed value could not be opened (or sealed).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the data keys were not loaded (DATA_KEYS_FILE)")]
    NoKeys,
    #[error("a value is sealed under the data key {0:?}, which DATA_KEYS_FILE does not hold")]
    UnknownKey(String),
    #[error("a sealed value is malformed")]
    Malformed,
    #[error(
        "a value sealed under the data key {0:?} does not open: the key in DATA_KEYS_FILE is \
         not the one it was sealed with, or the value was altered"
    )]
    WrongKey(String),
}

impl From<SealError> for sqlx::Error {
    fn from(error: SealError) -> Self {
        Self::Decode(Box::new(error))
    }
}

impl Keyring {
    /// `plain` sealed under the active key.
    pub fn seal(&self, field: Field, plain: &[u8]) -> String {
        let cipher = XChaCha20Poly1305::new(self.active_key().into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain,
            aad: field.associated_data(),
        };
        let sealed = cipher
            .encrypt(&nonce, payload)
            .expect("XChaCha20-Poly1305 seals any value of this size");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{VERSION}.{}.{}", self.active(), hex::encode(bytes))
    }

    /// What `sealed` holds, if it was sealed as `field` under one of these keys.
    pub fn open(&self, field: Field, sealed: &str) -> Result<Vec<u8>, SealError> {
        let (id, bytes) = parts(sealed)?;
        let key = self
            .key(id)
            .ok_or_else(|| SealError::UnknownKey(id.to_owned()))?;
        let (nonce, sealed_bytes) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: sealed_bytes,
            aad: field.associated_data(),
        };
        XChaCha20Poly1305::new(key.into())
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SealError::WrongKey(id.to_owned()))
    }
}

/// The id of the key `sealed` was sealed under.
pub fn key_id(sealed: &str) -> Result<&str, SealError> {
    parts(sealed).map(|(id, _)| id)
}

fn parts(sealed: &str) -> Result<(&str, Vec<u8>), SealError> {
    let mut parts = sealed.splitn(3, '.');
    let (Some(VERSION), Some(id), Some(hex_text)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(SealError::Malformed);
    };
    let bytes = hex::decode(hex_text).map_err(|_| SealError::Malformed)?;
    if bytes.len() <= NONCE_BYTES {
        return Err(SealError::Malformed);
    }
    Ok((id, bytes))
}

fn keys() -> Result<&'static Keyring, SealError> {
    installed().ok_or(SealError::NoKeys)
}

/// A date of birth sealed under this process's active key.
pub fn seal_date(date: NaiveDate) -> Result<String, SealError> {
    Ok(keys()?.seal(Field::DateOfBirth, date.to_string().as_bytes()))
}

/// The date of birth `sealed` holds.
pub fn open_date(sealed: &str) -> Result<NaiveDate, SealError> {
    let plain = keys()?.open(Field::DateOfBirth, sealed)?;
    std::str::from_utf8(&plain)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or(SealError::Malformed)
}

/// A refused line sealed under this process's active key.
pub fn seal_line(line: &[u8]) -> Result<String, SealError> {
    Ok(keys()?.seal(Field::DeadLetterLine, line))
}

/// A refused line as it was read: opened, or as kept in clear from before encryption.
pub fn open_line(clear: Option<Vec<u8>>, sealed: Option<&str>) -> Result<Vec<u8>, SealError> {
    match (clear, sealed) {
        (Some(line), _) => Ok(line),
        (None, Some(sealed)) => keys()?.open(Field::DeadLetterLine, sealed),
        (None, None) => Err(SealError::Malformed),
    }
}

/// Seals the date of birth of a raw event in place (a value already sealed stays as it is).
pub fn seal_payload(payload: &mut Value) -> Result<(), SealError> {
    let Some(value) = payload.get_mut(RAW_FIELD) else {
        return Ok(());
    };
    if value.is_null() || value.as_str().is_some_and(|text| parts(text).is_ok()) {
        return Ok(());
    }
    *value = Value::String(keys()?.seal(Field::RawDateOfBirth, value.to_string().as_bytes()));
    Ok(())
}

/// Opens the date of birth of a raw event in place: the event as it was delivered.
pub fn open_payload(payload: &mut Value) -> Result<(), SealError> {
    let Some(Value::String(sealed)) = payload.get(RAW_FIELD) else {
        return Ok(());
    };
    let plain = keys()?.open(Field::RawDateOfBirth, sealed)?;
    let value = serde_json::from_slice(&plain).map_err(|_| SealError::Malformed)?;
    payload[RAW_FIELD] = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_opens_under_its_key_and_field_only() {
        let mut ring = Keyring::generate();
        let first = ring.active().to_string();
        let sealed = ring.seal(Field::DateOfBirth, b"1984-03-02");
        assert!(sealed.starts_with(&format!("v1.{first}.")), "{sealed}");
        assert!(!sealed.contains("1984"));
        assert_ne!(
            sealed,
            ring.seal(Field::DateOfBirth, b"1984-03-02"),
            "a fresh nonce"
        );
        assert_eq!(
            ring.open(Field::DateOfBirth, &sealed).expect("opens"),
            b"1984-03-02"
        );
        assert_eq!(
            ring.open(Field::RawDateOfBirth, &sealed),
            Err(SealError::WrongKey(first.clone())),
            "moved to another field"
        );

        ring.add_key();
        assert_eq!(
            ring.open(Field::DateOfBirth, &sealed).expect("opens"),
            b"1984-03-02",
            "old keys still open what they sealed"
        );
        let other = Keyring::generate();
        assert_eq!(
            other.open(Field::DateOfBirth, &sealed),
            Err(SealError::WrongKey(first.clone())),
            "another installation's key of the same name fails loudly"
        );
        // One hex digit of the tag changed (to another digit whatever it was).
        let mut altered = sealed.clone();
        let other_digit = if sealed.ends_with('0') { "1" } else { "0" };
        altered.replace_range(sealed.len() - 1.., other_digit);
        assert!(ring.open(Field::DateOfBirth, &altered).is_err());
        assert_eq!(
            ring.open(Field::DateOfBirth, "v1.k1.00"),
            Err(SealError::Malformed)
        );
        assert_eq!(
            ring.open(Field::DateOfBirth, &sealed.replace(&first, "gone")),
            Err(SealError::UnknownKey("gone".to_owned()))
        );
    }

    #[test]
    fn the_key_file_keeps_every_key_and_the_active_one() {
        let dir = std::env::temp_dir().join(format!("anrufe-keys-{}", std::process::id()));
        let path = dir.join("data-keys.json");
        let mut ring = Keyring::generate();
        let old = ring.active().clone();
        let new = ring.add_key();
        assert_ne!(old, new);
        ring.write(&path).expect("written");
        let read = Keyring::read(&path).expect("read");
        assert_eq!(read, ring);
        assert_eq!(read.active(), &new);
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).expect("the file").permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        assert!(ring.remove_key(new.as_str()).is_err(), "not the active key");
        ring.remove_key(old.as_str()).expect("removed");
        std::fs::write(&path, r#"{"active": "k2", "keys": {"k1": "00"}}"#).expect("written");
        let error = Keyring::read(&path).expect_err("malformed").to_string();
        assert!(error.contains("key k1 is not 64 hex digits"), "{error}");
        std::fs::remove_dir_all(dir).expect("cleaned up");
    }
}

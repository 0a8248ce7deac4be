//! Password hashes: Argon2id with the parameters OWASP recommends (19 MiB, 2 passes), in the
//! PHC string format, so parameters can be raised later without invalidating old hashes.

use std::sync::LazyLock;

use crate::domain::{Invalid, limits};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};

/// Why a password is not accepted: shorter or longer than `limits::PASSWORD_CHARS` (long
/// enough for any passphrase or password manager).
pub fn check_policy(password: &str) -> Result<(), Invalid> {
    let length = password.chars().count();
    if length < *limits::PASSWORD_CHARS.start() {
        Err(Invalid::PasswordTooShort)
    } else if length > *limits::PASSWORD_CHARS.end() {
        Err(Invalid::PasswordTooLong)
    } else {
        Ok(())
    }
}

/// Hashes a password with a fresh salt. Takes tens of milliseconds on purpose: call it off the
/// async runtime.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether `password` matches the stored hash. With no hash (unknown account, or an account
/// that logs in through the identity provider) a dummy hash is checked, so the answer takes
/// as long either way and does not tell which accounts exist.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash("a password nobody has").unwrap_or_default());
    let (stored, real) = match stored {
        Some(stored) => (stored, true),
        None => (DUMMY.as_str(), false),
    };
    let matches = PasswordHash::new(stored).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    });
    real && matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let stored = hash("richtig-und-lang").expect("hash");
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("richtig-und-lang", Some(&stored)));
        assert!(!verify("falsch-und-lang", Some(&stored)));
        assert!(!verify("richtig-und-lang", None));
        assert!(!verify("richtig-und-lang", Some("not a hash")));
    }

    #[test]
    fn short_and_overlong_passwords_are_refused() {
        assert!(check_policy("elf-zeichen").is_err());
        assert!(check_policy("zwölf-zeiche").is_ok());
        assert!(check_policy(&"x".repeat(limits::PASSWORD_CHARS.end() + 1)).is_err());
    }
}

//! Random secrets handed out once (session cookies, API tokens) and the digests kept of them.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// 256 random bits from the operating system, as lowercase hex.
pub fn random_hex() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database stores instead of the secret. The secrets carry 256 random bits, so a
/// fast hash is enough: nobody can guess one from its digest.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

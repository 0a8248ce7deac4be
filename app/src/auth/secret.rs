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

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("could not read or write {path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{0} must hold at least 32 bytes as hex")]
    Malformed(std::path::PathBuf),
}

/// Writes a new random key of 256 bits as hex into `path` (its directory made if missing),
/// readable by the owner only; refuses to overwrite a file that exists.
pub fn create_key_file(path: &std::path::Path) -> Result<(), KeyFileError> {
    let io = |source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    std::io::Write::write_all(&mut file, random_hex().as_bytes()).map_err(io)
}

/// The key in `path`, written by [`create_key_file`].
pub fn read_key_file(path: &std::path::Path) -> Result<Vec<u8>, KeyFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
        path: path.to_owned(),
        source,
    })?;
    hex::decode(text.trim())
        .ok()
        .filter(|key| key.len() >= 32)
        .ok_or_else(|| KeyFileError::Malformed(path.to_owned()))
}

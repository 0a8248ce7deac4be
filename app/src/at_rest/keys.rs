//! The data keys (`DATA_KEYS_FILE`, default `DATA_DIR/data-keys.json`): key id → 256-bit key,
//! one of them active. New values are sealed under the active key; every key in the file can
//! open what was sealed under it. The file never enters the database, and each process loads
//! it once at start ([`Keyring::install`]).

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
    sync::OnceLock,
};

use serde::{Deserialize, Serialize};

use crate::auth::secret;

/// A key's name, as each sealed value carries it: 1 to 16 of `a-z`, `0-9` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyId(String);

impl KeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for KeyId {
    type Error = String;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        let fine = (1..=16).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if fine {
            Ok(Self(id))
        } else {
            Err(format!(
                "a key id is 1 to 16 of a-z, 0-9 and \"-\", not {id:?}"
            ))
        }
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> Self {
        id.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The keys of one installation.
#[derive(Clone, PartialEq, Eq)]
pub struct Keyring {
    active: KeyId,
    keys: BTreeMap<KeyId, [u8; 32]>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("active", &self.active)
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The file's form: `{"active": "k1", "keys": {"k1": "<64 hex digits>"}}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    active: KeyId,
    keys: BTreeMap<KeyId, String>,
}

/// Why the data keys could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("could not read or write the data keys file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the data keys file {path} is malformed: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error("the data keys file {0} exists already")]
    Exists(PathBuf),
    #[error("there is no data key {0:?}")]
    Unknown(String),
    #[error("the data keys of this process were loaded already")]
    Installed,
}

static INSTALLED: OnceLock<Keyring> = OnceLock::new();

impl Keyring {
    /// One new random key, active, named after the day it was made (`k20261130`, with a
    /// suffix when that name is taken).
    pub fn generate() -> Self {
        let mut ring = Self {
            active: KeyId(String::new()),
            keys: BTreeMap::new(),
        };
        ring.add_key();
        ring
    }

    /// Adds a new random key and makes it the active one; its id.
    pub fn add_key(&mut self) -> KeyId {
        let day = chrono::Utc::now().format("k%Y%m%d").to_string();
        let id = std::iter::once(day.clone())
            .chain((2..).map(|n| format!("{day}-{n}")))
            .map(KeyId)
            .find(|id| !self.keys.contains_key(id))
            .expect("an unused name among infinitely many");
        let key: [u8; 32] = hex::decode(secret::random_hex())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .expect("256 random bits");
        self.keys.insert(id.clone(), key);
        self.active = id.clone();
        id
    }

    /// Removes key `id`, which must not be the active one.
    pub fn remove_key(&mut self, id: &str) -> Result<(), KeysError> {
        let id = KeyId::try_from(id.to_owned()).map_err(|_| KeysError::Unknown(id.to_owned()))?;
        if id == self.active || self.keys.remove(&id).is_none() {
            return Err(KeysError::Unknown(id.0));
        }
        Ok(())
    }

    pub fn active(&self) -> &KeyId {
        &self.active
    }

    /// The key ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.keys()
    }

    pub(super) fn key(&self, id: &str) -> Option<&[u8; 32]> {
        self.keys
            .iter()
            .find(|(key_id, _)| key_id.as_str() == id)
            .map(|(_, key)| key)
    }

    pub(super) fn active_key(&self) -> &[u8; 32] {
        &self.keys[&self.active]
    }

    /// The keys in `path`.
    pub fn read(path: &Path) -> Result<Self, KeysError> {
        let text = std::fs::read_to_string(path).map_err(|source| KeysError::Io {
            path: path.to_owned(),
            source,
        })?;
        let malformed = |reason: String| KeysError::Malformed {
            path: path.to_owned(),
            reason,
        };
        let file: KeyFile = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
        let keys = file
            .keys
            .into_iter()
            .map(|(id, key)| {
                let key: [u8; 32] = hex::decode(key.trim())
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| malformed(format!("key {id} is not 64 hex digits")))?;
                Ok((id, key))
            })
            .collect::<Result<BTreeMap<_, _>, KeysError>>()?;
        if !keys.contains_key(&file.active) {
            return Err(malformed(format!(
                "the active key {} is not among its keys",
                file.active
            )));
        }
        Ok(Self {
            active: file.active,
            keys,
        })
    }

    /// Writes the keys to `path` (readable by the owner only), through a new file renamed
    /// over the old one, so a crash never leaves half a file.
    pub fn write(&self, path: &Path) -> Result<(), KeysError> {
        let io = |source| KeysError::Io {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let file = KeyFile {
            active: self.active.clone(),
            keys: self
                .keys
                .iter()
                .map(|(id, key)| (id.clone(), hex::encode(key)))
                .collect(),
        };
        let text = serde_json::to_string_pretty(&file).expect("the key file serialises");
        let next = path.with_extension("json.new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = options.open(&next).map_err(io)?;
        std::io::Write::write_all(&mut out, format!("{text}\n").as_bytes()).map_err(io)?;
        out.sync_all().map_err(io)?;
        std::fs::rename(&next, path).map_err(io)
    }

    /// Makes these the keys every seal and open of this process uses; once per process.
    pub fn install(self) -> Result<&'static Self, KeysError> {
        INSTALLED.set(self).map_err(|_| KeysError::Installed)?;
        Ok(installed().expect("just installed"))
    }
}

/// The keys of this process, once [`Keyring::install`] ran.
pub fn installed() -> Option<&'static Keyring> {
    INSTALLED.get()
}

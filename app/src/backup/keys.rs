//! Who can read a backup: the age public keys it is encrypted to (BACKUP_RECIPIENTS, on the
//! server) and the identity that opens it (kept offline, given only to restore or drill).

use std::{fs::OpenOptions, io::Write, path::Path, str::FromStr};

use age::secrecy::ExposeSecret;

use super::BackupError;

/// The public keys (`age1…`) a backup is encrypted to; at least one.
#[derive(Clone)]
pub struct Recipients(Vec<age::x25519::Recipient>);

impl FromStr for Recipients {
    type Err = String;

    /// A comma- or whitespace-separated list of age public keys.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let keys = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|key| !key.is_empty())
            .map(|key| {
                key.parse::<age::x25519::Recipient>()
                    .map_err(|_| format!("{key:?} is not an age public key (age1…)"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err("name at least one age public key (age1…)".to_owned());
        }
        Ok(Self(keys))
    }
}

impl std::fmt::Debug for Recipients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(ToString::to_string))
            .finish()
    }
}

impl Recipients {
    pub(super) fn encryptor(&self) -> Result<age::Encryptor, BackupError> {
        age::Encryptor::with_recipients(self.0.iter().map(|key| key as &dyn age::Recipient))
            .map_err(|error| {
                BackupError::Keys(format!("cannot encrypt to BACKUP_RECIPIENTS: {error}"))
            })
    }
}

/// The secret key that opens backups, read from an identity file as `age-keygen` or
/// `server backup keygen` writes it (comment lines starting with `#`, one key per line).
#[derive(Clone)]
pub struct Identity(Vec<age::x25519::Identity>);

impl Identity {
    pub fn from_file(path: &Path) -> Result<Self, BackupError> {
        let text = std::fs::read_to_string(path).map_err(BackupError::file(path))?;
        let keys = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                line.parse::<age::x25519::Identity>().map_err(|_| {
                    BackupError::Keys(format!(
                        "{} holds a line that is not an age identity (AGE-SECRET-KEY-1…)",
                        path.display()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(BackupError::Keys(format!(
                "{} holds no identity (AGE-SECRET-KEY-1…)",
                path.display()
            )));
        }
        Ok(Self(keys))
    }

    pub(super) fn all(&self) -> impl Iterator<Item = &dyn age::Identity> {
        self.0.iter().map(|identity| identity as &dyn age::Identity)
    }
}

/// Writes a new identity to `path` (readable by its owner only; never overwrites) and returns
/// its public key, for BACKUP_RECIPIENTS.
pub fn generate_identity(path: &Path) -> Result<String, BackupError> {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(BackupError::file(path))?;
    writeln!(
        file,
        "# Anrufe backup identity, made {}\n# public key: {public}\n{}",
        chrono::Utc::now().format("%Y-%m-%d"),
        identity.to_string().expose_secret()
    )
    .and_then(|()| file.sync_all())
    .map_err(BackupError::file(path))?;
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_age_public_keys() {
        let key = age::x25519::Identity::generate().to_public().to_string();
        let two = format!("{key}, {key}");
        assert!(two.parse::<Recipients>().is_ok());
        assert_eq!(
            "age1nope".parse::<Recipients>().err().as_deref(),
            Some("\"age1nope\" is not an age public key (age1…)")
        );
        assert_eq!(
            " , ".parse::<Recipients>().err().as_deref(),
            Some("name at least one age public key (age1…)")
        );
    }

    #[test]
    fn a_made_identity_is_private_and_never_overwritten() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("backup.key");
        let public = generate_identity(&path).expect("identity");
        assert!(public.parse::<Recipients>().is_ok());
        assert!(Identity::from_file(&path).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(
            generate_identity(&path),
            Err(BackupError::File { .. })
        ));
    }
}

//! The backup file: `anrufe-backup-YYYYMMDDTHHMMSSZ.age` in BACKUP_DIR, an age file whose
//! plain text is a format line, the manifest as one line of JSON and the `pg_dump` output; next
//! to it `….age.sha256` in `sha256sum` format.

use std::{
    fs::File,
    io::{self, BufRead, BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
};

use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

use super::{BackupError, Identity, Manifest, Recipients, manifest::FORMAT};

const PREFIX: &str = "anrufe-backup-";
const SUFFIX: &str = ".age";
const STAMP: &str = "%Y%m%dT%H%M%SZ";
/// The longest header line read before a file is taken for something else.
const HEADER_LIMIT: u64 = 64 * 1024;

/// A backup in BACKUP_DIR, with the time in its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    pub taken_at: DateTime<Utc>,
}

impl BackupFile {
    /// The file a backup taken at `taken_at` goes to.
    pub(super) fn new(dir: &Path, taken_at: DateTime<Utc>) -> Self {
        let name = format!("{PREFIX}{}{SUFFIX}", taken_at.format(STAMP));
        Self {
            path: dir.join(name),
            taken_at,
        }
    }

    /// The backup `path` names, if its name is one of ours.
    pub fn parse(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let taken_at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
        Some(Self {
            path: path.to_path_buf(),
            taken_at,
        })
    }

    /// The backups in `dir`, oldest first; none when it does not exist.
    pub fn list(dir: &Path) -> Result<Vec<Self>, BackupError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(BackupError::file(dir)(error)),
        };
        let mut backups: Vec<Self> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| Self::parse(&entry.path()))
            .collect();
        backups.sort_by_key(|backup| backup.taken_at);
        Ok(backups)
    }

    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Where the checksum of `file` is.
pub(super) fn checksum_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sha256");
    PathBuf::from(name)
}

/// Deletes the backups taken before `cutoff`, with their checksums; the files deleted.
pub fn prune(dir: &Path, cutoff: DateTime<Utc>) -> Result<Vec<BackupFile>, BackupError> {
    let old: Vec<BackupFile> = BackupFile::list(dir)?
        .into_iter()
        .filter(|backup| backup.taken_at < cutoff)
        .collect();
    for backup in &old {
        std::fs::remove_file(&backup.path).map_err(BackupError::file(&backup.path))?;
        let sum = checksum_path(&backup.path);
        match std::fs::remove_file(&sum) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(BackupError::file(&sum)(error));
            }
            _ => {}
        }
    }
    Ok(old)
}

/// What [`write`] wrote.
pub(super) struct Written {
    pub bytes: u64,
    pub sha256: String,
}

/// Writes `manifest` and then `dump` encrypted to `recipients` into `target`: first to a
/// `.partial` file, renamed once complete and on disk, then the checksum next to it. Nothing is
/// left behind when it fails.
pub(super) fn write(
    target: &BackupFile,
    recipients: &Recipients,
    manifest: &Manifest,
    dump: impl Read,
) -> Result<Written, BackupError> {
    let partial = target.path.with_extension("age.partial");
    let result = write_partial(&partial, recipients, manifest, dump).and_then(|written| {
        std::fs::rename(&partial, &target.path).map_err(BackupError::file(&target.path))?;
        let sum = checksum_path(&target.path);
        std::fs::write(&sum, format!("{}  {}\n", written.sha256, target.name()))
            .map_err(BackupError::file(&sum))?;
        Ok(written)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

fn write_partial(
    partial: &Path,
    recipients: &Recipients,
    manifest: &Manifest,
    mut dump: impl Read,
) -> Result<Written, BackupError> {
    let to_file = |error| BackupError::file(partial)(error);
    let file = File::create(partial).map_err(to_file)?;
    let hashing = Hashing {
        inner: BufWriter::new(file),
        hash: Sha256::new(),
        bytes: 0,
    };
    let mut sealed = recipients
        .encryptor()?
        .wrap_output(hashing)
        .map_err(to_file)?;
    let header = serde_json::to_string(manifest).map_err(|error| to_file(error.into()))?;
    writeln!(sealed, "{FORMAT}\n{header}").map_err(to_file)?;
    io::copy(&mut dump, &mut sealed).map_err(to_file)?;
    let mut hashing = sealed.finish().map_err(to_file)?;
    hashing.flush().map_err(to_file)?;
    let Hashing { inner, hash, bytes } = hashing;
    inner
        .into_inner()
        .map_err(|error| to_file(error.into_error()))?
        .sync_all()
        .map_err(to_file)?;
    Ok(Written {
        bytes,
        sha256: hex::encode(hash.finalize()),
    })
}

/// Passes bytes on and hashes and counts them.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hash.update(&buf[..written]);
        self.bytes += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Checks `file` whole before anything is restored from it: its checksum file, when there is
/// one, and then every byte decrypted and authenticated (age detects a cut or altered file);
/// its manifest.
pub(super) fn check(file: &Path, identity: &Identity) -> Result<Manifest, BackupError> {
    let sum = checksum_path(file);
    match std::fs::read_to_string(&sum) {
        Ok(text) => {
            let expected = text.split_whitespace().next().unwrap_or_default();
            let mut hash = Sha256::new();
            let mut reader = File::open(file).map_err(BackupError::file(file))?;
            io::copy(&mut reader, &mut hash).map_err(BackupError::file(file))?;
            if hex::encode(hash.finalize()) != expected.to_ascii_lowercase() {
                return Err(BackupError::Checksum {
                    file: file.to_path_buf(),
                });
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(BackupError::file(&sum)(error)),
    }
    let (manifest, mut rest) = open(file, identity)?;
    io::copy(&mut rest, &mut io::sink()).map_err(|error| damaged(file, &error))?;
    Ok(manifest)
}

/// Opens `file` with `identity`: its manifest, and a reader of the `pg_dump` output after it.
pub(super) fn open(
    file: &Path,
    identity: &Identity,
) -> Result<(Manifest, impl Read + use<>), BackupError> {
    let not_ours = |why: &str| BackupError::NotABackup {
        file: file.to_path_buf(),
        why: why.to_owned(),
    };
    let input = BufReader::new(File::open(file).map_err(BackupError::file(file))?);
    let decryptor = age::Decryptor::new_buffered(input).map_err(|error| match error {
        age::DecryptError::Io(error) if error.kind() != io::ErrorKind::InvalidData => {
            BackupError::file(file)(error)
        }
        _ => not_ours("it does not start as an age file"),
    })?;
    let plain = decryptor
        .decrypt(identity.all())
        .map_err(|error| match error {
            age::DecryptError::NoMatchingKeys => BackupError::WrongIdentity {
                file: file.to_path_buf(),
            },
            age::DecryptError::Io(error) => damaged(file, &error),
            other => damaged(file, &io::Error::other(other.to_string())),
        })?;
    let mut plain = BufReader::new(plain);
    let line = |plain: &mut BufReader<_>| -> Result<String, BackupError> {
        let mut text = String::new();
        plain
            .by_ref()
            .take(HEADER_LIMIT)
            .read_line(&mut text)
            .map_err(|error| damaged(file, &error))?;
        Ok(text.trim_end().to_owned())
    };
    if line(&mut plain)? != FORMAT {
        return Err(not_ours("it does not name the format anrufe.backup.v1"));
    }
    let manifest: Manifest = serde_json::from_str(&line(&mut plain)?)
        .map_err(|error| not_ours(&format!("its manifest does not read: {error}")))?;
    Ok((manifest, plain))
}

fn damaged(file: &Path, error: &io::Error) -> BackupError {
    BackupError::Damaged {
        file: file.to_path_buf(),
        detail: error.to_string(),
    }
}

//! Anchors of the audit chain outside the database.
//!
//! The database chains the audit rows (see `app::audit`), but whoever controls the database
//! could delete the newest rows or rewrite a row and recompute every hash after it. So at
//! least hourly the server appends the chain's head (position and hash) to an append-only file
//! outside the database (`AUDIT_ANCHOR_FILE`) and to the log, each line with an HMAC under a key
//! that never enters the database (`AUDIT_ANCHOR_KEY_FILE`). `server audit verify` checks the
//! chain against every anchor: a missing newest row or a recomputed chain no longer matches.

use std::{
    fmt,
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::PgPool;
use tokio::io::AsyncWriteExt;

use crate::config::DataConfig;

/// How often the head is anchored while the server runs (and once at start).
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// One line of the anchor file: the chain's head at `at`, signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub position: i64,
    /// The row hash at `position`, hex.
    pub hash: String,
    pub at: DateTime<Utc>,
    /// HMAC-SHA-256 of the fields above under the anchor key, hex.
    pub mac: String,
}

/// The key anchors are signed with; its `Debug` output hides it.
#[derive(Clone)]
struct AnchorKey(Vec<u8>);

impl fmt::Debug for AnchorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AnchorKey(…)")
    }
}

impl AnchorKey {
    fn mac(&self, position: i64, hash: &str, at: DateTime<Utc>) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        mac.update(format!("anrufe-anchor-v1|{position}|{hash}|{at}").as_bytes());
        mac
    }
}

/// The anchor file and its key.
#[derive(Clone, Debug)]
pub struct Anchors {
    file: PathBuf,
    key: AnchorKey,
}

/// What checking the chain against its anchors found.
#[derive(Debug, PartialEq, Eq)]
pub struct AnchorCheck {
    /// Anchors that name a row still in the database and match it.
    pub matched: usize,
    /// Anchors older than the retention period's pruning (their rows are gone lawfully).
    pub pruned: usize,
    /// The first disagreement, said for people.
    pub problem: Option<String>,
}

impl Anchors {
    /// Opens the anchor file and its key, making the key (256 random bits, readable by the
    /// owner only) when neither it nor any anchor exists yet: what the server does at start.
    pub fn open_or_create(config: &DataConfig) -> anyhow::Result<Self> {
        if let Some(anchors) = Self::open(config)? {
            return Ok(anchors);
        }
        let key_file = config.key_file();
        app::auth::secret::create_key_file(&key_file).context("the audit anchor key")?;
        tracing::info!(key = ?key_file, "created the audit anchor key; back it up outside the database");
        Self::open(config)?.context("the new audit anchor key cannot be read")
    }

    /// Opens the anchor file and its key; `None` when there is neither. Anchors without their
    /// key are an error, since they could no longer be checked.
    pub fn open(config: &DataConfig) -> anyhow::Result<Option<Self>> {
        let (file, key_file) = (config.anchor_file(), config.key_file());
        if !key_file.exists() {
            if file.exists() {
                bail!(
                    "the audit anchor key {} is missing, but anchors exist in {}; restore the key from its backup",
                    key_file.display(),
                    file.display()
                );
            }
            return Ok(None);
        }
        let key = app::auth::secret::read_key_file(&key_file).context("the audit anchor key")?;
        Ok(Some(Self {
            file,
            key: AnchorKey(key),
        }))
    }

    /// Where the anchors are written.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Appends the chain's head unless the newest anchor already names it; `None` then (or for
    /// an empty chain).
    pub async fn anchor(&self, pool: &PgPool) -> anyhow::Result<Option<Anchor>> {
        let head = sqlx::query!(
            r#"select chain_position, encode(row_hash, 'hex') as "hash!"
               from actions_audit order by chain_position desc limit 1"#
        )
        .fetch_optional(pool)
        .await?;
        let Some(head) = head else { return Ok(None) };
        let newest = self.read()?.pop();
        if newest.is_some_and(|anchor| anchor.position == head.chain_position) {
            return Ok(None);
        }
        let at = Utc::now();
        let mac = self.key.mac(head.chain_position, &head.hash, at);
        let anchor = Anchor {
            position: head.chain_position,
            hash: head.hash,
            at,
            mac: hex::encode(mac.finalize().into_bytes()),
        };
        let mut line = serde_json::to_string(&anchor)?;
        line.push('\n');
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.file)
            .await
            .with_context(|| format!("could not open {}", self.file.display()))?;
        file.write_all(line.as_bytes()).await?;
        file.sync_data().await?;
        tracing::info!(
            position = anchor.position,
            hash = %anchor.hash,
            mac = %anchor.mac,
            "anchored the audit chain"
        );
        Ok(Some(anchor))
    }

    /// Every anchor in the file, oldest first; a line that does not parse or whose HMAC does
    /// not match is an error naming the line.
    pub fn read(&self) -> anyhow::Result<Vec<Anchor>> {
        let text = match std::fs::read_to_string(&self.file) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => {
                return Err(error)
                    .with_context(|| format!("could not read {}", self.file.display()));
            }
        };
        let mut anchors = Vec::new();
        for (index, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let number = index + 1;
            let anchor: Anchor = serde_json::from_str(line).with_context(|| {
                format!("line {number} of {} is not an anchor", self.file.display())
            })?;
            let signed = hex::decode(&anchor.mac).is_ok_and(|mac| {
                self.key
                    .mac(anchor.position, &anchor.hash, anchor.at)
                    .verify_slice(&mac)
                    .is_ok()
            });
            if !signed {
                bail!(
                    "line {number} of {} is not signed with this server's anchor key",
                    self.file.display()
                );
            }
            anchors.push(anchor);
        }
        Ok(anchors)
    }

    /// Checks that every anchored row is still there with the anchored hash, and that no row
    /// after the newest anchor's position is missing.
    pub async fn check(&self, pool: &PgPool) -> anyhow::Result<AnchorCheck> {
        let anchors = self.read()?;
        let positions: Vec<i64> = anchors.iter().map(|anchor| anchor.position).collect();
        let rows = sqlx::query!(
            r#"select chain_position, encode(row_hash, 'hex') as "hash!"
               from actions_audit where chain_position = any($1)"#,
            &positions,
        )
        .fetch_all(pool)
        .await?;
        let bounds = sqlx::query!(
            "select min(chain_position) as first, max(chain_position) as last from actions_audit"
        )
        .fetch_one(pool)
        .await?;
        let (first, last) = (bounds.first.unwrap_or(1), bounds.last.unwrap_or(0));
        let mut check = AnchorCheck {
            matched: 0,
            pruned: 0,
            problem: None,
        };
        for anchor in &anchors {
            let at = anchor.at.format("%Y-%m-%d %H:%M:%S UTC");
            let stored = rows
                .iter()
                .find(|row| row.chain_position == anchor.position);
            check.problem = match stored {
                Some(row) if row.hash == anchor.hash => {
                    check.matched += 1;
                    continue;
                }
                Some(_) => Some(format!(
                    "position {} does not have the hash anchored at {at}: the chain was rewritten",
                    anchor.position
                )),
                None if anchor.position > last => Some(format!(
                    "positions {} to {} are missing: the anchor of {at} names position {}, but the newest row is {last}",
                    last + 1,
                    anchor.position,
                    anchor.position
                )),
                None if anchor.position < first => {
                    check.pruned += 1;
                    continue;
                }
                None => Some(format!(
                    "position {}, anchored at {at}, is missing",
                    anchor.position
                )),
            };
            break;
        }
        Ok(check)
    }

    /// Anchors the head now and then every [`EVERY`] for as long as the server runs.
    pub fn spawn_hourly(self: Arc<Self>, pool: PgPool) {
        tokio::spawn(async move {
            let mut hourly = tokio::time::interval(EVERY);
            loop {
                hourly.tick().await;
                if let Err(error) = self.anchor(&pool).await {
                    tracing::error!(error = ?error, "could not anchor the audit chain");
                }
            }
        });
    }
}

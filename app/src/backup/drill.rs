//! The restore drill (`server backup verify`, weekly in the server): a backup restored into a
//! throwaway database, compared with its manifest, and the database dropped again.

use std::path::Path;

use sqlx::{Connection, PgConnection};

use super::{BackupError, Identity, Manifest, PgTools, pg::with_database, restore};

/// A drill that ran to the end; `differences` empty when the copy matched.
#[derive(Debug)]
pub struct Drill {
    pub manifest: Manifest,
    pub restored: Manifest,
    pub differences: Vec<String>,
}

/// Restores `file` into a new database next to the one `url` names (its role needs the right
/// to create databases), compares it with the manifest and drops it again, whatever happened.
pub async fn drill(
    file: &Path,
    identity: &Identity,
    url: &str,
    tools: &PgTools,
) -> Result<Drill, BackupError> {
    let manifest = restore::check(file, identity).await?;
    let mut admin = PgConnection::connect(url).await?;
    let name = format!("anrufe_drill_{}", chrono::Utc::now().timestamp_micros());
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await
        .map_err(BackupError::NoDrillDatabase)?;
    let copy = with_database(url, &name);
    let restored = restore_and_read(file, identity, &copy, tools).await;
    let dropped = sqlx::query(&format!("drop database if exists {name}"))
        .execute(&mut admin)
        .await;
    let restored = restored?;
    dropped?;
    admin.close().await?;
    Ok(Drill {
        differences: manifest.differences(&restored),
        manifest,
        restored,
    })
}

async fn restore_and_read(
    file: &Path,
    identity: &Identity,
    url: &str,
    tools: &PgTools,
) -> Result<Manifest, BackupError> {
    restore::load(file, identity, url, tools).await?;
    let mut conn = PgConnection::connect(url).await?;
    let found = Manifest::of(&mut conn).await?;
    conn.close().await?;
    Ok(found)
}

//! Call files in the import directory that are past the period: last written before the
//! cutoff (so every line in them was, too) and fully imported. They go with their import
//! offsets; offsets of files that are gone go once they are past the period as well.

use std::{
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
};

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::{PurgeCounts, is_call_file};

/// A file system error, with the path it happened at.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct FileError {
    path: PathBuf,
    source: std::io::Error,
}

/// A call file that is due.
#[derive(Debug)]
pub(super) struct DueFile {
    name: String,
    path: PathBuf,
}

/// The call files in `dir` that are due at `cutoff`.
pub(super) async fn due(
    pool: &PgPool,
    dir: &Path,
    cutoff: DateTime<Utc>,
) -> Result<Vec<DueFile>, super::PurgeError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| FileError { path, source }
    };
    let offsets = sqlx::query!("select file_name, device, inode, byte_offset from import_offsets")
        .fetch_all(pool)
        .await?;
    let mut due = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !is_call_file(&name) {
            continue;
        }
        let path = entry.path();
        let meta = entry.metadata().map_err(io(&path))?;
        let written: DateTime<Utc> = meta.modified().map_err(io(&path))?.into();
        let imported = offsets.iter().any(|offset| {
            offset.file_name == name
                && offset.device == meta.dev() as i64
                && offset.inode == meta.ino() as i64
                && offset.byte_offset == meta.len() as i64
        });
        if written < cutoff && imported {
            due.push(DueFile { name, path });
        }
    }
    due.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(due)
}

/// Deletes the due files and their offsets, and the offsets of files no longer there that
/// were last moved before `cutoff`.
pub(super) async fn delete_old(
    pool: &PgPool,
    dir: &Path,
    cutoff: DateTime<Utc>,
    counts: &mut PurgeCounts,
) -> Result<(), super::PurgeError> {
    for file in due(pool, dir, cutoff).await? {
        // The offset goes only if the file does: a file that cannot be removed stays known.
        let mut tx = pool.begin().await?;
        sqlx::query!("delete from import_offsets where file_name = $1", file.name)
            .execute(&mut *tx)
            .await?;
        std::fs::remove_file(&file.path).map_err(|source| FileError {
            path: file.path.clone(),
            source,
        })?;
        tx.commit().await?;
        counts.files += 1;
    }
    let known = sqlx::query_scalar!(
        "select file_name from import_offsets where updated_at < $1",
        cutoff
    )
    .fetch_all(pool)
    .await?;
    let gone: Vec<String> = known
        .into_iter()
        .filter(|name| !dir.join(name).exists())
        .collect();
    sqlx::query!(
        "delete from import_offsets where file_name = any($1)",
        &gone
    )
    .execute(pool)
    .await?;
    Ok(())
}

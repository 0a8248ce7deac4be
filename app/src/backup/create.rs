//! `server backup create` and the nightly job: `pg_dump` of one consistent snapshot, encrypted
//! into BACKUP_DIR with the snapshot's manifest.

use std::path::Path;

use sqlx::{Connection, PgConnection};

use super::{
    BackupError, BackupFile, Manifest, PgTools, Recipients,
    archive::{self, Written},
};

/// A backup just written.
#[derive(Debug)]
pub struct Created {
    pub file: BackupFile,
    pub bytes: u64,
    pub sha256: String,
    pub manifest: Manifest,
}

/// Backs up the database at `url` (a role that reads every table: the owner) into `dir`. The
/// manifest is counted in the same snapshot `pg_dump` reads, so a restore can be compared with
/// it row for row.
pub async fn create(
    url: &str,
    dir: &Path,
    recipients: &Recipients,
    tools: &PgTools,
) -> Result<Created, BackupError> {
    std::fs::create_dir_all(dir).map_err(BackupError::file(dir))?;
    let mut conn = PgConnection::connect(url).await?;
    let mut snapshot = conn.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *snapshot)
        .await?;
    let id = sqlx::query_scalar!(r#"select pg_export_snapshot() as "id!""#)
        .fetch_one(&mut *snapshot)
        .await?;
    let manifest = Manifest::of(&mut snapshot).await?;
    let file = BackupFile::new(dir, manifest.taken_at);
    let (url, tools, recipients) = (url.to_owned(), tools.clone(), recipients.clone());
    let (target, header) = (file.clone(), manifest.clone());
    let written = tokio::task::spawn_blocking(move || -> Result<Written, BackupError> {
        let snapshot = format!("--snapshot={id}");
        let mut dump = tools.start("pg_dump", &url, &["--format=custom", &snapshot])?;
        let output = dump.child.stdout.take();
        let written = match output {
            Some(output) => archive::write(&target, &recipients, &header, output),
            None => Err(BackupError::Tool {
                tool: "pg_dump",
                source: std::io::Error::other("no output"),
            }),
        };
        let finished = dump.finish();
        match (written, finished) {
            (Ok(written), Ok(())) => Ok(written),
            (_, Err(error)) | (Err(error), Ok(())) => {
                let _ = std::fs::remove_file(&target.path);
                let _ = std::fs::remove_file(archive::checksum_path(&target.path));
                Err(error)
            }
        }
    })
    .await??;
    snapshot.commit().await?;
    Ok(Created {
        file,
        bytes: written.bytes,
        sha256: written.sha256,
        manifest,
    })
}

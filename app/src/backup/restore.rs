//! `server backup restore`: into an empty database only, after the whole file checked; then
//! at once the purge of what is past the period now, every erasure made after the backup, an
//! audit row, and the audit chain verified.

use std::path::Path;

use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool, postgres::PgPoolOptions};

use super::{BackupError, BackupFile, Identity, Manifest, PgTools, archive};
use crate::{
    audit::{self, Actor, Verification},
    db::{self, with_retention},
    domain::{AuditAction, PurgeTrigger, Retention},
    dsgvo::{self, Restored, tombstones::Tombstones},
    retention::{self, PurgeOptions, PurgeReport},
};

/// What a restore did.
#[derive(Debug)]
pub struct Restore {
    pub manifest: Manifest,
    /// The purge right after it.
    pub purge: PurgeReport,
    /// The erasures made after the backup, made again.
    pub erasures: Restored,
    pub verification: Verification,
}

/// Restores `file` into the empty database at `url` (its owner role), migrates it to this
/// version's schema, and applies `retention` and the erasure tombstones outside the database.
pub async fn restore(
    file: &Path,
    identity: &Identity,
    url: &str,
    tools: &PgTools,
    retention: Retention,
    tombstones: &Tombstones,
) -> Result<Restore, BackupError> {
    let manifest = check(file, identity).await?;
    load(file, identity, url, tools).await?;
    db::migrate(url).await?;
    let options = url.parse().map_err(BackupError::Database)?;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(with_retention(options, retention))
        .await?;
    let purge = retention::purge(
        &pool,
        &PurgeOptions {
            trigger: PurgeTrigger::Restore,
            dry_run: false,
            import_dir: None,
            yield_to_readers: false,
        },
        |_| {},
    )
    .await?;
    let erasures = dsgvo::restore(&pool, tombstones).await?;
    record(&pool, file, &manifest, &purge, &erasures).await?;
    let verification = audit::verify(&pool).await?;
    pool.close().await;
    Ok(Restore {
        manifest,
        purge,
        erasures,
        verification,
    })
}

/// The whole file checked (checksum, decryption), its manifest.
pub(super) async fn check(file: &Path, identity: &Identity) -> Result<Manifest, BackupError> {
    let (file, identity) = (file.to_path_buf(), identity.clone());
    tokio::task::spawn_blocking(move || archive::check(&file, &identity)).await?
}

/// `pg_restore` of `file` into the empty database at `url`, in one transaction: it is all
/// there or nothing is.
pub(super) async fn load(
    file: &Path,
    identity: &Identity,
    url: &str,
    tools: &PgTools,
) -> Result<(), BackupError> {
    let mut conn = PgConnection::connect(url).await?;
    let objects = sqlx::query_scalar!(
        r#"select count(*) as "count!" from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
             and c.relkind in ('r', 'p', 'v', 'm', 'S')"#
    )
    .fetch_one(&mut conn)
    .await?;
    if objects > 0 {
        return Err(BackupError::NotEmpty(objects));
    }
    // The two audit functions belong to anrufe_audit, which may own them only while it may
    // create in the schema: as in the migration that made them, for the restore only.
    sqlx::query("grant create on schema public to anrufe_audit")
        .execute(&mut conn)
        .await?;
    let (path, identity, target, tools) = (
        file.to_path_buf(),
        identity.clone(),
        url.to_owned(),
        tools.clone(),
    );
    let loaded = tokio::task::spawn_blocking(move || {
        let (_, mut dump) = archive::open(&path, &identity)?;
        let mut restore = tools.start(
            "pg_restore",
            &target,
            &["--single-transaction", "--exit-on-error"],
        )?;
        let copied = match restore.child.stdin.take() {
            Some(mut input) => std::io::copy(&mut dump, &mut input).map(|_| ()),
            None => Err(std::io::Error::other("no input")),
        };
        restore.finish()?;
        copied.map_err(|error| BackupError::Damaged {
            file: path,
            detail: error.to_string(),
        })
    })
    .await;
    let revoked = sqlx::query("revoke create on schema public from anrufe_audit")
        .execute(&mut conn)
        .await;
    loaded??;
    revoked?;
    conn.close().await?;
    Ok(())
}

async fn record(
    pool: &PgPool,
    file: &Path,
    manifest: &Manifest,
    purge: &PurgeReport,
    erasures: &Restored,
) -> Result<(), BackupError> {
    let name =
        BackupFile::parse(file).map_or_else(|| file.display().to_string(), |backup| backup.name());
    let mut tx = pool.begin().await?;
    audit::record(
        &mut tx,
        Actor::System,
        AuditAction::BackupRestored,
        None,
        json!({
            "file": name,
            "taken_at": manifest.taken_at,
            "schema_version": manifest.schema_version,
            "purged_calls": purge.counts.calls,
            "erased_again": erasures.calls_erased,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

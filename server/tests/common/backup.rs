//! Helpers of the backup tests: databases made as in production, key pairs, digests.

use std::path::{Path, PathBuf};

use app::{
    backup::{self, BackupError, Created, Identity, PgTools, Recipients, Restore},
    domain::Retention,
    dsgvo::tombstones::Tombstones,
};
use chrono::Utc;
use sqlx::{PgPool, postgres::PgPoolOptions};

/// A database of its own, owned by anrufe_owner and migrated as the owner, as in production;
/// dropped when the test ends.
pub struct Owned {
    name: String,
    admin: PgPool,
}

impl Owned {
    pub async fn new(admin: &PgPool, migrate: bool) -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let name = format!(
            "anrufe_backup_{}_{}_{}",
            std::process::id(),
            Utc::now().timestamp_micros(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        sqlx::query(&format!("create database {name} owner anrufe_owner"))
            .execute(admin)
            .await
            .expect("create database");
        let owned = Self {
            name,
            admin: admin.clone(),
        };
        if migrate {
            app::db::migrate(&owned.url("anrufe_owner"))
                .await
                .expect("migrations as the owner");
        }
        owned
    }

    pub fn url(&self, role: &str) -> String {
        super::database_url(&self.name, role)
    }

    pub async fn pool(&self, role: &str) -> PgPool {
        PgPoolOptions::new()
            .max_connections(2)
            .connect(&self.url(role))
            .await
            .expect("connect")
    }

    pub async fn drop(self) {
        sqlx::query(&format!(
            "drop database if exists {} with (force)",
            self.name
        ))
        .execute(&self.admin)
        .await
        .expect("drop database");
    }
}

/// A key pair: the identity file and its public key as recipients.
pub fn key_pair(dir: &Path, name: &str) -> (PathBuf, Recipients) {
    let path = dir.join(name);
    let public = backup::generate_identity(&path).expect("identity");
    (path, public.parse().expect("recipients"))
}

pub fn tools() -> PgTools {
    PgTools {
        bin_dir: std::env::var_os("PG_BIN_DIR").map(PathBuf::from),
    }
}

/// Tombstones with the binary's key, in a file of this test's own.
pub fn tombstones(dir: &Path) -> Tombstones {
    Tombstones {
        key: super::tombstones().key,
        file: dir.join("erasures.jsonl"),
    }
}

/// Every column of every call, in id order, as one digest.
pub async fn calls_digest(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "select md5(coalesce(string_agg(c::text, '|' order by c.id), '')) from calls c",
    )
    .fetch_one(pool)
    .await
    .expect("digest")
}

/// A production-like database with 40 demo calls and a note, imported as the runtime role.
pub async fn with_calls(admin: &PgPool) -> Owned {
    let source = Owned::new(admin, true).await;
    let runtime = source.pool(app::db::RUNTIME_ROLE).await;
    super::import_demo_calls(&runtime, 40, &[]).await;
    sqlx::query("insert into notes (call_id, body) select min(id), 'Bitte zurückrufen' from calls")
        .execute(&runtime)
        .await
        .expect("note");
    source
}

pub async fn tables(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public'",
    )
    .fetch_one(pool)
    .await
    .expect("tables")
}

/// A production-like database with calls, its backup into `dir`, and the identity file that
/// opens the backup.
pub async fn backed_up(admin: &PgPool, dir: &Path) -> (Owned, Created, PathBuf) {
    let (identity, recipients) = key_pair(dir, "backup.key");
    let source = with_calls(admin).await;
    let created = backup::create(&source.url("anrufe_owner"), dir, &recipients, &tools())
        .await
        .expect("backup");
    (source, created, identity)
}

/// Restores `file` into `target` as its owner, with the tombstones `stones`.
pub async fn restore_into(
    target: &Owned,
    file: &Path,
    identity: &Path,
    stones: &Tombstones,
) -> Result<Restore, BackupError> {
    backup::restore(
        file,
        &Identity::from_file(identity).expect("identity"),
        &target.url("anrufe_owner"),
        &tools(),
        Retention::default(),
        stones,
    )
    .await
}

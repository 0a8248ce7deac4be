//! Helpers shared by the importer's integration tests.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]

use std::{io::Write, path::Path};

use app::dsgvo::tombstones::ErasureKey;
use chrono::Utc;
use importer::{Importer, Summary};
use serde_json::json;
use sqlx::PgPool;

pub const FILE: &str = "calls-2026-11-22.jsonl";

pub fn append(dir: &Path, name: &str, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(name))
        .expect("open call file");
    file.write_all(text.as_bytes())
        .expect("append to call file");
}

pub fn line(event_id: &str, topic: &str) -> String {
    format!(
        "{}\n",
        json!({
            "event_id": event_id,
            "received_at": Utc::now().to_rfc3339(),
            "caller_number": "030 1234567",
            "caller_name": "Anna Müller",
            "topic": topic,
        })
    )
}

pub async fn import(pool: &PgPool, dir: &Path) -> Summary {
    Importer::new(pool.clone(), dir, key())
        .run_once()
        .await
        .expect("import pass")
}

/// The erasure key of this test binary: what a test erases, its importer skips.
pub fn key() -> ErasureKey {
    static KEY: std::sync::OnceLock<ErasureKey> = std::sync::OnceLock::new();
    data_keys_file();
    KEY.get_or_init(ErasureKey::random).clone()
}

pub async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .expect("count rows")
}

/// Makes `change` to the source policy the way admins must: one drafts it, another approves.
pub async fn change_policy(
    pool: &PgPool,
    change: impl FnOnce(&mut app::compliance::policy::PolicyDocument),
) {
    let mut ids = Vec::new();
    for who in ["autorin", "prüfer"] {
        let id: i64 = sqlx::query_scalar(
            "insert into users (name, email, role) values ($1, $1 || '@praxis.example', 'ADMIN')
             on conflict (email) do update set name = excluded.name returning id",
        )
        .bind(who)
        .fetch_one(pool)
        .await
        .expect("an admin");
        ids.push(id);
    }
    let mut document = app::compliance::store::working_document(pool)
        .await
        .expect("the policy");
    change(&mut document);
    let version = app::compliance::approval::save_draft(pool, ids[0], &document)
        .await
        .expect("draft saved");
    app::compliance::approval::approve(pool, ids[1], version)
        .await
        .expect("approved by the second admin");
}

/// The data keys of this test binary, installed for the process (whoever needs the erasure key
/// stores calls, so [`key`] installs them) and written to this file for the importer binary.
pub fn data_keys_file() -> std::path::PathBuf {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let path = tempfile::tempdir()
            .expect("temp dir")
            .keep()
            .join("data-keys.json");
        let ring = app::at_rest::Keyring::generate();
        ring.write(&path).expect("data keys file");
        ring.install().expect("the first install of this binary");
        path
    })
    .clone()
}

//! Helpers shared by the importer's integration tests.

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
    KEY.get_or_init(ErasureKey::random).clone()
}

pub async fn count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .expect("count rows")
}

//! The importer killed with SIGKILL at random moments while a writer appends lines (with
//! partial writes and new daily files), many cycles: at the end every line written is stored
//! exactly once, no half line was ever taken for a bad one, and every offset is at the end.

mod common;

use std::{
    collections::BTreeSet,
    io::Write,
    path::{Path, PathBuf},
    process::{Child, Command},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::dsgvo::tombstones::ErasureKey;
use chrono::Utc;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;
use sqlx::PgPool;

const CYCLES: usize = 25;

/// The test database's URL as the runtime role, which the importer connects as in production.
fn database_url(pool: &PgPool) -> String {
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (cluster, _) = base.rsplit_once('/').expect("a database URL");
    let name = pool
        .connect_options()
        .get_database()
        .unwrap_or("postgres")
        .to_owned();
    format!(
        "{cluster}/{name}?options=-c%20role%3D{}",
        app::db::RUNTIME_ROLE
    )
}

fn start_importer(dir: &Path, key: &Path, url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_importer"))
        .args(["--dir", &dir.display().to_string()])
        .env("DATABASE_URL", url)
        .env("ERASURE_KEY_FILE", key)
        .env("DATA_KEYS_FILE", common::data_keys_file())
        .env("RUST_LOG", "error")
        .spawn()
        .expect("start the importer")
}

/// Appends numbered lines until `stop`: each line sometimes in two writes with a pause
/// between them, and every 150 lines into the next day's file. Returns the ids written.
fn write_lines(dir: PathBuf, stop: Arc<AtomicBool>, seed: u64) -> BTreeSet<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut written = BTreeSet::new();
    let mut number = 0_usize;
    while !stop.load(Ordering::Relaxed) {
        let day = 10 + number / 150;
        let path = dir.join(format!("calls-2026-11-{day:02}.jsonl"));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .expect("open");
        let event_id = format!("crash-{number:06}");
        let text = format!(
            "{}\n",
            json!({"event_id": event_id, "received_at": Utc::now().to_rfc3339(),
                   "caller_number": "+49 30 1234567", "topic": format!("Anruf {number}")})
        );
        if rng.random_ratio(1, 4) {
            let cut = rng.random_range(1..text.len());
            file.write_all(&text.as_bytes()[..cut])
                .expect("write first part");
            file.flush().expect("flush");
            std::thread::sleep(Duration::from_millis(rng.random_range(1..30)));
            file.write_all(&text.as_bytes()[cut..]).expect("write rest");
        } else {
            file.write_all(text.as_bytes()).expect("write line");
        }
        written.insert(event_id);
        number += 1;
        std::thread::sleep(Duration::from_micros(rng.random_range(0..1500)));
    }
    written
}

#[sqlx::test(migrations = "../migrations")]
async fn killing_the_importer_at_random_moments_loses_and_repeats_nothing(pool: PgPool) {
    // ANRUFE_CRASH_SEED repeats a failed run; the seed is in every assertion message.
    let seed = std::env::var("ANRUFE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |elapsed| elapsed.as_nanos() as u64)
        });
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_url(&pool);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (dir, stop) = (dir.path().to_owned(), stop.clone());
        std::thread::spawn(move || write_lines(dir, stop, seed))
    };

    // The server makes the erasure key; the importer on its own only reads it.
    let key_file = tempfile::tempdir()
        .expect("key dir")
        .keep()
        .join("erasure.key");
    let key = ErasureKey::open_or_create(&key_file).expect("erasure key");
    let mut rng = StdRng::seed_from_u64(seed ^ 1);
    for _ in 0..CYCLES {
        let mut importer = start_importer(dir.path(), &key_file, &url);
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..400))).await;
        let exited = importer.try_wait().expect("the importer's state");
        assert!(
            exited.is_none(),
            "seed {seed}: the importer stopped on its own: {exited:?}"
        );
        importer.kill().expect("SIGKILL the importer");
        importer.wait().expect("reap the importer");
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().expect("writer thread");
    let summary = importer::Importer::new(pool.clone(), dir.path(), key)
        .run_once()
        .await
        .expect("final pass");

    let stored: BTreeSet<String> = sqlx::query_scalar("select event_id from calls")
        .fetch_all(&pool)
        .await
        .expect("calls")
        .into_iter()
        .collect();
    assert_eq!(summary.dead_letter_total(), 0, "seed {seed}: {summary}");
    assert_eq!(
        stored.len(),
        written.len(),
        "seed {seed}: stored {} of {} lines",
        stored.len(),
        written.len()
    );
    assert_eq!(stored, written, "seed {seed}");
    let dead: i64 = sqlx::query_scalar("select count(*) from dead_letters")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(
        dead, 0,
        "seed {seed}: a partial line was taken for a bad one"
    );
    let edits: i64 =
        sqlx::query_scalar("select count(*) from actions_audit where action_type = 'edit'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(
        edits, 0,
        "seed {seed}: a line was applied twice with different content"
    );
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let offset: i64 =
            sqlx::query_scalar("select byte_offset from import_offsets where file_name = $1")
                .bind(&name)
                .fetch_one(&pool)
                .await
                .expect("offset");
        assert_eq!(
            offset as u64,
            entry.metadata().expect("metadata").len(),
            "seed {seed}: {name}"
        );
    }
    assert!(
        written.len() > 500,
        "the writer wrote only {} lines",
        written.len()
    );
}

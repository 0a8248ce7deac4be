//! Import throughput against PostgreSQL's own COPY, on the same lines in the same run.
//!
//! `DATABASE_URL=postgres://…/postgres cargo bench -p importer --bench import`
//! (BENCH_LINES sets the number of lines, default 1 000 000). It creates the databases
//! `anrufe_bench_import` and `anrufe_bench_copy` on that server, drops them again, and prints
//! lines per second for both, their ratio, the rate of validation alone (the importer's own
//! share of the work) and the peak memory of this process.

#![expect(
    clippy::print_stdout,
    reason = "the printed report is what the bench is for"
)]

use std::{io::Write, path::Path, time::Instant};

use anyhow::Context;
use chrono::{Duration, Utc};
use sqlx::{Connection, PgConnection, PgPool};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The dates of birth are sealed as in production, under a key of this run.
    app::at_rest::Keyring::generate().install()?;
    let server = std::env::var("DATABASE_URL")
        .context("DATABASE_URL must name a server the bench may create databases on")?;
    let lines: usize = std::env::var("BENCH_LINES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let bytes = write_lines(dir.path(), lines)?;
    eprintln!("generated {lines} lines ({:.0} MB)", bytes as f64 / 1e6);

    let import_pool = fresh_database(&server, "anrufe_bench_import").await?;
    let started = Instant::now();
    let summary = importer::Importer::new(
        import_pool.clone(),
        dir.path(),
        app::dsgvo::tombstones::ErasureKey::random(),
    )
    .run_once()
    .await?;
    let import_seconds = started.elapsed().as_secs_f64();
    let import_rss = peak_rss_mb();
    let validate_rate = validation_rate(dir.path())?;
    anyhow::ensure!(
        summary.new == lines as u64,
        "imported {} of {lines} lines: {summary}",
        summary.new
    );
    import_pool.close().await;

    let copy_pool = plain_database(&server, "anrufe_bench_copy").await?;
    sqlx::query("create table raw_lines (line text not null)")
        .execute(&copy_pool)
        .await?;
    let started = Instant::now();
    copy_lines(&copy_pool, dir.path()).await?;
    let copy_seconds = started.elapsed().as_secs_f64();
    copy_pool.close().await;
    drop_databases(&server).await?;

    let import_rate = lines as f64 / import_seconds;
    let copy_rate = lines as f64 / copy_seconds;
    println!("lines:            {lines}");
    println!("importer:         {import_rate:>10.0} lines/s ({import_seconds:.1} s)");
    println!("COPY (reference): {copy_rate:>10.0} lines/s ({copy_seconds:.1} s)");
    println!("ratio:            {:>10.2} × COPY", import_rate / copy_rate);
    println!("validation alone: {validate_rate:>10.0} lines/s (one core, no database)");
    println!("peak RSS:         {import_rss:>10.0} MB (after the import, before COPY)");
    Ok(())
}

/// Demo lines of the last three days, written in daily files the way the phone assistant does.
fn write_lines(dir: &Path, lines: usize) -> anyhow::Result<u64> {
    let now = Utc::now();
    let mut bytes = 0;
    const CHUNK: usize = 100_000;
    for (chunk, start) in (0..lines).step_by(CHUNK).enumerate() {
        let count = CHUNK.min(lines - start);
        let chunk_now = now - Duration::minutes(chunk as i64);
        let path = dir.join(format!("calls-2026-01-{:02}.jsonl", chunk + 1));
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        // Each chunk has its own seed, which is part of every event_id: ids stay unique.
        for (_, line) in importer::demo::demo_lines(count, chunk as u64, chunk_now) {
            bytes += line.len() as u64 + 1;
            writeln!(file, "{line}")?;
        }
        file.flush()?;
    }
    Ok(bytes)
}

/// A migrated database `name`, with a pool on it as the runtime role.
async fn fresh_database(server: &str, name: &str) -> anyhow::Result<PgPool> {
    let url = empty_database(server, name).await?;
    app::db::migrate(&url).await?;
    // The importer runs as the runtime role, as in production.
    let url = format!("{url}?options=-c%20role%3D{}", app::db::RUNTIME_ROLE);
    Ok(app::db::connect(&url, 4, app::domain::Retention::MAX).await?)
}

/// An empty database `name` for the COPY reference, with a pool on it as the server's user
/// (the runtime role may not create tables).
async fn plain_database(server: &str, name: &str) -> anyhow::Result<PgPool> {
    let url = empty_database(server, name).await?;
    Ok(PgPool::connect(&url).await?)
}

/// Creates database `name` on `server` anew; its URL as the server's user.
async fn empty_database(server: &str, name: &str) -> anyhow::Result<String> {
    let mut admin = PgConnection::connect(server).await?;
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(&mut admin)
        .await?;
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await?;
    Ok(format!(
        "{}/{name}",
        server.rsplit_once('/').map_or(server, |(base, _)| base)
    ))
}

async fn drop_databases(server: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(server).await?;
    for name in ["anrufe_bench_import", "anrufe_bench_copy"] {
        sqlx::query(&format!("drop database if exists {name} with (force)"))
            .execute(&mut admin)
            .await?;
    }
    Ok(())
}

/// Lines per second that validation alone manages on one core: the importer's share of the
/// work, which the database's share has to be set against.
fn validation_rate(dir: &Path) -> anyhow::Result<f64> {
    let policy = importer::validate::Policy {
        now: Utc::now(),
        retention_cutoff: Utc::now() - chrono::Duration::days(30),
        compliance: app::compliance::store::ActivePolicy::new(
            1,
            app::compliance::policy::PolicyDocument::initial(),
        )?,
        rules: Default::default(),
    };
    let (mut lines, mut seconds) = (0, 0.0);
    for entry in std::fs::read_dir(dir)? {
        // One file at a time, so memory stays that of one file.
        let text = std::fs::read(entry?.path())?;
        let started = Instant::now();
        for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            std::hint::black_box(importer::validate::validate(line, &policy));
            lines += 1;
        }
        seconds += started.elapsed().as_secs_f64();
    }
    Ok(lines as f64 / seconds)
}

/// COPY in CSV form with quote and delimiter bytes that never occur in the lines, so each
/// line lands unchanged in one text column.
async fn copy_lines(pool: &PgPool, dir: &Path) -> anyhow::Result<()> {
    let mut connection = pool.acquire().await?;
    let mut copy = connection
        .copy_in_raw("copy raw_lines (line) from stdin with (format csv, quote e'\\x01', delimiter e'\\x02')")
        .await?;
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.sort();
    for path in paths {
        // One send per file: sqlx's `read_from` corrupts the stream when called a second time.
        copy.send(tokio::fs::read(path).await?).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// The most memory this process has held (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

//! What the nightly purge costs the front desk: the calls table's first pages timed while
//! nothing else runs, then while the purge deletes one day's BENCH_OLD_CALLS (default 100 000)
//! calls past the retention period with their history, notes and audit rows, pausing between
//! batches as the nightly job does, in the same run on the same data. The targets: the list's
//! p95 during the purge within 2× of its p95 without, no list request slower than 100 ms, and
//! nobody waiting on a lock of the purge (sampled every 5 ms).
//!
//! `DATABASE_URL=postgres://…/postgres cargo bench -p server --bench purge`. It creates the
//! database `anrufe_bench_purge` on that server, fills it with BENCH_CALLS (default 100 000)
//! calls of the last 25 days and the old calls on the 31st day back, and drops it again. A
//! day's calls of a practice group with 10 M calls in the period:
//! `BENCH_CALLS=10000000 BENCH_OLD_CALLS=400000`.

#![expect(
    clippy::print_stdout,
    reason = "the printed report is what the bench is for"
)]

mod support;

use std::time::Instant;

use anyhow::Context;
use app::{
    domain::{CallQuery, CallStatus, MaskingPolicy, PageAt, PurgeTrigger, TimeRange},
    retention::{self, PurgeOptions},
};
use chrono::{Days, Utc};
use sqlx::{Connection, PgConnection, PgPool};
use support::{Figures, figures};

const DATABASE: &str = "anrufe_bench_purge";
const SAMPLES: usize = 300;
const WARM_UP: usize = 20;
/// Calls per insert statement of the fill.
const FILL_BATCH: usize = 250_000;

fn count(name: &str, default: usize) -> anyhow::Result<usize> {
    std::env::var(name)
        .map_or(Ok(default), |text| text.trim().parse())
        .with_context(|| format!("{name} is a number of calls"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The dates of birth are sealed as in production, under a key of this run.
    app::at_rest::Keyring::generate().install()?;
    let server = std::env::var("DATABASE_URL")
        .context("DATABASE_URL must name a server the bench may create databases on")?;
    let young = count("BENCH_CALLS", 100_000)?;
    let old = count("BENCH_OLD_CALLS", 100_000)?;
    let (pool, _) = support::fresh_database(&server, DATABASE).await?;
    let admin_url = support::database_url(&server, DATABASE);
    let mut admin = PgConnection::connect(&admin_url).await?;
    fill(&mut admin, young, old).await?;

    let queries = [
        ("list: first page", CallQuery::default()),
        (
            "list: open calls of the last week",
            CallQuery {
                statuses: vec![CallStatus::New, CallStatus::InProgress],
                range: Some(TimeRange::Days {
                    from: Some(Utc::now().date_naive() - Days::new(7)),
                    to: None,
                }),
                ..CallQuery::default()
            },
        ),
    ];
    let mut quiet = Vec::new();
    for (_, query) in &queries {
        quiet.push(sample(&pool, query, SAMPLES).await?);
    }

    let purging = {
        let pool = pool.clone();
        tokio::spawn(async move {
            let options = PurgeOptions {
                trigger: PurgeTrigger::Command,
                dry_run: false,
                import_dir: None,
                yield_to_readers: true,
            };
            let started = Instant::now();
            let report = retention::purge(&pool, &options, |_| {}).await;
            (report, started.elapsed())
        })
    };
    let (stop_sampling, stopped) = tokio::sync::oneshot::channel();
    let waits = tokio::spawn(lock_waits(
        PgConnection::connect(&admin_url).await?,
        stopped,
    ));
    let mut busy: Vec<Vec<f64>> = vec![Vec::new(); queries.len()];
    while !purging.is_finished() {
        for ((_, query), timings) in queries.iter().zip(&mut busy) {
            timings.extend(timings_of(&pool, query, 1).await?);
        }
    }
    let (report, took) = purging.await?;
    let _ = stop_sampling.send(());
    let waits = waits.await??;
    let report = report.context("the purge failed")?;
    anyhow::ensure!(
        report.counts.calls == old as i64,
        "the purge deleted {} calls, expected {old}",
        report.counts.calls
    );

    println!(
        "\n{young} calls in the period; the purge deleted {} calls, {} notes, {} status entries and the diffs of {} audit rows in {:.1} s ({:.0} calls/s)",
        report.counts.calls,
        report.counts.notes,
        report.counts.status_entries,
        report.counts.audit_diffs,
        took.as_secs_f64(),
        report.counts.calls as f64 / took.as_secs_f64()
    );
    println!(
        "sessions waiting on a lock during the purge: in {} of {} samples (every 5 ms)",
        waits.waiting, waits.samples
    );
    println!(
        "{:<36} {:>17} {:>17} {:>10} {:>9}",
        "(p50 / p95 in ms)", "without purge", "during purge", "p95 ratio", "max"
    );
    for (((name, _), quiet), busy) in queries.iter().zip(quiet).zip(busy) {
        let samples = busy.len();
        let slowest = busy.iter().copied().fold(0.0, f64::max);
        let busy = figures(busy);
        println!(
            "{:<36} {:>7.1} / {:>7.1} {:>7.1} / {:>7.1} {:>9.2}× {:>8.1}  ({samples} samples during)",
            name,
            quiet.p50,
            quiet.p95,
            busy.p50,
            busy.p95,
            busy.p95 / quiet.p95,
            slowest
        );
    }
    pool.close().await;
    admin.close().await?;
    support::drop_database(&server, DATABASE).await?;
    Ok(())
}

/// How often a session of the bench's database was seen waiting for a lock.
struct LockWaits {
    waiting: u64,
    samples: u64,
}

/// Looks every 5 ms, until `stop`, whether any session of this database waits for a lock (a
/// reader or writer blocked by the purge's batches would).
async fn lock_waits(
    mut conn: PgConnection,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> anyhow::Result<LockWaits> {
    let mut waits = LockWaits {
        waiting: 0,
        samples: 0,
    };
    let mut every = tokio::time::interval(std::time::Duration::from_millis(5));
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(waits),
            _ = every.tick() => {}
        }
        let waiting: bool = sqlx::query_scalar(
            "select exists (select from pg_stat_activity
                            where datname = current_database() and wait_event_type = 'Lock')",
        )
        .fetch_one(&mut conn)
        .await?;
        waits.samples += 1;
        waits.waiting += u64::from(waiting);
    }
}

/// `young` calls over the last 25 days and `old` ones on one day 31 days back; of the old ones
/// a third done with a status entry, a tenth with a note and an audit row, as a practice has.
/// Inserted [`FILL_BATCH`] at a time: the repeat-caller fold's statement trigger gets every
/// number a statement wrote, and ten million at once would need gigabytes.
async fn fill(admin: &mut PgConnection, young: usize, old: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    // Each kind's calls spread evenly over `span`, the newest `age` old.
    for (kind, count, name, number, topic, age, span) in [
        (
            "young",
            young,
            "Anna Beispiel",
            "+4930",
            "Rezept",
            "0 days",
            "25 days",
        ),
        (
            "old", old, "Otto Alt", "+4989", "Termin", "31 days", "1 day",
        ),
    ] {
        for first in (1..=count).step_by(FILL_BATCH) {
            let last = (first + FILL_BATCH - 1).min(count);
            let batch = Instant::now();
            sqlx::raw_sql(&format!(
                "insert into calls (event_id, received_at, caller_name, caller_number, topic,
                                    status, raw_payload, content_hash)
                 select '{kind}-' || n,
                        now() - interval '{age}' - (n::float / {count}) * interval '{span}',
                        '{name}', '{number}' || (1000000 + n), '{topic}', case when n % 3 = 0 then 'DONE' else 'NEW' end::call_state,
                        '{{}}', '\\x00'
                 from generate_series({first}, {last}) n"
            ))
            .execute(&mut *admin)
            .await?;
            // As autovacuum would: the fold's trigger finds its numbers by index only when
            // the planner knows the table has grown.
            sqlx::query("analyze calls").execute(&mut *admin).await?;
            // How inserting slows as the table and its indexes grow.
            eprintln!(
                "{last} {kind} calls: the last {} at {:.0} calls/s",
                last + 1 - first,
                (last + 1 - first) as f64 / batch.elapsed().as_secs_f64()
            );
        }
    }
    sqlx::raw_sql(
        "insert into call_status (call_id, status, changed_at)
         select id, 'DONE', received_at + interval '20 minutes'
         from calls where event_id like 'old-%' and status = 'DONE';
         insert into notes (call_id, body)
         select id, 'Rückruf erbeten' from calls where event_id like 'old-%' and id % 10 = 0;
         insert into actions_audit (call_id, action_type, actor_kind, diff)
         select id, 'note', 'system', '{\"body\": \"Rückruf erbeten\"}'
         from calls where event_id like 'old-%' and id % 10 = 0 order by id;",
    )
    .execute(&mut *admin)
    .await?;
    sqlx::query("vacuum analyze").execute(&mut *admin).await?;
    eprintln!(
        "filled {young} + {old} calls in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn timings_of(pool: &PgPool, query: &CallQuery, rounds: usize) -> anyhow::Result<Vec<f64>> {
    let mut millis = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        let page = app::db::calls::list(
            pool,
            app::db::calls::Reader {
                policy: &MaskingPolicy::OPEN,
                restricted: app::db::calls::Restricted::Hidden,
                folding: app::repeat::store::Folding::of_desk(query),
            },
            query,
            PageAt::First,
            app::db::calls::PAGE_SIZE,
            Utc::now(),
        )
        .await?;
        millis.push(started.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(!page.items.is_empty(), "the list came back empty");
    }
    Ok(millis)
}

/// `rounds` timings after a warm-up, as percentiles.
async fn sample(pool: &PgPool, query: &CallQuery, rounds: usize) -> anyhow::Result<Figures> {
    timings_of(pool, query, WARM_UP).await?;
    Ok(figures(timings_of(pool, query, rounds).await?))
}

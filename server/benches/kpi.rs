//! How fast the desk's tiles (`app::kpi::tiles`) and the admins' evaluation
//! (`app::kpi::report`) answer at BENCH_CALLS calls (default 1 000 000; the target is 50 ms),
//! next to the same figures computed the usual way — the tiles from the status history with
//! `status <> 'DONE'`, the evaluation straight from the calls — on the same data in the same
//! run; and how long the `kpi` job's recount takes.
//!
//! `DATABASE_URL=postgres://…/postgres cargo bench -p server --bench kpi`. It creates the
//! database `anrufe_bench_kpi` on that server, fills it with calls of the last 25 days (done
//! after up to four hours, with their status history; one in five of the last two days' open)
//! and drops it again.

#![expect(
    clippy::print_stdout,
    reason = "the printed report is what the bench is for"
)]

mod support;

use std::time::Instant;

use anyhow::Context;
use app::{
    db::calls::Restricted,
    domain::TimeRange,
    kpi::{report, tiles},
};
use chrono::Utc;
use sqlx::{Connection, PgConnection, PgPool};
use support::figures;

const DATABASE: &str = "anrufe_bench_kpi";
const SAMPLES: usize = 200;
const NAIVE_SAMPLES: usize = 20;
const WARM_UP: usize = 10;
const TARGET_MS: f64 = 50.0;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let server = std::env::var("DATABASE_URL")
        .context("DATABASE_URL must name a server the bench may create databases on")?;
    let calls: usize = std::env::var("BENCH_CALLS")
        .map_or(Ok(1_000_000), |text| text.trim().parse())
        .context("BENCH_CALLS is a number of calls")?;
    let (pool, _) = support::fresh_database(&server, DATABASE).await?;
    let mut admin = PgConnection::connect(&support::database_url(&server, DATABASE)).await?;
    fill(&mut admin, calls).await?;

    let mut conn = pool.acquire().await?;
    let sample = tiles::read(&mut conn, Restricted::Hidden, Utc::now()).await?;
    println!("\n{calls} calls: {sample:?}");
    println!("{:<32} {:>9} {:>9}", "(ms)", "p50", "p95");
    for (label, restricted) in [
        ("tiles, an agent's", Restricted::Hidden),
        ("tiles, an admin's", Restricted::Shown),
    ] {
        let mut millis = Vec::with_capacity(SAMPLES);
        for round in 0..WARM_UP + SAMPLES {
            let started = Instant::now();
            tiles::read(&mut conn, restricted, Utc::now()).await?;
            if round >= WARM_UP {
                millis.push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
        print_against_target(label, millis);
    }
    let at = figures(naive(&pool).await?);
    println!(
        "{:<32} {:>9.2} {:>9.2}",
        "naive (status history)", at.p50, at.p95
    );

    let started = Instant::now();
    let counted = report::recount(&pool, Utc::now(), report::ALL_DAYS).await?;
    println!(
        "recount by the kpi job: {:.0} ms ({counted:?})",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut millis = Vec::with_capacity(SAMPLES);
    for round in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        report::read(&mut conn, Utc::now()).await?;
        if round >= WARM_UP {
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    print_against_target("evaluation, 30 days", millis);
    let at = figures(naive_report(&pool).await?);
    println!(
        "{:<32} {:>9.2} {:>9.2}",
        "naive (from the calls)", at.p50, at.p95
    );
    drop(conn);
    pool.close().await;
    support::drop_database(&server, DATABASE).await
}

/// Calls over the last 25 days, the newest first in id order, done after up to four hours (some
/// of them today) with their status history; of the last two days' one in five is still open.
async fn fill(admin: &mut PgConnection, calls: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    sqlx::raw_sql(&format!(
        "insert into calls (event_id, received_at, caller_name, caller_number, topic, status,
                            raw_payload, content_hash)
         select 'kpi-' || n, now() - (n::float / {calls}) * interval '25 days',
                'Anna Beispiel', '+4930' || (1000000 + n), 'Rezept',
                case when n > {calls} * 2 / 25 then 'DONE' when n % 10 = 0 then 'NEW'
                     when n % 10 = 1 then 'IN_PROGRESS' else 'DONE' end::call_state,
                '{{}}', '\\x00'
         from generate_series(1, {calls}) n;
         update calls set done_at = least(now(), received_at + (id % 240) * interval '1 minute')
          where status = 'DONE';
         insert into call_status (call_id, status, changed_at)
         select id, 'DONE', done_at from calls where status = 'DONE';"
    ))
    .execute(&mut *admin)
    .await?;
    sqlx::query("vacuum analyze").execute(&mut *admin).await?;
    eprintln!(
        "filled {calls} calls in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The same four figures as they are usually written: open by `status <> 'DONE'`, done today
/// and its median from the status history.
async fn naive(pool: &PgPool) -> anyhow::Result<Vec<f64>> {
    let mut millis = Vec::with_capacity(NAIVE_SAMPLES);
    for _ in 0..NAIVE_SAMPLES {
        let (today, _) = TimeRange::Today.bounds(Utc::now());
        let started = Instant::now();
        sqlx::query(
            "select (select count(*) from calls where status <> 'DONE'),
                    (select min(received_at) from calls where status <> 'DONE'),
                    count(distinct s.call_id),
                    percentile_cont(0.5) within group
                      (order by extract(epoch from s.changed_at - c.received_at))
               from call_status s join calls c on c.id = s.call_id
              where s.status = 'DONE' and s.changed_at >= $1",
        )
        .bind(today)
        .fetch_one(pool)
        .await?;
        millis.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(millis)
}

/// The evaluation's daily figures straight from the calls of the last 30 days.
async fn naive_report(pool: &PgPool) -> anyhow::Result<Vec<f64>> {
    let mut millis = Vec::with_capacity(NAIVE_SAMPLES);
    for _ in 0..NAIVE_SAMPLES {
        let started = Instant::now();
        sqlx::query(
            "select date_trunc('day', received_at at time zone 'Europe/Berlin'), count(*),
                    count(*) filter (where status = 'DONE'),
                    count(*) filter (where escalated_at is not null),
                    percentile_cont(array[0.5, 0.9]) within group
                      (order by extract(epoch from done_at - received_at))
               from calls where received_at >= now() - interval '30 days'
              group by 1",
        )
        .fetch_all(pool)
        .await?;
        millis.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(millis)
}

/// One line: p50 and p95 of `millis`, and whether the p95 is within the target.
fn print_against_target(label: &str, millis: Vec<f64>) {
    let at = figures(millis);
    let verdict = if at.p95 <= TARGET_MS {
        "within"
    } else {
        "OVER"
    };
    println!(
        "{label:<32} {:>9.2} {:>9.2}   {verdict} the {TARGET_MS} ms target",
        at.p50, at.p95
    );
}

//! Whether status changes made at once by many people are ever lost: 50 clients, each its own
//! user, change the status of 100 calls 10 000 times through the REST API, each change made on
//! the version that client last saw. Every change must either be applied exactly once or be
//! answered 409 with the call as it is now; the bench checks that against the status history
//! and the audit trail, and prints the latencies.
//!
//! `DATABASE_URL=postgres://…/postgres cargo bench -p server --bench conflicts`. It creates the
//! database `anrufe_bench_conflicts` on that server and drops it again.

#![expect(
    clippy::print_stdout,
    reason = "the printed report is what the bench is for"
)]

use std::{collections::HashMap, io::Write, time::Instant};

use anyhow::Context;
use app::domain::CallStatus;
use rand::{Rng, SeedableRng, seq::IndexedRandom};
use served::{Login, RunKeys, ServerProcess};
use sqlx::PgPool;
use support::figures;

mod served;
mod support;

const DATABASE: &str = "anrufe_bench_conflicts";
const CLIENTS: usize = 50;
const CALLS: usize = 100;
const CHANGES: usize = 10_000;
const STATUSES: [CallStatus; 3] = [CallStatus::New, CallStatus::InProgress, CallStatus::Done];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let keys = RunKeys::install()?;
    let server = served::database_server()?;
    let (pool, url) = support::fresh_database(&server, DATABASE).await?;
    let start = fill(&pool).await?;
    let mut logins = Vec::with_capacity(CLIENTS);
    for n in 0..CLIENTS {
        logins.push(Login::create(&pool, n).await?);
    }
    let clients_of: HashMap<i64, usize> = logins
        .iter()
        .enumerate()
        .map(|(n, login)| (login.user_id, n))
        .collect();
    let app = ServerProcess::start(&url, &keys).await?;
    app.settled(&support::database_url(&server, DATABASE))
        .await?;

    let started = Instant::now();
    let clients = logins.into_iter().enumerate().map(|(n, login)| {
        let base = app.base.clone();
        let start = start.clone();
        tokio::spawn(async move { client(n, &base, &login.token, start).await })
    });
    let mut answers = Vec::with_capacity(CHANGES);
    for client in futures_util::future::join_all(clients).await {
        answers.extend(client??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let outcome = check(&pool, &start, &clients_of, &answers).await?;

    let latency = |pick: fn(&Answer, bool) -> bool| {
        let millis: Vec<f64> = answers
            .iter()
            .zip(&outcome.made)
            .filter(|(answer, made)| pick(answer, **made))
            .map(|(answer, _)| answer.millis)
            .collect();
        let count = millis.len();
        (count > 0).then(|| (count, figures(millis)))
    };
    println!(
        "\n{CHANGES} status changes by {CLIENTS} clients on {CALLS} calls in {elapsed:.1} s \
         ({:.0} per second)",
        CHANGES as f64 / elapsed
    );
    for (name, pick) in [
        ("all answers", (|_, _| true) as fn(&Answer, bool) -> bool),
        ("applied (200, changed)", |_, made| made),
        ("already so (200, unchanged)", |a, made| a.ok && !made),
        ("conflict (409)", |a, _| !a.ok),
    ] {
        if let Some((count, figures)) = latency(pick) {
            println!(
                "{name:<30} {count:>6}   p50 {:>6.1} ms   p95 {:>6.1} ms",
                figures.p50, figures.p95
            );
        }
    }
    println!(
        "status history rows {}, audit rows {}; lost updates: {}; server peak RSS {:.1} MB",
        outcome.history,
        outcome.audited,
        outcome.lost,
        app.memory_mb("VmHWM:")
    );
    std::io::stdout().flush()?;
    drop(app);
    pool.close().await;
    support::drop_database(&server, DATABASE).await?;
    anyhow::ensure!(
        outcome.lost == 0,
        "{} changes were lost or misreported",
        outcome.lost
    );
    Ok(())
}

/// A call as a client last saw it.
#[derive(Clone, Copy)]
struct Seen {
    version: i32,
    status: CallStatus,
}

/// One answer of the server to one change.
struct Answer {
    client: usize,
    call: i64,
    /// The status asked for.
    status: CallStatus,
    /// 200; otherwise 409.
    ok: bool,
    sent_version: i32,
    /// The call as the answer shows it (for 409, as it is now).
    now: Seen,
    millis: f64,
}

impl Answer {
    /// Whether this answer says the change was made: the version moved on by exactly one, to
    /// the status asked for. ("Already so" answers the call as it is, which looks the same
    /// when someone else has just made the same change; [`check`] tells the two apart.)
    fn looks_applied(&self) -> bool {
        self.ok && self.now.version == self.sent_version + 1 && self.now.status == self.status
    }
}

/// One client's share of the changes: each to a call picked at random, to a status other than
/// the one it last saw, on the version it last saw.
async fn client(
    n: usize,
    base: &str,
    token: &str,
    mut seen: HashMap<i64, Seen>,
) -> anyhow::Result<Vec<Answer>> {
    let http = reqwest::Client::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(n as u64);
    let ids: Vec<i64> = seen.keys().copied().collect();
    let mut answers = Vec::with_capacity(CHANGES / CLIENTS);
    for _ in 0..CHANGES / CLIENTS {
        let call = *ids.choose(&mut rng).context("no calls")?;
        let before = seen[&call];
        let others: Vec<CallStatus> = STATUSES
            .into_iter()
            .filter(|s| *s != before.status)
            .collect();
        let status = others[rng.random_range(0..others.len())];
        let started = Instant::now();
        let response = http
            .patch(format!("{base}/api/v1/calls/{call}/status"))
            .bearer_auth(token)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(serde_json::json!({ "status": status, "version": before.version }).to_string())
            .send()
            .await?;
        let millis = started.elapsed().as_secs_f64() * 1e3;
        let code = response.status();
        let body: serde_json::Value = serde_json::from_slice(&response.bytes().await?)?;
        let item = match code.as_u16() {
            200 => &body,
            409 => &body["error"]["current"],
            _ => anyhow::bail!("change of call {call} answered {code}: {body}"),
        };
        let now = Seen {
            version: serde_json::from_value(item["version"].clone())?,
            status: serde_json::from_value(item["status"].clone())?,
        };
        seen.insert(call, now);
        answers.push(Answer {
            client: n,
            call,
            status,
            ok: code.is_success(),
            sent_version: before.version,
            now,
            millis,
        });
    }
    Ok(answers)
}

/// 100 demo calls, all open and of normal priority (so no job escalates one meanwhile), as
/// every client sees them at the start.
async fn fill(pool: &PgPool) -> anyhow::Result<HashMap<i64, Seen>> {
    let dir = tempfile::tempdir()?;
    let now = chrono::Utc::now();
    let name = format!("calls-{}.jsonl", now.format("%Y-%m-%d"));
    let mut file = std::fs::File::create(dir.path().join(name))?;
    for (_, line) in importer::demo::demo_lines(CALLS, 0, now) {
        writeln!(file, "{line}")?;
    }
    drop(file);
    importer::Importer::new(
        pool.clone(),
        dir.path(),
        app::dsgvo::tombstones::ErasureKey::random(),
    )
    .run_once()
    .await?;
    sqlx::query("update calls set status = 'NEW', priority = 'normal', received_at = now()")
        .execute(pool)
        .await?;
    let rows: Vec<(i64, i32, CallStatus)> =
        sqlx::query_as("select id, version, status from calls order by id")
            .fetch_all(pool)
            .await?;
    anyhow::ensure!(rows.len() == CALLS, "imported {} calls", rows.len());
    Ok(rows
        .into_iter()
        .map(|(id, version, status)| (id, Seen { version, status }))
        .collect())
}

struct Outcome {
    /// Per answer, whether its change is the one the status history records.
    made: Vec<bool>,
    history: usize,
    audited: i64,
    /// Changes made but not answered as made to the one who made them, made twice on one
    /// version, or overwritten: anything but 0 is a bug.
    lost: usize,
}

/// Holds the answers against what the database recorded. The status history of a call, in
/// order, is its applied changes: the k-th made version `start + k`. Each must be the answer
/// of exactly the client whose user made it; every other 200 must name a change that is in the
/// history with the status it asked for; and the call must now be at the last one.
async fn check(
    pool: &PgPool,
    start: &HashMap<i64, Seen>,
    clients_of: &HashMap<i64, usize>,
    answers: &[Answer],
) -> anyhow::Result<Outcome> {
    let history: Vec<(i64, CallStatus, i64)> =
        sqlx::query_as("select call_id, status, changed_by from call_status order by call_id, id")
            .fetch_all(pool)
            .await?;
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from actions_audit where action_type = 'status_change' and actor_kind = 'user'",
    )
    .fetch_one(pool)
    .await?;
    let mut made: HashMap<(i64, i32), (CallStatus, usize)> = HashMap::new();
    let mut last: HashMap<i64, Seen> = start.clone();
    for (call, status, user) in &history {
        let client = *clients_of
            .get(user)
            .context("a status change by someone else than a bench client")?;
        let seen = last.get_mut(call).context("a change of an unknown call")?;
        seen.version += 1;
        seen.status = *status;
        made.insert((*call, seen.version), (*status, client));
    }
    let mut lost = 0;
    let mut answered = Vec::with_capacity(answers.len());
    for answer in answers {
        let made_here = answer.looks_applied()
            && match made.get(&(answer.call, answer.now.version)) {
                // The change this client made.
                Some(&(status, client)) if status == answer.status && client == answer.client => {
                    true
                }
                // The same change, made by another client just before: "already so".
                Some(&(status, _)) if status == answer.status => false,
                // Answered as made, but the history has no such change.
                _ => {
                    lost += 1;
                    false
                }
            };
        answered.push(made_here);
    }
    lost += history
        .len()
        .saturating_sub(answered.iter().filter(|made| **made).count());
    let now: Vec<(i64, i32, CallStatus)> =
        sqlx::query_as("select id, version, status from calls order by id")
            .fetch_all(pool)
            .await?;
    for (id, version, status) in now {
        let expected = last[&id];
        if expected.version != version || expected.status != status {
            lost += 1;
        }
    }
    if audited != history.len() as i64 {
        lost += history.len().abs_diff(audited as usize);
    }
    Ok(Outcome {
        made: answered,
        history: history.len(),
        audited,
        lost,
    })
}

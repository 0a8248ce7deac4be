//! How fast the calls table answers at 100 000 and 1 000 000 calls, against its own SQL as the
//! limit and the common naive implementation as the peer, on the same data in the same run;
//! then what 500 live connections cost. The application runs as the real `server` binary in
//! its own process, so its memory is measured alone.
//!
//! `DATABASE_URL=postgres://…/postgres cargo bench -p server --bench dashboard`
//! (BENCH_CALLS=100000,1000000 by default; the naive peer takes seconds per request at 10 M
//! calls, so BENCH_NAIVE_SAMPLES, default 20, can shorten such a run). It creates the database `anrufe_bench_dashboard`
//! on that server, fills it through the importer with demo calls spread over the 25 days
//! before today (the importer keeps 30), and drops it again.

#![expect(
    clippy::print_stdout,
    reason = "the printed report is what the bench is for"
)]

use std::{
    io::Write,
    time::{Duration, Instant},
};

use anyhow::Context;
use app::{
    auth::{SessionSettings, sessions},
    domain::{CallQuery, CallStatus, MaskingPolicy, PageAt, TimeRange},
};
use chrono::{Days, Utc};
use futures_util::StreamExt;
use served::{Login, RunKeys, ServerProcess};
use sqlx::PgPool;
use support::{Figures, figures};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

mod served;
mod support;

const DATABASE: &str = "anrufe_bench_dashboard";
/// Days the demo calls are spread over: inside the importer's 30-day retention.
const DAYS: usize = 25;
const SAMPLES: usize = 200;
const WARM_UP: usize = 10;
const LIVE_CLIENTS: usize = 500;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let keys = RunKeys::install()?;
    let server = served::database_server()?;
    let sizes: Vec<usize> = std::env::var("BENCH_CALLS")
        .unwrap_or_else(|_| "100000,1000000".to_owned())
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .context("BENCH_CALLS is a comma-separated list of counts")
        })
        .collect::<anyhow::Result<_>>()?;

    let naive_samples: usize = std::env::var("BENCH_NAIVE_SAMPLES")
        .map_or(Ok(20), |text| text.trim().parse())
        .context("BENCH_NAIVE_SAMPLES is a number of requests")?;

    for (index, &calls) in sizes.iter().enumerate() {
        let (pool, url) = support::fresh_database(&server, DATABASE).await?;
        fill(&pool, calls).await?;
        let login = Login::create(&pool, 0).await?;
        let app = ServerProcess::start(&url, &keys).await?;
        app.settled(&support::database_url(&server, DATABASE))
            .await?;
        let base = &app.base;
        println!(
            "\n{calls} calls (p50 / p95 in ms over {SAMPLES} requests; naive over {naive_samples})"
        );
        println!(
            "{:<34} {:>15} {:>15} {:>17} {:>9}",
            "", "API (HTTP)", "SQL (limit)", "naive (peer)", "API/SQL"
        );
        let mut first_page = None;
        for scenario in scenarios(&pool).await? {
            let api = time_api(base, &login, &scenario).await?;
            first_page.get_or_insert(api.p50);
            let sql = time_sql(&pool, &scenario).await?;
            let naive = time_naive(&pool, &scenario, naive_samples).await?;
            println!(
                "{:<34} {:>6.1} / {:>6.1} {:>6.1} / {:>6.1} {:>7.1} / {:>7.1} {:>8.2}×",
                scenario.name,
                api.p50,
                api.p95,
                sql.p50,
                sql.p95,
                naive.p50,
                naive.p95,
                api.p95 / sql.p95
            );
        }
        let (api, sql) = time_detail(base, &login, &pool).await?;
        println!(
            "{:<34} {:>6.1} / {:>6.1} {:>6.1} / {:>6.1} {:>17} {:>8.2}×",
            "detail: the newest call",
            api.p50,
            api.p95,
            sql.p50,
            sql.p95,
            "",
            api.p95 / sql.p95
        );
        let opening = time_opening(&pool).await?;
        println!(
            "{:<34} {:>6.3} / {:>6.3}   = {:.1} % of the first page's API p50",
            "opening a page's 50 sealed dates",
            opening.p50,
            opening.p95,
            100.0 * opening.p50 / first_page.unwrap_or(f64::NAN)
        );
        if index + 1 == sizes.len() {
            live_connections(&app, &pool).await?;
        }
        drop(app);
        pool.close().await;
    }
    support::drop_database(&server, DATABASE).await?;
    Ok(())
}

/// One kind of request, as the API, as our SQL and as the naive peer would make it.
struct Scenario {
    name: &'static str,
    params: String,
    query: CallQuery,
    at: PageAt,
}

async fn scenarios(pool: &PgPool) -> anyhow::Result<Vec<Scenario>> {
    let week_ago = Utc::now().date_naive() - Days::new(7);
    let number: String = sqlx::query_scalar(
        "select caller_number from calls where caller_number like '+49%' order by id limit 1",
    )
    .fetch_one(pool)
    .await?;
    // The national form a person would type: +49 30 1234567 → 0301234; its first five digits
    // match a few thousand numbers at 1 M, its last three one in a thousand.
    let national = format!("0{}", &number[3..]);
    let fragment: String = national.chars().take(7).collect();
    let area: String = national.chars().take(5).collect();
    let last = &number[number.len() - 3..];
    let search = |name, text: &str| Scenario {
        name,
        params: format!(
            "q={}",
            form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
        ),
        query: CallQuery {
            search: Some(text.to_owned()),
            ..CallQuery::default()
        },
        at: PageAt::First,
    };
    Ok(vec![
        Scenario {
            name: "list: first page",
            params: String::new(),
            query: CallQuery::default(),
            at: PageAt::First,
        },
        Scenario {
            name: "list: open calls of the last week",
            params: format!("status=NEW,IN_PROGRESS&from={week_ago}"),
            query: CallQuery {
                statuses: vec![CallStatus::New, CallStatus::InProgress],
                range: Some(TimeRange::Days {
                    from: Some(week_ago),
                    to: None,
                }),
                ..CallQuery::default()
            },
            at: PageAt::First,
        },
        Scenario {
            name: "list: last page",
            params: "page=last".to_owned(),
            query: CallQuery::default(),
            at: PageAt::Last,
        },
        search("search: number fragment", &fragment),
        search("search: number, first 5 digits", &area),
        search("search: number, last 3 digits", last),
        search("search: name fragment „müll“", "müll"),
        search("search: concern keyword „Rezept“", "Rezept"),
    ])
}

async fn time_api(base: &str, login: &Login, scenario: &Scenario) -> anyhow::Result<Figures> {
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/calls?{}", scenario.params);
    let mut millis = Vec::with_capacity(SAMPLES);
    for round in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        let request = client.get(&url).bearer_auth(&login.token);
        let response = request.send().await?.error_for_status()?;
        let body = response.bytes().await?;
        if round >= WARM_UP {
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
        anyhow::ensure!(
            body.starts_with(b"{\"items\":["),
            "unexpected answer from {url}"
        );
    }
    Ok(figures(millis))
}

/// The drawer's read of the newest call with a date of birth: through the API, and as the
/// query layer makes it.
async fn time_detail(
    base: &str,
    login: &Login,
    pool: &PgPool,
) -> anyhow::Result<(Figures, Figures)> {
    let id: i64 = sqlx::query_scalar(
        "select id from calls where raw_payload ? 'date_of_birth' order by received_at desc limit 1",
    )
    .fetch_one(pool)
    .await?;
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/calls/{id}");
    let (mut api, mut sql) = (Vec::with_capacity(SAMPLES), Vec::with_capacity(SAMPLES));
    for round in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        let response = client
            .get(&url)
            .bearer_auth(&login.token)
            .send()
            .await?
            .error_for_status()?;
        response.bytes().await?;
        let between = Instant::now();
        let detail = app::db::detail::call_detail(
            pool,
            app::domain::CallId(id),
            app::db::calls::Restricted::Hidden,
        )
        .await?;
        anyhow::ensure!(detail.is_some(), "call {id} is gone");
        if round >= WARM_UP {
            api.push((between - started).as_secs_f64() * 1e3);
            sql.push(between.elapsed().as_secs_f64() * 1e3);
        }
    }
    Ok((figures(api), figures(sql)))
}

/// What sealing the date of birth costs a page of the list: opening the 50 newest sealed
/// values in this process, as the server does for each page.
async fn time_opening(pool: &PgPool) -> anyhow::Result<Figures> {
    let sealed: Vec<String> = sqlx::query_scalar(
        "select date_of_birth_sealed from calls where date_of_birth_sealed is not null
         order by received_at desc limit 50",
    )
    .fetch_all(pool)
    .await?;
    let mut millis = Vec::with_capacity(SAMPLES);
    for round in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        for value in &sealed {
            std::hint::black_box(app::at_rest::open_date(value)?);
        }
        if round >= WARM_UP {
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    Ok(figures(millis))
}

async fn time_sql(pool: &PgPool, scenario: &Scenario) -> anyhow::Result<Figures> {
    let mut millis = Vec::with_capacity(SAMPLES);
    for round in 0..WARM_UP + SAMPLES {
        let started = Instant::now();
        let page = app::db::calls::list(
            pool,
            app::db::calls::Reader {
                policy: &MaskingPolicy::OPEN,
                restricted: app::db::calls::Restricted::Hidden,
                folding: app::repeat::store::Folding::of_desk(&scenario.query),
            },
            &scenario.query,
            scenario.at,
            50,
            Utc::now(),
        )
        .await?;
        if round >= WARM_UP {
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
        anyhow::ensure!(!page.items.is_empty(), "{}: no calls", scenario.name);
    }
    Ok(figures(millis))
}

/// What many dashboards do: `count(*)`, then `OFFSET` to the page, and `ILIKE '%…%'` over the
/// text columns for search.
async fn time_naive(pool: &PgPool, scenario: &Scenario, samples: usize) -> anyhow::Result<Figures> {
    let mut filter = String::from("true");
    if !scenario.query.statuses.is_empty() {
        filter.push_str(" and status in ('NEW', 'IN_PROGRESS')");
    }
    if let Some(TimeRange::Days {
        from: Some(from), ..
    }) = scenario.query.range
    {
        filter.push_str(&format!(" and received_at >= '{from}'"));
    }
    let pattern = scenario
        .query
        .search
        .as_deref()
        .map(|text| format!("%{text}%"));
    if pattern.is_some() {
        filter.push_str(" and (caller_name ilike $1 or caller_number ilike $1 or topic ilike $1)");
    }
    let count_sql = format!("select count(*) from calls where {filter}");
    let page_sql = format!(
        "select id, received_at, caller_name, caller_number, topic, date_of_birth_sealed, source, \
         priority::text, status::text, assignee_id, updated_at, version \
         from calls where {filter} order by received_at desc, id desc offset $2 limit 50"
    );
    let page_sql = if pattern.is_some() {
        page_sql
    } else {
        page_sql.replace("$2", "$1")
    };
    let mut millis = Vec::with_capacity(samples);
    for round in 0..2 + samples {
        let started = Instant::now();
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        if let Some(pattern) = &pattern {
            count = count.bind(pattern.clone());
        }
        let total = count.fetch_one(pool).await?;
        let offset = match scenario.at {
            PageAt::Last => (total - 50).max(0),
            _ => 0,
        };
        let mut page = sqlx::query(&page_sql);
        if let Some(pattern) = &pattern {
            page = page.bind(pattern.clone());
        }
        // The peer finds less (no number normalisation, no stemming); it is timed regardless.
        page.bind(offset).fetch_all(pool).await?;
        if round >= 2 {
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    Ok(figures(millis))
}

/// Connects 500 live clients, reports the server process's memory before and after, and how
/// long one change takes to reach all of them.
async fn live_connections(app: &ServerProcess, pool: &PgPool) -> anyhow::Result<()> {
    let url = format!(
        "{}{}",
        app.base.replacen("http", "ws", 1),
        app::live::LIVE_PATH
    );
    // A person may hold CONNECTIONS_PER_USER at once: the clients are a practice's colleagues.
    let per_user = server::live::CONNECTIONS_PER_USER;
    let mut colleagues = Vec::new();
    for n in 1..=LIVE_CLIENTS.div_ceil(per_user) {
        let login = Login::create(pool, n).await?;
        colleagues.push(session_cookie(pool, login.user_id).await?);
    }
    let before = app.memory_mb("VmRSS:");
    let mut clients = Vec::with_capacity(LIVE_CLIENTS);
    for client in 0..LIVE_CLIENTS {
        let cookie = &colleagues[client / per_user];
        let mut request = url.as_str().into_client_request()?;
        request
            .headers_mut()
            .insert(http::header::COOKIE, cookie.parse()?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        clients.push(socket);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = app.memory_mb("VmRSS:");

    let started = Instant::now();
    sqlx::query("select pg_notify($1, '{\"changed\":[1]}')")
        .bind(app::db::NOTIFY_CHANNEL)
        .execute(pool)
        .await?;
    let mut reached = Vec::with_capacity(LIVE_CLIENTS);
    for client in &mut clients {
        tokio::time::timeout(Duration::from_secs(10), client.next())
            .await
            .context("a live client got no message")?;
        reached.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let last = reached.iter().copied().fold(0.0, f64::max);
    let fan_out = figures(reached);
    println!(
        "\n{LIVE_CLIENTS} live connections: server RSS {before:.1} MB → {after:.1} MB \
         (peak {:.1} MB); one change reached them in p50 {:.1} ms, p95 {:.1} ms, \
         all within {last:.1} ms",
        app.memory_mb("VmHWM:"),
        fan_out.p50,
        fan_out.p95
    );
    Ok(())
}

/// A browser session of a bench admin, as the `Cookie` header the dashboard sends.
async fn session_cookie(pool: &PgPool, user_id: i64) -> anyhow::Result<String> {
    let settings = SessionSettings::default();
    let mut conn = pool.acquire().await?;
    let session = sessions::create(&mut conn, user_id, "bench", settings.policy).await?;
    Ok(format!("{}={session}", settings.cookie_name()))
}

/// Imports `calls` demo calls, spread evenly over the [`DAYS`] before today (each day's over
/// the 72 hours before it), and marks those older than two days done, as a practice would.
async fn fill(pool: &PgPool, calls: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let today = Utc::now();
    let per_day = calls.div_ceil(DAYS);
    for (day, start) in (0..calls).step_by(per_day).enumerate() {
        let count = per_day.min(calls - start);
        let at = today - chrono::Duration::days(day as i64);
        let path = dir
            .path()
            .join(format!("calls-{}.jsonl", at.format("%Y-%m-%d")));
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (_, line) in importer::demo::demo_lines(count, day as u64, at) {
            writeln!(file, "{line}")?;
        }
        file.flush()?;
    }
    let started = Instant::now();
    let summary = importer::Importer::new(
        pool.clone(),
        dir.path(),
        app::dsgvo::tombstones::ErasureKey::random(),
    )
    .run_once()
    .await?;
    anyhow::ensure!(
        summary.new == calls as u64,
        "imported {summary}, expected {calls} calls"
    );
    let imported = started.elapsed().as_secs_f64();
    eprintln!(
        "imported {calls} calls in {imported:.0} s ({:.0} lines/s)",
        calls as f64 / imported
    );
    let started = Instant::now();
    // Day by day, as a practice marks them, which keeps each statement's refold of repeat
    // callers to one day's numbers. The cut-off is taken once: the marking takes minutes at
    // 10 M calls, and a moving `now()` would leave gaps between the days. The demo calls are
    // at most DAYS + 3 days old, so DAYS + 2 days before the cut-off reach the oldest.
    let cutoff = Utc::now() - chrono::Duration::days(2);
    for day in 0..DAYS as i64 + 2 {
        let until = cutoff - chrono::Duration::days(day);
        sqlx::query(
            "update calls set status = 'DONE'
             where received_at < $1 and received_at >= $1 - interval '1 day'",
        )
        .bind(until)
        .execute(pool)
        .await?;
    }
    let open_and_old: i64 = sqlx::query_scalar(
        "select count(*) from calls where status <> 'DONE' and received_at < $1",
    )
    .bind(cutoff)
    .fetch_one(pool)
    .await?;
    anyhow::ensure!(
        open_and_old == 0,
        "{open_and_old} older calls are still open"
    );
    sqlx::query("vacuum analyze calls").execute(pool).await?;
    eprintln!(
        "marked the older calls done and vacuumed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

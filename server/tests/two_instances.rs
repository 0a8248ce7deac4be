//! Two `server` processes on one database behind a real load balancer (Debian's HAProxy with
//! the configuration the README recommends, `ops/haproxy/anrufe.cfg`), restarted one at a time
//! under load while calls keep coming: the other instance stays ready, no request fails, the
//! importer runs on one of them at a time and takes every call exactly once, and a live client
//! that behaves like the dashboard (reconnect, then fetch again) misses no call.

mod common;

use std::{
    collections::BTreeSet,
    io::Write,
    path::Path,
    process::Command,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use app::domain::Role;
use axum::http::header;
use common::process::{Running, free_port, spawn};
use futures_util::StreamExt;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

const HAPROXY: &str = "/usr/sbin/haproxy";
const CALLS: usize = 60;

/// One server instance's settings.
struct Instance {
    name: &'static str,
    port: u16,
}

impl Instance {
    fn start(&self, env: &[(&str, String)], dir: &Path) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env.iter().map(|(key, value)| (key, value)))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .env(
                "AUDIT_ANCHOR_FILE",
                dir.join(format!("anchors-{}.jsonl", self.name)),
            );
        spawn(&mut command, dir.join(format!("server-{}.log", self.name)))
    }

    async fn ready(&self, client: &reqwest::Client) -> bool {
        let url = format!("http://127.0.0.1:{}/readyz", self.port);
        matches!(client.get(url).send().await, Ok(response) if response.status() == 200)
    }
}

async fn wait_ready(instance: &Instance, client: &reqwest::Client, running: &Running) {
    let started = Instant::now();
    while !instance.ready(client).await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} never ready:\n{}",
            instance.name,
            running.tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits at most 30 s until the load balancer has `instance` up, as its statistics say.
async fn wait_counted_in(instance: &Instance, client: &reqwest::Client, stats_port: u16) {
    let url = format!("http://127.0.0.1:{stats_port}/stats;csv");
    let started = Instant::now();
    loop {
        let csv = match client.get(&url).send().await {
            Ok(response) => response.text().await.unwrap_or_default(),
            Err(error) => error.to_string(),
        };
        let state = server_status(&csv, instance.name);
        if state == Some("UP") {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the load balancer does not count {} in: {state:?}\n{csv}",
            instance.name
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The status of the server `name` in HAProxy's statistics as CSV.
fn server_status<'a>(csv: &'a str, name: &str) -> Option<&'a str> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next()?.trim_start_matches("# ").split(',').collect();
    let column = |wanted: &str| header.iter().position(|field| *field == wanted);
    let (proxy, server, status) = (column("pxname")?, column("svname")?, column("status")?);
    lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .find(|fields| fields.get(proxy) == Some(&"servers") && fields.get(server) == Some(&name))
        .and_then(|fields| fields.get(status).copied())
}

/// What `/readyz` of the instance at `port` answered other than 200, polled every 100 ms while
/// `watching`, each with the second it came.
async fn unready(client: reqwest::Client, port: u16, watching: Arc<AtomicBool>) -> Vec<String> {
    let url = format!("http://127.0.0.1:{port}/readyz");
    let started = Instant::now();
    let mut answers = Vec::new();
    while watching.load(Ordering::Relaxed) {
        let at = started.elapsed().as_secs_f64();
        match client.get(&url).send().await {
            Ok(response) if response.status() == 200 => {}
            Ok(response) => {
                let status = response.status();
                let body = response.text().await.unwrap_or_default();
                answers.push(format!("{at:.1} s: {status} {body}"));
            }
            Err(error) => answers.push(format!("{at:.1} s: {error}")),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    answers
}

/// What a dashboard saw: the calls it was told of, or fetched after (re)connecting.
#[derive(Default)]
struct Seen {
    calls: Mutex<BTreeSet<i64>>,
    connections: AtomicU64,
    failures: Mutex<Vec<String>>,
}

/// Fetches the newest calls, as the dashboard does after connecting and on a resync.
async fn fetch(client: &reqwest::Client, lb: &str, bearer: &str, seen: &Seen) {
    let url = format!("{lb}/api/v1/calls?page_size=200");
    let sent = client
        .get(url)
        .header(header::AUTHORIZATION, bearer)
        .send()
        .await;
    let list = match sent {
        Ok(response) if response.status() == 200 => response.text().await.ok(),
        Ok(response) => {
            let failure = format!("the dashboard's fetch: {}", response.status());
            seen.failures.lock().expect("failures").push(failure);
            return;
        }
        Err(error) => {
            let failure = format!("the dashboard's fetch: {error}");
            seen.failures.lock().expect("failures").push(failure);
            return;
        }
    };
    let list: serde_json::Value =
        serde_json::from_str(&list.unwrap_or_default()).expect("a list in JSON");
    let ids = list["items"].as_array().expect("items").iter();
    let mut calls = seen.calls.lock().expect("seen");
    calls.extend(ids.filter_map(|item| item["id"].as_i64()));
}

/// The dashboard's live connection through the load balancer, until `stop`.
async fn dashboard(
    lb_port: u16,
    cookie: String,
    bearer: String,
    seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
) {
    let client = reqwest::Client::new();
    let lb = format!("http://127.0.0.1:{lb_port}");
    while !stop.load(Ordering::Relaxed) {
        let mut request = format!("ws://127.0.0.1:{lb_port}{}", app::live::LIVE_PATH)
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert(header::COOKIE, cookie.parse().expect("cookie"));
        let Ok((mut socket, _)) = tokio_tungstenite::connect_async(request).await else {
            tokio::time::sleep(Duration::from_millis(250)).await;
            continue;
        };
        seen.connections.fetch_add(1, Ordering::Relaxed);
        fetch(&client, &lb, &bearer, &seen).await;
        loop {
            let message = tokio::select! {
                message = socket.next() => message,
                () = tokio::time::sleep(Duration::from_millis(200)) => {
                    if stop.load(Ordering::Relaxed) { return; }
                    continue;
                }
            };
            match message {
                Some(Ok(Message::Text(text))) => {
                    let change: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                    match change["changed"].as_array() {
                        Some(ids) => seen
                            .calls
                            .lock()
                            .expect("seen")
                            .extend(ids.iter().filter_map(serde_json::Value::as_i64)),
                        None => fetch(&client, &lb, &bearer, &seen).await,
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            }
        }
        // The dashboard waits a moment before reconnecting.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn restarting_each_of_two_instances_loses_no_request_and_no_call(pool: PgPool) {
    assert!(
        Path::new(HAPROXY).exists(),
        "this test needs Debian's haproxy (scripts/test installs it)"
    );
    let agent = common::login(&pool, Role::Agent).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let import = dir.path().join("import");
    std::fs::create_dir(&import).expect("import dir");
    let env = [
        ("DATABASE_URL", common::runtime_url(&pool).await),
        ("IMPORT_DIR", import.display().to_string()),
        ("DATA_DIR", dir.path().join("data").display().to_string()),
        (
            "DATA_KEYS_FILE",
            common::data_keys_file().display().to_string(),
        ),
        ("LEPTOS_OUTPUT_NAME", "anrufe".to_owned()),
        // Longer than the load balancer takes to see a draining instance (2 checks of 300 ms).
        ("SHUTDOWN_GRACE_SECONDS", "3".to_owned()),
        ("API_REQUESTS_PER_MINUTE", "1000000".to_owned()),
    ];
    let instances = [
        Instance {
            name: "a",
            port: free_port(),
        },
        Instance {
            name: "b",
            port: free_port(),
        },
    ];
    let client = reqwest::Client::new();
    // One after the other: the first makes the keys both use.
    let mut running = Vec::new();
    for instance in &instances {
        let server = instance.start(&env, dir.path());
        wait_ready(instance, &client, &server).await;
        running.push(server);
    }
    let lb_port = free_port();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ops/haproxy/anrufe.cfg");
    // The load balancer's statistics, for the test only: which servers it counts in.
    let stats_port = free_port();
    let stats = dir.path().join("stats.cfg");
    std::fs::write(
        &stats,
        format!(
            "frontend stats\n  bind 127.0.0.1:{stats_port}\n  stats enable\n  stats uri /stats\n"
        ),
    )
    .expect("stats config");
    let haproxy = spawn(
        Command::new(HAPROXY)
            .arg("-db")
            .arg("-f")
            .arg(&config)
            .arg("-f")
            .arg(&stats)
            .env("ANRUFE_LISTEN", format!("127.0.0.1:{lb_port}"))
            .env(
                "ANRUFE_SERVER_A",
                format!("127.0.0.1:{}", instances[0].port),
            )
            .env(
                "ANRUFE_SERVER_B",
                format!("127.0.0.1:{}", instances[1].port),
            ),
        dir.path().join("haproxy.log"),
    );
    let lb = format!("http://127.0.0.1:{lb_port}");
    let started = Instant::now();
    while !matches!(client.get(format!("{lb}/healthz")).send().await, Ok(r) if r.status() == 200) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "haproxy:\n{}",
            haproxy.tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Load: four clients listing calls without pause; a dashboard; a call every 100 ms.
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut load = Vec::new();
    for _ in 0..4 {
        let (client, lb, bearer) = (client.clone(), lb.clone(), agent.bearer.clone());
        let (stop, answered, failures) = (stop.clone(), answered.clone(), failures.clone());
        load.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let sent = client
                    .get(format!("{lb}/api/v1/calls"))
                    .header(header::AUTHORIZATION, &bearer)
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == 200 => {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(response) => failures
                        .lock()
                        .expect("failures")
                        .push(format!("status {}", response.status())),
                    Err(error) => failures.lock().expect("failures").push(error.to_string()),
                }
            }
        }));
    }
    let seen = Arc::new(Seen::default());
    let live = tokio::spawn(dashboard(
        lb_port,
        agent.cookie.clone(),
        agent.bearer.clone(),
        seen.clone(),
        stop.clone(),
    ));
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let writing = writing.clone();
        let file = import.join(format!(
            "calls-{}.jsonl",
            chrono::Utc::now().format("%Y-%m-%d")
        ));
        tokio::spawn(async move {
            for (_, line) in importer::demo::demo_lines(CALLS, 7, chrono::Utc::now()) {
                let mut out = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&file)
                    .expect("call file");
                writeln!(out, "{line}").expect("a call line");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            writing.store(false, Ordering::Relaxed);
        })
    };

    // Each instance in turn: SIGTERM, wait for it to end, start it again, wait until ready.
    // Meanwhile the other one must stay ready, or the load balancer has no server left.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for (index, instance) in instances.iter().enumerate() {
        let other = &instances[1 - index];
        let watching = Arc::new(AtomicBool::new(true));
        let watch = tokio::spawn(unready(client.clone(), other.port, watching.clone()));
        running[index].terminate();
        let exit = running[index].exit(Duration::from_secs(15)).await;
        assert!(
            exit.success(),
            "{}: {exit}\n{}",
            instance.name,
            running[index].tail()
        );
        running[index] = instance.start(&env, dir.path());
        wait_ready(instance, &client, &running[index]).await;
        // As an operator would: the next stops only once the load balancer counts this one in.
        // Its checks take longer under load, so no fixed wait is long enough.
        wait_counted_in(instance, &client, stats_port).await;
        watching.store(false, Ordering::Relaxed);
        let unready = watch.await.expect("watch");
        assert!(
            unready.is_empty(),
            "{} was not ready while {} restarted: {unready:#?}\n{}",
            other.name,
            instance.name,
            running[1 - index].tail()
        );
    }

    writer.await.expect("writer");
    let all = CALLS as i64;
    let started = Instant::now();
    loop {
        let imported: i64 = sqlx::query_scalar("select count(*) from calls")
            .fetch_one(&pool)
            .await
            .expect("count");
        if imported == all {
            break;
        }
        assert!(
            imported < all && started.elapsed() < Duration::from_secs(20),
            "{imported} of {all} calls imported"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ids: BTreeSet<i64> = sqlx::query_scalar("select id from calls")
        .fetch_all(&pool)
        .await
        .expect("ids")
        .into_iter()
        .collect();
    let started = Instant::now();
    while !ids.is_subset(&seen.calls.lock().expect("seen")) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the dashboard missed calls"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for task in load {
        task.await.expect("load");
    }
    live.await.expect("dashboard");

    let mut failures = failures.lock().expect("failures").clone();
    failures.extend(seen.failures.lock().expect("failures").iter().cloned());
    let answered = answered.load(Ordering::Relaxed);
    let connections = seen.connections.load(Ordering::Relaxed);
    eprintln!(
        "two instances, each restarted once: {answered} requests answered, {} failed; {CALLS} calls imported once each; the dashboard connected {connections} times and saw every call",
        failures.len()
    );
    failures.truncate(10);
    assert!(
        failures.is_empty(),
        "failed requests: {failures:?}\nhaproxy:\n{}\na:\n{}\nb:\n{}",
        haproxy.tail(),
        running[0].tail(),
        running[1].tail()
    );
    assert!(answered > 100, "the load ran: {answered}");
    assert!(connections >= 2, "the dashboard reconnected: {connections}");
    drop(haproxy);
}

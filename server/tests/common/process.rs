//! Processes a test starts: the `server` binary, a load balancer. Each is killed when the test
//! ends before it does, and writes its output to a file the test can show when it fails.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus},
    time::{Duration, Instant},
};

use sqlx::PgPool;

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The `server` binary serving the test database of `pool` (as the runtime role) at `address`,
/// its data in `data`, with nothing of the tests' environment but `PATH`; the test adds what it
/// is about.
pub async fn serving(pool: &PgPool, data: &Path, address: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", super::runtime_url(pool).await)
        .env("DATA_DIR", data)
        .env("DATA_KEYS_FILE", super::data_keys_file())
        .env("LEPTOS_SITE_ADDR", address)
        .env("LEPTOS_OUTPUT_NAME", "anrufe");
    command
}

pub struct Running {
    pub child: Child,
    log: PathBuf,
}

/// Starts `command` with its standard output and error going to `log`.
pub fn spawn(command: &mut Command, log: PathBuf) -> Running {
    let out = std::fs::File::create(&log).expect("log file");
    let child = command
        .stdout(out.try_clone().expect("log file"))
        .stderr(out)
        .spawn()
        .unwrap_or_else(|error| panic!("{command:?}: {error}"));
    Running { child, log }
}

impl Running {
    /// The last lines it wrote.
    pub fn tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// Waits at most 30 s for `/readyz` at `address` to answer 200.
    pub async fn ready(&self, client: &reqwest::Client, address: &str) {
        let url = format!("http://{address}/readyz");
        let started = Instant::now();
        loop {
            let answer = client.get(&url).send().await;
            if answer.is_ok_and(|response| response.status().is_success()) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "never ready:\n{}",
                self.tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM, as systemd does to stop a service.
    pub fn terminate(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.expect("kill").success(), "SIGTERM to {pid}");
    }

    /// Waits at most `limit` for it to end.
    pub async fn exit(&mut self, limit: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(exit) = self.child.try_wait().expect("exit status") {
                return exit;
            }
            assert!(started.elapsed() < limit, "still running:\n{}", self.tail());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The `server` binary and its logins, for the benches that measure it through HTTP.

use std::{
    path::PathBuf,
    process::{Child, Command},
    time::Duration,
};

use anyhow::Context;
use app::{
    audit::Actor,
    auth::{
        accounts::{self, NewLogin, NewUser},
        tokens,
    },
    domain::{Role, TokenScope},
};
use sqlx::{Connection, PgConnection, PgPool};

/// The server named by `DATABASE_URL`, on which a bench creates its database.
pub fn database_server() -> anyhow::Result<String> {
    std::env::var("DATABASE_URL")
        .context("DATABASE_URL must name a server the bench may create databases on")
}

/// The data keys of a run: dates of birth are sealed as in production, under a key of this
/// run, installed in the bench's process and written to a file the server binary reads.
pub struct RunKeys {
    dir: tempfile::TempDir,
}

impl RunKeys {
    pub fn install() -> anyhow::Result<Self> {
        let keys = Self {
            dir: tempfile::tempdir()?,
        };
        let keyring = app::at_rest::Keyring::generate();
        keyring.write(&keys.file())?;
        keyring.install()?;
        Ok(keys)
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("data-keys.json")
    }
}

/// A bench admin and their API token, as integrations use it.
pub struct Login {
    pub user_id: i64,
    pub token: String,
}

impl Login {
    /// The login of the `n`th bench user.
    pub async fn create(pool: &PgPool, n: usize) -> anyhow::Result<Self> {
        let email = format!("bench-{n}@praxis.example");
        let new = NewUser {
            email: &email,
            name: "Bench",
            role: Role::Admin,
            login: NewLogin::Provider,
        };
        let id = accounts::add_user(pool, Actor::System, new).await?;
        let request = tokens::TokenRequest {
            user_id: id,
            scope: TokenScope::Api,
            name: "bench",
        };
        let token = tokens::create(pool, Actor::User(id), request).await?.secret;
        Ok(Self { user_id: id, token })
    }
}

/// The `server` binary, built with the bench's profile, serving one database on a free local
/// port; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    pub async fn start(database_url: &str, keys: &RunKeys) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .env_remove("IMPORT_DIR")
            .env_remove("DEMO_CALLS")
            .env("DATABASE_URL", database_url)
            .env("DATA_KEYS_FILE", keys.file())
            .env("LEPTOS_OUTPUT_NAME", "anrufe")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            // The bench sends thousands of requests a minute on purpose.
            .env("API_REQUESTS_PER_MINUTE", "1000000")
            .spawn()
            .context("could not start the server binary")?;
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if client.get(&server.base).send().await.is_ok() {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("the server did not answer at {} within 30 s", server.base)
    }

    /// Waits until nothing else works on the bench's database: the jobs the server runs at its
    /// start (the kpi recount, statistics after the purge) and autovacuum after the fill took
    /// up to a minute and doubled the first figures of a run.
    /// `superuser` is the database's URL as a user who sees every session's state.
    pub async fn settled(&self, superuser: &str) -> anyhow::Result<()> {
        let mut conn = PgConnection::connect(superuser).await?;
        let mut quiet = 0;
        for _ in 0..600 {
            let busy: i64 = sqlx::query_scalar(
                "select count(*) from pg_stat_activity
                  where datname = current_database() and state = 'active'
                    and pid <> pg_backend_pid()",
            )
            .fetch_one(&mut conn)
            .await?;
            quiet = if busy == 0 { quiet + 1 } else { 0 };
            if quiet == 3 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        anyhow::bail!("the bench's database was still busy after ten minutes")
    }

    /// A memory figure of the server process from `/proc/<pid>/status`, in MB.
    pub fn memory_mb(&self, field: &str) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(field))
                    .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
            })
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // The process may have exited already; then there is nothing to stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

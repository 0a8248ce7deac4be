//! Configuration from the command line and the environment. `--help` lists every setting.

use std::{fmt, num::NonZeroU32, path::PathBuf, time::Duration};

use anyhow::Context;
use app::{
    auth::{SessionPolicy, SessionSettings},
    domain::{Retention, Role, TokenScope},
    dsgvo::tombstones::{ErasureKey, Tombstones},
    retention::PurgeTime,
};
use clap::{Args, Parser, Subcommand};

use crate::{
    backup::{BackupCommand, BackupConfig},
    state::PracticeName,
};

/// Serves the Anrufe dashboard; with a command, administers it.
///
/// The address comes from LEPTOS_SITE_ADDR (default 127.0.0.1:3000, set by cargo-leptos).
#[derive(Parser, Debug)]
#[command(version)]
pub struct Config {
    /// PostgreSQL connection URL of the runtime role anrufe_app (README, "Database roles").
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: DatabaseUrl,
    /// PostgreSQL connection URL of the owner role: when set, pending migrations are applied
    /// through it at start (and by `server migrate`); without it the schema must be current.
    #[arg(long, env = "MIGRATION_DATABASE_URL", hide_env_values = true)]
    pub migration_database_url: Option<DatabaseUrl>,
    /// Days calls and everything about them are kept, at most 30 (the policy's maximum): older
    /// ones are hidden at once and deleted by the purge. Set the same value for the importer.
    #[arg(long, env = "RETENTION_DAYS", default_value = "30", global = true)]
    pub retention_days: Retention,
    /// How the log is written on standard output: `text` for a terminal, `json` (one object per
    /// line with time, level, message, fields and the request's id and route) for a collector.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t, global = true)]
    pub log_format: crate::ops::logging::LogFormat,
    #[command(flatten)]
    pub data: DataConfig,
    #[command(flatten)]
    pub backup: BackupConfig,
    #[command(flatten)]
    pub serve: ServeConfig,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How the dashboard is served (without a command).
#[derive(Args, Debug)]
pub struct ServeConfig {
    /// Directory of daily call files `calls-YYYY-MM-DD.jsonl` to import continuously.
    #[arg(long, env = "IMPORT_DIR")]
    pub import_dir: Option<PathBuf>,
    /// Write this many demo calls into IMPORT_DIR first, if it holds no call files yet, and add
    /// a demo admin, a demo agent (both printed at start) and a demo team to assign calls to.
    #[arg(long, env = "DEMO_CALLS", requires = "import_dir")]
    pub demo_calls: Option<usize>,
    /// The address people open, e.g. https://anrufe.praxis.example. With https the session
    /// cookie is Secure and `__Host-` prefixed and HSTS is sent (put TLS in front of the server).
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// Minutes without any request after which a session ends.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub session_idle_minutes: u64,
    /// Hours after login after which a session ends, however busy.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=168))]
    pub session_max_hours: u64,
    /// Login attempts per minute from one client address.
    #[arg(long, env = "LOGIN_ATTEMPTS_PER_MINUTE", default_value = "10")]
    pub login_attempts_per_minute: NonZeroU32,
    /// REST API requests per minute for one user's tokens.
    #[arg(long, env = "API_REQUESTS_PER_MINUTE", default_value = "600")]
    pub api_requests_per_minute: NonZeroU32,
    /// Addresses of reverse proxies in front of the server, comma-separated: for requests from
    /// them the client is the address they forward in `X-Forwarded-For` (for the login limit
    /// and lockout). Without it the header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Time of day (Europe/Berlin, HH:MM) of the nightly retention purge. It also runs at
    /// start when the last run is more than a day ago.
    #[arg(long, env = "PURGE_AT", default_value = "02:30")]
    pub purge_at: PurgeTime,
    /// The practice's name, printed on the compliance report.
    #[arg(long, env = "PRACTICE_NAME", default_value = "Arztpraxis")]
    pub practice_name: PracticeName,
    /// Seconds a server that received SIGTERM keeps serving while it tells the load balancer it
    /// is not ready (`/readyz`), before it closes the live connections and stops accepting.
    #[arg(long, env = "SHUTDOWN_GRACE_SECONDS", default_value = "5", value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_grace_seconds: u64,
    #[command(flatten)]
    pub oidc: OidcConfig,
    #[command(flatten)]
    pub llm: crate::llm::LlmConfig,
}

/// Login through the practice's identity provider (OpenID Connect), offered on the login page
/// next to local accounts when OIDC_ISSUER is set. Register Anrufe at the provider as a
/// confidential client with the redirect URI `PUBLIC_URL/auth/oidc/callback`.
#[derive(Args, Debug, Clone)]
pub struct OidcConfig {
    /// The provider's issuer URL (its discovery document is ISSUER/.well-known/openid-configuration).
    #[arg(long, env = "OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_client_secret", "public_url", "oidc_role_claim", "oidc_admin_value", "oidc_agent_value"])]
    pub oidc_issuer: Option<url::Url>,
    /// The client id Anrufe is registered with at the provider.
    #[arg(long, env = "OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The client secret Anrufe is registered with at the provider.
    #[arg(long, env = "OIDC_CLIENT_SECRET", hide_env_values = true, value_parser = client_secret)]
    pub oidc_client_secret: Option<openidconnect::ClientSecret>,
    /// The claim of the ID token that decides at every login who may use Anrufe and as what,
    /// e.g. `groups`.
    #[arg(long, env = "OIDC_ROLE_CLAIM", requires_all = ["oidc_admin_value", "oidc_agent_value"])]
    pub oidc_role_claim: Option<String>,
    /// The value of the role claim (or one of its values) that makes someone an admin.
    #[arg(long, env = "OIDC_ADMIN_VALUE", requires = "oidc_role_claim")]
    pub oidc_admin_value: Option<String>,
    /// The value of the role claim (or one of its values) that makes someone an agent. Anyone
    /// with neither value is refused, and the refusal is audited.
    #[arg(long, env = "OIDC_AGENT_VALUE", requires = "oidc_role_claim")]
    pub oidc_agent_value: Option<String>,
}

/// What Anrufe keeps outside the database: the anchors of the audit chain, the tombstones of
/// erased calls, and their keys.
#[derive(Args, Debug, Clone)]
pub struct DataConfig {
    /// Directory for what Anrufe keeps outside the database. Use an absolute path in
    /// production, on other storage than the database's.
    #[arg(long, env = "DATA_DIR", default_value = ".data")]
    pub data_dir: PathBuf,
    /// The append-only file the audit chain's head is written to every hour (default
    /// DATA_DIR/audit-anchors.jsonl).
    #[arg(long, env = "AUDIT_ANCHOR_FILE")]
    pub audit_anchor_file: Option<PathBuf>,
    /// The key the anchors are signed with, as hex; made at the first start (default
    /// DATA_DIR/audit-anchor.key). Keep a copy outside the server and never in the database.
    #[arg(long, env = "AUDIT_ANCHOR_KEY_FILE")]
    pub audit_anchor_key_file: Option<PathBuf>,
    /// The key of the tombstones of erased calls, as hex; made at the first start (default
    /// DATA_DIR/erasure.key). The importer needs the same key. Keep a copy outside the server
    /// and never in the database.
    #[arg(long, env = "ERASURE_KEY_FILE")]
    pub erasure_key_file: Option<PathBuf>,
    /// The append-only file that keeps the tombstones of erased calls outside the database,
    /// to put them back after a restore (default DATA_DIR/erasures.jsonl).
    #[arg(long, env = "ERASURE_FILE")]
    pub erasure_file: Option<PathBuf>,
    /// The data keys the date of birth is sealed with (JSON: key id → key, one active; default
    /// DATA_DIR/data-keys.json). Made at the first start while nothing is sealed yet; without
    /// it, sealed values cannot be read. The importer needs the same file. Keep a copy outside
    /// the server and never in the database.
    #[arg(long, env = "DATA_KEYS_FILE")]
    pub data_keys_file: Option<PathBuf>,
}

impl DataConfig {
    /// The tombstones of erased calls, with their key (made if it does not exist yet).
    pub fn tombstones(&self) -> anyhow::Result<Tombstones> {
        let key_file = self
            .erasure_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("erasure.key"));
        let key = ErasureKey::open_or_create(&key_file).context("the erasure key")?;
        Ok(Tombstones {
            key,
            file: self
                .erasure_file
                .clone()
                .unwrap_or_else(|| self.data_dir.join("erasures.jsonl")),
        })
    }

    pub fn data_keys_file(&self) -> PathBuf {
        self.data_keys_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("data-keys.json"))
    }

    pub fn anchor_file(&self) -> PathBuf {
        self.audit_anchor_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-anchors.jsonl"))
    }

    pub fn key_file(&self) -> PathBuf {
        self.audit_anchor_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-anchor.key"))
    }
}

impl ServeConfig {
    pub fn sessions(&self) -> SessionSettings {
        SessionSettings {
            policy: SessionPolicy {
                idle: Duration::from_secs(self.session_idle_minutes * 60),
                absolute: Duration::from_secs(self.session_max_hours * 60 * 60),
            },
            secure: self
                .public_url
                .as_ref()
                .is_some_and(|url| url.scheme() == "https"),
        }
    }
}

/// Wraps the secret in a type whose `Debug` output hides it.
fn client_secret(value: &str) -> Result<openidconnect::ClientSecret, String> {
    Ok(openidconnect::ClientSecret::new(value.to_owned()))
}

/// Administration from the command line, for whoever runs the server.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending database migrations through MIGRATION_DATABASE_URL, then check that
    /// DATABASE_URL connects as a role with no more than the runtime's rights.
    Migrate,
    /// Manage the people who log in.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens for other programs.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Delete what is older than the retention period now.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Answer a caller's request: export (Art. 15/20) or erase (Art. 17) their data.
    #[command(subcommand)]
    Dsgvo(DsgvoCommand),
    /// Manage the data keys the date of birth is sealed with (DATA_KEYS_FILE).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Make, list, restore and test the encrypted backups (BACKUP_DIR).
    #[command(subcommand)]
    Backup(BackupCommand),
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Show the keys, the active one, and how many stored values each key seals.
    Status,
    /// Add a new key and make it the active one; `rotate` then seals everything with it.
    Add,
    /// Seal every stored value with the active key, in batches; run it again after a crash to
    /// go on. Audited.
    Rotate,
    /// Remove a key that seals nothing any more.
    Remove {
        /// The key's id, as `status` shows it.
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum DsgvoCommand {
    /// Write everything about one call or one caller number as JSON (schema
    /// anrufe.dsgvo-export.v1); audited with the reason.
    Export {
        #[command(flatten)]
        subject: SubjectArgs,
        /// Why, e.g. "Auskunftsersuchen vom 28.11.": recorded in the audit trail.
        #[arg(long)]
        reason: String,
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Erase one call or every call of one caller number with everything about them; they are
    /// never imported again. Shows what goes and asks first, unless --yes.
    Erase {
        #[command(flatten)]
        subject: SubjectArgs,
        /// Why, e.g. "Löschantrag nach Art. 17 vom 28.11.": recorded in the audit trail.
        #[arg(long)]
        reason: String,
        /// Erase without asking.
        #[arg(long)]
        yes: bool,
    },
}

/// Whose data: one call, or every call of one number.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct SubjectArgs {
    /// The call's id.
    #[arg(long)]
    pub call: Option<i64>,
    /// The caller's number in E.164, e.g. +49301234567.
    #[arg(long)]
    pub number: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Run the purge once, with a progress bar, and print what it deleted. It is recorded like
    /// the nightly run.
    Run {
        /// Only count what is due; delete nothing.
        #[arg(long)]
        dry_run: bool,
        /// The importer's directory: fully imported call files past the period go too.
        #[arg(long, env = "IMPORT_DIR")]
        import_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a local account. The password is read from standard input (at a terminal: typed
    /// without echo), at least 12 characters; a service account has none.
    Add {
        /// The login; stored in lower case.
        #[arg(long)]
        email: String,
        /// The name colleagues see, e.g. in the assignee picker.
        #[arg(long)]
        name: String,
        /// `admin` or `agent`.
        #[arg(long)]
        role: Role,
        /// A service account for a program (e.g. the practice software or the monitoring):
        /// it never logs in and acts only through API tokens (`server token add`).
        #[arg(long)]
        service: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token acting as a service account; prints the token once. (People make
    /// their own tokens in the admin area: a token never acts as another person.)
    Add {
        /// The e-mail address of the service account the token acts as.
        #[arg(long)]
        user: String,
        /// What the token is for, e.g. "Praxissoftware".
        #[arg(long)]
        name: String,
        /// `api` for the REST API under /api/v1, `metrics` for /metrics only, `compliance` for
        /// the live check of the source policy (POST /api/v1/compliance/check) only.
        #[arg(long, default_value = "api", value_parser = token_scope)]
        scope: TokenScope,
    },
}

fn token_scope(value: &str) -> Result<TokenScope, String> {
    TokenScope::from_code(value).ok_or_else(|| "expected api, metrics or compliance".to_owned())
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the audit trail's hash chain, check it against the anchors outside the
    /// database and name the first problem; exits with 1 when there is one.
    Verify,
    /// Append the chain's head to the anchor file now (the server does so every hour).
    Anchor,
}

/// A database URL whose `Debug` output hides the password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep what names the server and database; drop user and password.
        let host = self
            .0
            .rsplit_once('@')
            .map_or(self.0.as_str(), |(_, host)| host);
        write!(f, "DatabaseUrl(…@{host})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_password_never_shows_in_debug_output() {
        let url = DatabaseUrl::from("postgres://anrufe:geheim@db:5432/anrufe".to_owned());
        let shown = format!("{url:?}");
        assert!(!shown.contains("geheim"), "{shown}");
        assert!(shown.contains("db:5432/anrufe"), "{shown}");
    }
}

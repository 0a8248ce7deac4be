//! Configuration from the command line and the environment. `--help` lists every setting.

use std::{fmt, path::PathBuf};

use clap::Parser;

/// Serves the Anrufe dashboard.
///
/// The address comes from LEPTOS_SITE_ADDR (default 127.0.0.1:3000, set by cargo-leptos).
#[derive(Parser, Debug)]
#[command(version)]
pub struct Config {
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: DatabaseUrl,
    /// Directory of daily call files `calls-YYYY-MM-DD.jsonl` to import continuously.
    #[arg(long, env = "IMPORT_DIR")]
    pub import_dir: Option<PathBuf>,
    /// Write this many demo calls into IMPORT_DIR first, if it holds no call files yet, and add
    /// a demo team of three people to assign calls to.
    #[arg(long, env = "DEMO_CALLS", requires = "import_dir")]
    pub demo_calls: Option<usize>,
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

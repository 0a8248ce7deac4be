//! PostgreSQL's own programs, `pg_dump` and `pg_restore`, run with a database URL whose
//! password goes through the environment, never the command line other users can read.

use std::{
    io::Read,
    path::PathBuf,
    process::{Child, Command, Stdio},
    thread::JoinHandle,
};

use super::BackupError;

/// Where `pg_dump` and `pg_restore` are: PG_BIN_DIR, or the PATH. They must be at least as new
/// as the database server.
#[derive(Clone, Debug, Default)]
pub struct PgTools {
    pub bin_dir: Option<PathBuf>,
}

/// A started program and the thread that collects what it says on standard error.
pub(super) struct Running {
    pub tool: &'static str,
    pub child: Child,
    stderr: Option<JoinHandle<String>>,
}

impl PgTools {
    /// Starts `tool` with `args` against the database at `url`; standard input and output
    /// are pipes.
    pub(super) fn start(
        &self,
        tool: &'static str,
        url: &str,
        args: &[&str],
    ) -> Result<Running, BackupError> {
        let program = self
            .bin_dir
            .as_ref()
            .map_or_else(|| PathBuf::from(tool), |dir| dir.join(tool));
        let (url, password) = split_password(url);
        let mut command = Command::new(program);
        command
            .args(args)
            .arg("--dbname")
            .arg(url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(password) = password {
            command.env("PGPASSWORD", password);
        }
        let mut child = command
            .spawn()
            .map_err(|source| BackupError::Tool { tool, source })?;
        let stderr = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut text = String::new();
                let _ = pipe.read_to_string(&mut text);
                text
            })
        });
        Ok(Running {
            tool,
            child,
            stderr,
        })
    }
}

impl Running {
    /// Waits for the program; an error with what it said when it failed.
    pub(super) fn finish(mut self) -> Result<(), BackupError> {
        drop(self.child.stdin.take());
        let status = self.child.wait().map_err(|source| BackupError::Tool {
            tool: self.tool,
            source,
        })?;
        let said = self
            .stderr
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default();
        if status.success() {
            return Ok(());
        }
        Err(BackupError::ToolFailed {
            tool: self.tool,
            status,
            message: said.trim().lines().take(5).collect::<Vec<_>>().join(" / "),
        })
    }
}

/// The URL without its password, and the password (percent-decoded).
fn split_password(url: &str) -> (String, Option<String>) {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return (url.to_owned(), None);
    };
    let password = parsed.password().map(|password| {
        percent_encoding::percent_decode_str(password)
            .decode_utf8_lossy()
            .into_owned()
    });
    if password.is_some() && parsed.set_password(None).is_err() {
        return (url.to_owned(), None);
    }
    (parsed.to_string(), password)
}

/// `url` naming the database `name` on the same server, as the same role.
pub(super) fn with_database(url: &str, name: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            parsed.set_path(&format!("/{name}"));
            parsed.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_and_is_decoded() {
        assert_eq!(
            split_password("postgres://owner:p%40ss@db:5432/anrufe?options=-c%20role%3Dx"),
            (
                "postgres://owner@db:5432/anrufe?options=-c%20role%3Dx".to_owned(),
                Some("p@ss".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://db/anrufe"),
            ("postgres://db/anrufe".to_owned(), None)
        );
        assert_eq!(
            with_database(
                "postgres://owner:pw@db:5432/anrufe?sslmode=require",
                "drill"
            ),
            "postgres://owner:pw@db:5432/drill?sslmode=require"
        );
    }
}

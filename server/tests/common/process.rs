//! Processes a test starts: the `server` binary, a load balancer. Each is killed when the test
//! ends before it does, and writes its output to a file the test can show when it fails.

use std::{
    path::PathBuf,
    process::{Child, Command, ExitStatus},
    time::{Duration, Instant},
};

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
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

//! No personal data reaches the log at any level: searches for names and numbers, and the
//! calls they find, leave no trace of their values in it.

mod common;

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use app::domain::Role;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{
    calls::personal_call,
    requests::{get, server_fn},
};
use serde_json::json;
use server::ops::logging::LogFormat;
use sqlx::PgPool;
use tracing_subscriber::{EnvFilter, fmt::MakeWriter};

/// Every log line written while it is installed.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        let bytes = self.0.lock().expect("log buffer").clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn searches_for_names_and_numbers_stay_out_of_the_log_at_every_level(pool: PgPool) {
    let id = personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .without_time()
        .with_writer(captured.clone())
        .finish();
    let _installed = tracing::subscriber::set_default(subscriber);

    let bearer = (header::AUTHORIZATION, agent.bearer.as_str());
    let cookie = (header::COOKIE, agent.cookie.as_str());
    for uri in [
        "/api/v1/calls?q=M%C3%BCller".to_owned(),
        "/api/v1/calls?q=030%201234567".to_owned(),
        format!("/api/v1/calls/{id}"),
    ] {
        let (status, body) = get(&pool, &uri, bearer.clone()).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    let (status, page) = get(&pool, "/?q=Maria", cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Maria Müller"), "the search found the call");
    let search = json!({ "query": { "search": "0301234567" }, "at": "first" });
    let (status, _) = server_fn(&pool, &agent, "list_calls", search).await;
    assert_eq!(status, StatusCode::OK);

    let log = captured.text();
    assert!(
        log.contains("/api/v1/calls/{id}"),
        "requests are logged by their route: {log}"
    );
    for personal in ["Müller", "M%C3%BCller", "Maria", "1234567"] {
        assert!(!log.contains(personal), "{personal:?} in the log:\n{log}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn json_log_lines_parse_name_the_request_and_its_user_and_no_caller(pool: PgPool) {
    let id = personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let captured = Captured::default();
    let _installed = tracing::subscriber::set_default(server::ops::logging::subscriber(
        LogFormat::Json,
        EnvFilter::new("trace"),
        captured.clone(),
        None,
    ));

    let bearer = (header::AUTHORIZATION, agent.bearer.as_str());
    for uri in [
        "/api/v1/calls?q=M%C3%BCller".to_owned(),
        format!("/api/v1/calls/{id}"),
    ] {
        let (status, body) = get(&pool, &uri, bearer.clone()).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    }
    let response = common::send(
        common::requests::app(&pool),
        Request::get(format!("/api/v1/calls/{id}"))
            .header(bearer.0.clone(), bearer.1)
            .header("x-request-id", "lb-4711")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(response.headers()["x-request-id"], "lb-4711");

    let log = captured.text();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    for line in &lines {
        for field in ["timestamp", "level", "target"] {
            assert!(line.get(field).is_some(), "{field} in {line}");
        }
    }
    let served: Vec<_> = lines
        .iter()
        .filter(|line| line["message"] == "request served")
        .collect();
    assert_eq!(served.len(), 3, "one line per request: {log}");
    for line in &served {
        assert_eq!(line["status"], 200, "{line}");
        assert_eq!(line["user"], agent.user_id, "{line}");
        assert!(line["latency_ms"].as_f64().is_some(), "{line}");
        assert_eq!(line["span"]["method"], "GET", "{line}");
        assert!(line["span"]["request_id"].as_str().is_some(), "{line}");
    }
    assert_eq!(served[0]["span"]["route"], "/api/v1/calls");
    assert_eq!(served[2]["span"]["route"], "/api/v1/calls/{id}");
    assert_eq!(served[2]["span"]["request_id"], "lb-4711");
    assert_ne!(
        served[0]["span"]["request_id"],
        served[1]["span"]["request_id"]
    );
    for personal in ["Müller", "M%C3%BCller", "Maria", "1234567"] {
        assert!(!log.contains(personal), "{personal:?} in the log:\n{log}");
    }
}

//! The HTTP client to the endpoint: one base URL from the configuration, no redirects, no proxy
//! from the environment, a timeout per attempt, a bound on concurrent requests, retries with
//! backoff on server errors and timeouts, and a circuit breaker that stops asking a failing
//! endpoint for a while.

use std::{
    sync::Mutex,
    time::{Duration, Instant},
};

use tokio::sync::Semaphore;

use super::{
    endpoint::{Endpoint, UserIdent},
    prompt::Prompt,
};

/// Bytes of an answer that are read; a longer one is not a suggestion.
const ANSWER_MAX_BYTES: usize = 64 * 1024;

/// How the client treats the endpoint.
#[derive(Clone, Copy, Debug)]
pub struct ClientSettings {
    /// Per attempt, from connecting to the last byte.
    pub timeout: Duration,
    /// Requests in flight at once; more wait for a slot.
    pub concurrency: usize,
    /// Attempts per request (the first and the retries).
    pub attempts: u32,
    /// Backoff before the first retry; doubled before each further one.
    pub backoff: Duration,
    /// Consecutive failed requests that open the circuit, and how long it stays open.
    pub breaker_failures: u32,
    pub breaker_open: Duration,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            concurrency: 2,
            attempts: 3,
            backoff: Duration::from_millis(500),
            breaker_failures: 5,
            breaker_open: Duration::from_secs(30),
        }
    }
}

/// Why no answer came.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No connection, a timeout or a server error, after every attempt; or the circuit is
    /// open. The code says which, e.g. `connect`, `timeout`, `status_503`, `circuit_open`.
    #[error("the endpoint is unreachable: {0}")]
    Unreachable(String),
    /// The endpoint answered with a status that retrying does not change (4xx, or a redirect,
    /// which is never followed).
    #[error("the endpoint refused the request: status_{0}")]
    Refused(u16),
}

/// The answer's body and how long the request took.
#[derive(Clone, Debug)]
pub struct Answered {
    pub body: Vec<u8>,
    pub latency: Duration,
}

/// The client. One per server process; cheap to share behind an `Arc`.
pub struct LlmClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    settings: ClientSettings,
    slots: Semaphore,
    breaker: Mutex<Breaker>,
}

#[derive(Debug, Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

impl LlmClient {
    pub fn new(endpoint: Endpoint, settings: ClientSettings) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .build()?;
        Ok(Self {
            http,
            endpoint,
            slots: Semaphore::new(settings.concurrency.max(1)),
            breaker: Mutex::new(Breaker::default()),
            settings,
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Requests in flight at once.
    pub fn concurrency(&self) -> usize {
        self.settings.concurrency.max(1)
    }

    /// Whether requests are sent now: false while the circuit is open.
    pub fn available(&self) -> bool {
        !self.circuit_open()
    }

    /// Sends `prompt` for `ident`, retrying what may pass on a second try.
    pub async fn send(&self, ident: &UserIdent, prompt: &Prompt) -> Result<Answered, SendError> {
        if self.circuit_open() {
            return Err(SendError::Unreachable("circuit_open".to_owned()));
        }
        let _slot = self
            .slots
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let url = self.endpoint.url(ident);
        let started = Instant::now();
        let mut backoff = self.settings.backoff;
        let mut attempt = 1;
        let result = loop {
            match self.attempt(url.clone(), prompt).await {
                Err(SendError::Unreachable(_)) if attempt < self.settings.attempts => {
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
                other => break other,
            }
        };
        self.record(&result);
        result.map(|body| Answered {
            body,
            latency: started.elapsed(),
        })
    }

    async fn attempt(&self, url: url::Url, prompt: &Prompt) -> Result<Vec<u8>, SendError> {
        let body = serde_json::to_vec(prompt.body()).expect("a JSON value serialises");
        let response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|error| SendError::Unreachable(kind(&error).to_owned()))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(SendError::Unreachable(format!(
                "status_{}",
                status.as_u16()
            )));
        }
        if !status.is_success() {
            return Err(SendError::Refused(status.as_u16()));
        }
        let mut response = response;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| SendError::Unreachable(kind(&error).to_owned()))?
        {
            if body.len() + chunk.len() > ANSWER_MAX_BYTES {
                return Err(SendError::Refused(status.as_u16()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn circuit_open(&self) -> bool {
        let breaker = self
            .breaker
            .lock()
            .expect("the breaker's lock is never poisoned");
        breaker
            .open_until
            .is_some_and(|until| Instant::now() < until)
    }

    fn record<T>(&self, result: &Result<T, SendError>) {
        let mut breaker = self
            .breaker
            .lock()
            .expect("the breaker's lock is never poisoned");
        match result {
            Err(SendError::Unreachable(_)) => {
                breaker.failures += 1;
                if breaker.failures >= self.settings.breaker_failures {
                    breaker.open_until = Some(Instant::now() + self.settings.breaker_open);
                    tracing::warn!(
                        failures = breaker.failures,
                        "the LLM endpoint keeps failing; no requests for {:?}",
                        self.settings.breaker_open
                    );
                }
            }
            _ => *breaker = Breaker::default(),
        }
    }
}

/// What kind of transport failure `error` is, as a code without the URL.
fn kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else {
        "request"
    }
}

/// The server's client, when an endpoint is configured: what server functions and REST
/// handlers are given.
#[derive(Clone, Default)]
pub struct LlmHelp(pub Option<std::sync::Arc<LlmClient>>);

impl LlmHelp {
    pub fn client(&self) -> Option<&LlmClient> {
        self.0.as_deref()
    }
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("endpoint", &self.endpoint.origin())
            .field("model", &self.endpoint.model)
            .finish_non_exhaustive()
    }
}

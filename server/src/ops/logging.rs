//! The log: one line per event on standard output, as text for a person at a terminal or as
//! JSON for a log collector (`LOG_FORMAT`; JSON is the release build's default). A JSON line
//! holds the time, level, target, message and fields, and the request's span: its id, method
//! and route pattern. Every line stays one line ([`app::log_line::OneLine`]).

use tracing::Subscriber;
use tracing_subscriber::{EnvFilter, fmt::MakeWriter};

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Readable lines, the debug build's default.
    #[cfg_attr(debug_assertions, default)]
    Text,
    /// One JSON object per line, the release build's default.
    #[cfg_attr(not(debug_assertions), default)]
    Json,
}

/// `RUST_LOG`, else every event at `info` and above, tower-http's at `warn`.
pub fn filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into())
}

/// A subscriber writing `format` lines that `filter` lets through to `writer`.
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

/// Installs the process's log: `format` lines on standard output.
pub fn init(format: LogFormat) {
    let stdout = || app::log_line::OneLine(std::io::stdout());
    if tracing::subscriber::set_global_default(subscriber(format, filter(), stdout)).is_err() {
        tracing::warn!("a log subscriber was installed already");
    }
}

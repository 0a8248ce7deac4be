//! The log: one line per event on standard output, as text for a person at a terminal or as
//! JSON for a log collector (`LOG_FORMAT`; JSON is the release build's default). A JSON line
//! holds the time, level, target, message and fields, and the request's span: its id, method
//! and route pattern. Every line stays one line ([`app::log_line::OneLine`]). With traces
//! ([`super::traces`]), the same spans also go to the tracer.

use opentelemetry_sdk::trace::SdkTracer;
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetryLayer;
use tracing_subscriber::{EnvFilter, fmt::MakeWriter, layer::SubscriberExt, registry::LookupSpan};

use super::traces::Traces;

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

/// A subscriber writing `format` lines that `filter` lets through to `writer`, and handing
/// the spans it lets through to `tracer`, if any.
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    tracer: Option<SdkTracer>,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish().with(traced(tracer))),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish()
                .with(traced(tracer)),
        ),
    }
}

/// The layer handing `S`'s spans to `tracer`, if any.
fn traced<S>(tracer: Option<SdkTracer>) -> Option<OpenTelemetryLayer<S, SdkTracer>>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    tracer.map(|tracer| tracing_opentelemetry::layer().with_tracer(tracer))
}

/// Installs the process's log: `format` lines on standard output, and the spans to `traces`.
pub fn init(format: LogFormat, traces: Option<&Traces>) {
    let stdout = || app::log_line::OneLine(std::io::stdout());
    let subscriber = subscriber(format, filter(), stdout, traces.map(Traces::tracer));
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        tracing::warn!("a log subscriber was installed already");
    }
}

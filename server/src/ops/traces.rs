//! OpenTelemetry traces, sent over OTLP/HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) when one is set, and nowhere otherwise. The spans are
//! the log's — `request` (its id, method and route pattern), `job`, the importer's — with the
//! same fields, so a trace holds no more personal data than the log does: none. The standard
//! `OTEL_*` variables tune the export (batch delay, timeout, headers); the service is `anrufe`.

use anyhow::Context;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::SpanExporter;
use opentelemetry_sdk::{
    Resource,
    trace::{SdkTracer, SdkTracerProvider},
};

/// The variables that switch the export on.
const ENDPOINTS: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
];

/// The export of the process's spans, in batches on a thread of its own.
pub struct Traces {
    provider: SdkTracerProvider,
}

impl Traces {
    /// The export, if an endpoint is set; an error if it is set but unusable.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        let configured = ENDPOINTS
            .iter()
            .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
        if !configured {
            return Ok(None);
        }
        let exporter = SpanExporter::builder()
            .with_http()
            .build()
            .context("OTEL_EXPORTER_OTLP_ENDPOINT does not name a usable OTLP/HTTP endpoint")?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(Resource::builder().with_service_name("anrufe").build())
            .build();
        Ok(Some(Self { provider }))
    }

    /// What the log's subscriber hands the spans to.
    pub fn tracer(&self) -> SdkTracer {
        self.provider.tracer("anrufe")
    }

    /// Sends the spans not sent yet and stops; at exit.
    pub fn shutdown(self) {
        if let Err(error) = self.provider.shutdown() {
            tracing::warn!(%error, "could not send the last traces");
        }
    }
}

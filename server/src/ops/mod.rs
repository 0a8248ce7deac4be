//! Running Anrufe: the health checks a load balancer asks, what every request leaves in the
//! metrics and the log, the metrics scrape itself, how the log is written and where the traces
//! go.

pub mod health;
pub mod logging;
pub mod metrics;
pub mod requests;
pub mod shutdown;
pub mod traces;

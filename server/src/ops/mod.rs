//! Running Anrufe: the health checks a load balancer asks, what every request leaves in the
//! metrics and the log, the metrics scrape itself, and how the log is written.

pub mod health;
pub mod logging;
pub mod metrics;
pub mod requests;
pub mod shutdown;

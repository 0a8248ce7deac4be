//! The shadow test: what a draft's PII rules would do to the concerns of the calls stored in
//! the last days, before anyone approves them. Nothing is changed; the examples name calls,
//! which the admin opens with what their masking lets them see.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::pii::Severity;

/// Days the shadow test may look back (the retention period's maximum).
pub const SHADOW_DAYS: std::ops::RangeInclusive<u16> = 1..=30;
/// Examples one answer names at most.
pub const SHADOW_EXAMPLES: usize = 10;

/// How many stored concerns the rules would block, redact or warn about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowReport {
    pub scanned: u64,
    pub blocked: u64,
    pub redacted: u64,
    pub warned: u64,
    pub examples: Vec<ShadowExample>,
}

/// A call the rules would act on, and the strongest rule that would.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShadowExample {
    pub call_id: i64,
    pub received_at: DateTime<Utc>,
    pub rule: String,
    pub severity: Severity,
}

#[cfg(feature = "backend")]
pub use run::shadow;

#[cfg(feature = "backend")]
mod run {
    use chrono::Duration;
    use sqlx::PgPool;

    use super::{SHADOW_EXAMPLES, ShadowExample, ShadowReport};
    use crate::compliance::pii::{PiiRules, Severity};

    /// Calls read per query.
    const CHUNK: i64 = 2_000;

    /// Runs `rules` over the concerns of the calls of the last `days` days (within the
    /// retention period, restricted calls included: the rules would meet them at import).
    pub async fn shadow(pool: &PgPool, rules: &PiiRules, days: u16) -> sqlx::Result<ShadowReport> {
        let since = chrono::Utc::now() - Duration::days(i64::from(days));
        let mut report = ShadowReport::default();
        let mut after = 0_i64;
        loop {
            let calls = sqlx::query!(
                r#"select id, received_at, caller_number, topic as "topic!" from calls
                   where id > $1 and received_at >= greatest($2, call_retention_cutoff())
                     and topic is not null
                   order by id limit $3"#,
                after,
                since,
                CHUNK
            )
            .fetch_all(pool)
            .await?;
            let Some(last) = calls.last() else { break };
            after = last.id;
            for call in calls {
                report.scanned += 1;
                let findings = rules.scan(&call.topic, call.caller_number.as_deref());
                let Some(strongest) = findings.iter().max_by_key(|f| f.severity) else {
                    continue;
                };
                match strongest.severity {
                    Severity::Block => report.blocked += 1,
                    Severity::Redact => report.redacted += 1,
                    Severity::Warn => report.warned += 1,
                }
                if report.examples.len() < SHADOW_EXAMPLES {
                    report.examples.push(ShadowExample {
                        call_id: call.id,
                        received_at: call.received_at,
                        rule: strongest.rule.clone(),
                        severity: strongest.severity,
                    });
                }
            }
        }
        Ok(report)
    }
}

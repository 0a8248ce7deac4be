//! The compliance report for the data-protection officer and an auditor (seed 003 §5): the active
//! policy and its approval, sources with their legal basis, the operations matrix, PII rules,
//! the policy changes and refusals in a period, retention figures and the auditor checklist.
//!
//! The JSON (`anrufe.compliance-report.v1`, schema in `schema.json` beside this file) holds
//! nothing that changes between two requests for the same period and policy, so it is
//! byte-identical when made again; the PDF is rendered from the same report. Every export is an
//! audit row ([`export`] is the one way to make one).

mod gather;
mod layout;
mod pdf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use super::{
    ComplianceError,
    checklist::Item,
    pii::PiiRule,
    policy::Source,
    version::{Change, VersionState},
};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Invalid, PurgeCounts},
};

/// The `schema` field of every report of this shape.
pub const SCHEMA: &str = "anrufe.compliance-report.v1";
/// Days one report covers at most.
pub const PERIOD_MAX_DAYS: i64 = 366;

/// The report, as the JSON holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComplianceReport {
    /// Always `anrufe.compliance-report.v1`.
    pub schema: String,
    /// The practice's name, as configured (`PRACTICE_NAME`).
    pub practice: String,
    /// Whole days in Europe/Berlin, both included.
    pub period: Period,
    pub policy: ReportPolicy,
    /// Allowed sources with their legal basis and operations matrix.
    pub sources: Vec<Source>,
    /// Always `false`: no policy can allow training on call data.
    pub training_allowed: bool,
    pub pii_rules: Vec<PiiRule>,
    /// Policy versions drafted or decided in the period, oldest first.
    pub changes: Vec<PolicyChange>,
    /// What the source policy refused in the period.
    pub blocked: BlockedCounts,
    pub retention: RetentionFigures,
    /// The auditor checklist (seed 003 §7) on the active version.
    pub checklist: Vec<ChecklistEntry>,
    /// The share of checklist items met, in whole percent.
    pub score: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The version in force and how it came to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportPolicy {
    pub version: i32,
    /// SHA-256 of the version's content, in hex.
    pub content_hash: String,
    /// `None`: installed by the system.
    pub drafted_by: Option<String>,
    /// `None`: approved by the system at installation.
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The only admin approved their own draft.
    pub self_approved: bool,
    /// Whether the practice allows its only admin to approve their own drafts.
    pub self_approval_allowed: bool,
    /// Days calls are kept under the policy.
    pub retention_days: u16,
}

/// One version drafted or decided in the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PolicyChange {
    pub version: i32,
    pub state: VersionState,
    pub drafted_by: Option<String>,
    pub drafted_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub self_approved: bool,
    /// What it changes against the version it was drafted from.
    pub changes: Vec<Change>,
}

/// Refusals in the period, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlockedCounts {
    pub total: i64,
    /// By reason (`source_not_allowed`, `pii_blocked`, …), most first.
    pub by_reason: Vec<Count>,
    /// By source id, most first.
    pub by_source: Vec<Count>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    pub count: i64,
}

/// Retention in the period: the setting against the policy, and what the purge runs did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RetentionFigures {
    /// `RETENTION_DAYS` of the server that made the report.
    pub configured_days: i32,
    /// The configured period is not longer than the policy's.
    pub within_policy: bool,
    /// Purge runs that deleted (not dry runs) started in the period.
    pub purge_runs: i64,
    pub failed_runs: i64,
    pub last_success: Option<DateTime<Utc>>,
    /// What those runs deleted, by kind.
    pub deleted: PurgeCounts,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistEntry {
    pub item: Item,
    pub met: bool,
}

/// The two forms of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportFormat {
    Json,
    Pdf,
}

impl ReportFormat {
    pub fn code(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Pdf => "application/pdf",
        }
    }
}

/// A report, ready to download.
#[derive(Clone, Debug)]
pub struct ExportedReport {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Makes the report for `from..=to` in `format`, records the export in the audit trail (who,
/// format, period, policy version and the SHA-256 of the file) and hands it over.
pub async fn export(
    pool: &PgPool,
    user_id: i64,
    practice: &str,
    from: NaiveDate,
    to: NaiveDate,
    format: ReportFormat,
) -> Result<ExportedReport, ComplianceError> {
    if from > to {
        return Err(ComplianceError::invalid("to", Invalid::RangeReversed));
    }
    if (to - from).num_days() >= PERIOD_MAX_DAYS {
        return Err(ComplianceError::invalid("from", Invalid::ReportPeriod));
    }
    let report = gather::report(pool, practice, Period { from, to }).await?;
    let bytes = match format {
        ReportFormat::Json => json_bytes(&report),
        ReportFormat::Pdf => pdf::render(&report),
    };
    let mut tx = pool.begin().await?;
    audit::record(
        &mut tx,
        Actor::User(user_id),
        AuditAction::ComplianceReportExported,
        None,
        json!({
            "format": format.code(),
            "from": from,
            "to": to,
            "policy_version": report.policy.version,
            "sha256": hex::encode(Sha256::digest(&bytes)),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(ExportedReport {
        file_name: format!("anrufe-compliance-{from}-{to}.{}", format.code()),
        bytes,
    })
}

/// The report as JSON: pretty, fields in their declared order, a newline at the end.
pub fn json_bytes(report: &ComplianceReport) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("a report serialises");
    bytes.push(b'\n');
    bytes
}

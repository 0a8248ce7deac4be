//! Reads what the report holds. Everything is bounded by the period or fixed by the active
//! version, in a stable order, so the same period and policy give the same report.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{
    BlockedCounts, ChecklistEntry, ComplianceReport, Count, Period, PolicyChange, ReportPolicy,
    RetentionFigures, SCHEMA,
};
use crate::{
    compliance::{
        ComplianceError, approval,
        checklist::{checklist, score},
        store,
        version::{PolicyVersion, diff},
    },
    domain::{PurgeCounts, TimeRange},
};

pub(super) async fn report(
    pool: &PgPool,
    practice: &str,
    period: Period,
) -> Result<ComplianceReport, ComplianceError> {
    store::active(pool).await?;
    let versions = store::versions(pool).await?;
    let active = versions
        .iter()
        .find(|version| version.active)
        .ok_or(ComplianceError::NotFound)?;
    let (start, end) = bounds(period);
    let items = checklist(active);
    Ok(ComplianceReport {
        schema: SCHEMA.to_owned(),
        practice: practice.to_owned(),
        period,
        policy: ReportPolicy {
            version: active.version,
            content_hash: active.content_hash.clone().unwrap_or_default(),
            drafted_by: active.author.clone(),
            approved_by: active.decided_by.clone(),
            approved_at: active.decided_at,
            self_approved: active.self_approved,
            self_approval_allowed: approval::self_approval_setting(pool).await?,
            retention_days: active.document.retention_days,
        },
        sources: active.document.sources.clone(),
        training_allowed: false,
        pii_rules: active.document.pii_rules.clone(),
        changes: changes(&versions, start, end),
        blocked: blocked(pool, start, end).await?,
        retention: retention(pool, active.document.retention_days, start, end).await?,
        score: score(&items),
        checklist: items
            .into_iter()
            .map(|(item, met)| ChecklistEntry { item, met })
            .collect(),
    })
}

/// The period's instants `[start, end)`.
fn bounds(period: Period) -> (DateTime<Utc>, DateTime<Utc>) {
    let range = TimeRange::Days {
        from: Some(period.from),
        to: Some(period.to),
    };
    match range.bounds(Utc::now()) {
        (Some(start), Some(end)) => (start, end),
        _ => unreachable!("a range of two given days has both ends"),
    }
}

/// Versions drafted or decided in the period, oldest first, each with what it changes against
/// the version it started from.
fn changes(
    versions: &[PolicyVersion],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<PolicyChange> {
    let within = |at: DateTime<Utc>| start <= at && at < end;
    let mut changes: Vec<PolicyChange> = versions
        .iter()
        .filter(|version| within(version.created_at) || version.decided_at.is_some_and(within))
        .map(|version| {
            let before = version
                .based_on
                .and_then(|based_on| versions.iter().find(|other| other.version == based_on));
            PolicyChange {
                version: version.version,
                state: version.state,
                drafted_by: version.author.clone(),
                drafted_at: version.created_at,
                decided_by: version.decided_by.clone(),
                decided_at: version.decided_at,
                self_approved: version.self_approved,
                changes: before
                    .map_or_else(Vec::new, |before| diff(&before.document, &version.document)),
            }
        })
        .collect();
    changes.sort_by_key(|change| change.version);
    changes
}

async fn blocked(
    pool: &PgPool,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<BlockedCounts, ComplianceError> {
    let rows = sqlx::query!(
        r#"select reason, source, count(*) as "count!" from blocked_content_log
           where occurred_at >= $1 and occurred_at < $2
           group by reason, source"#,
        start,
        end
    )
    .fetch_all(pool)
    .await?;
    let mut counts = BlockedCounts::default();
    for row in rows {
        counts.total += row.count;
        add(&mut counts.by_reason, row.reason, row.count);
        add(&mut counts.by_source, row.source, row.count);
    }
    for list in [&mut counts.by_reason, &mut counts.by_source] {
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    }
    Ok(counts)
}

fn add(counts: &mut Vec<Count>, key: String, count: i64) {
    match counts.iter_mut().find(|entry| entry.key == key) {
        Some(entry) => entry.count += count,
        None => counts.push(Count { key, count }),
    }
}

async fn retention(
    pool: &PgPool,
    policy_days: u16,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<RetentionFigures, ComplianceError> {
    let configured_days = sqlx::query_scalar!(r#"select retention_days() as "days!""#)
        .fetch_one(pool)
        .await?;
    let runs = sqlx::query!(
        r#"select outcome, finished_at, counts from purge_runs
           where not dry_run and started_at >= $1 and started_at < $2
           order by started_at, id"#,
        start,
        end
    )
    .fetch_all(pool)
    .await?;
    let mut figures = RetentionFigures {
        configured_days,
        within_policy: configured_days <= i32::from(policy_days),
        ..RetentionFigures::default()
    };
    for run in runs {
        figures.purge_runs += 1;
        match run.outcome.as_str() {
            "ok" => figures.last_success = run.finished_at.or(figures.last_success),
            "failed" | "interrupted" => figures.failed_runs += 1,
            _ => {}
        }
        let counts: PurgeCounts = serde_json::from_value(run.counts).unwrap_or_default();
        figures.deleted += &counts;
    }
    Ok(figures)
}

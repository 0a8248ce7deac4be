//! The admins' evaluation („Auswertung“). [`recount`] counts the calls of the recent days into
//! hourly rows (`kpi_hours`, `kpi_done_times`; the server's `kpi` job does: the last two days
//! every minute, all of the report's every ten minutes, for calls done late);
//! [`read`] turns the rows of the last [`REPORT_DAYS`] days into the [`Report`], by day and hour
//! in Berlin — a few thousand rows however many calls there are.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use sqlx::{PgConnection, PgPool};

use super::{DONE_WITHIN_MINUTES, DayFigures, Figures, REPORT_DAYS, Report, Share, Within};
use crate::domain::{BERLIN, start_of_day};

/// The job that keeps the counts, as `job_runs` names it.
pub const KPI_JOB: &str = "kpi";

/// Days a full recount covers: the report's and one more.
pub const ALL_DAYS: i64 = REPORT_DAYS as i64 + 1;

/// Days the frequent recount covers: today's and yesterday's calls, which change most.
pub const RECENT_DAYS: i64 = 2;

/// What a recount did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Recounted {
    /// Days counted again.
    pub days: i64,
    /// Rows of hours written.
    pub hours: u64,
    /// Calls counted.
    pub calls: i64,
}

/// Counts the calls that came in the `days` days before `now` (within the retention period)
/// again, in one transaction: how many came per hour, source and category, how many of them are
/// done and escalated, and how long the done ones took.
pub async fn recount(pool: &PgPool, now: DateTime<Utc>, days: i64) -> sqlx::Result<Recounted> {
    let mut tx = pool.begin().await?;
    let since = sqlx::query_scalar!(
        r#"select greatest(date_trunc('hour', $1::timestamptz, 'UTC'),
                           date_trunc('hour', call_retention_cutoff(), 'UTC')) as "since!""#,
        now - Duration::days(days),
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!("delete from kpi_hours where hour >= $1", since)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from kpi_done_times where hour >= $1", since)
        .execute(&mut *tx)
        .await?;
    let hours = sqlx::query!(
        "insert into kpi_hours (hour, source, category, calls, done, escalated)
         select date_trunc('hour', received_at, 'UTC'), source, coalesce(category, ''),
                count(*), count(*) filter (where status = 'DONE'),
                count(*) filter (where escalated_at is not null)
           from calls where received_at >= $1
          group by 1, 2, 3",
        since,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "insert into kpi_done_times (hour, bucket, calls)
         select date_trunc('hour', received_at, 'UTC'),
                width_bucket(extract(epoch from done_at - received_at) / 60, $2::float8[]),
                count(*)
           from calls where received_at >= $1 and status = 'DONE' and done_at is not null
          group by 1, 2",
        since,
        &DONE_WITHIN_MINUTES.map(f64::from) as &[f64],
    )
    .execute(&mut *tx)
    .await?;
    let calls = sqlx::query_scalar!(
        r#"select coalesce(sum(calls), 0)::bigint as "calls!" from kpi_hours where hour >= $1"#,
        since,
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Recounted { days, hours, calls })
}

/// The report of the [`REPORT_DAYS`] days up to `now`'s, from the counts.
pub async fn read(conn: &mut PgConnection, now: DateTime<Utc>) -> sqlx::Result<Report> {
    let today = now.with_timezone(&BERLIN).date_naive();
    let first = today - Duration::days(REPORT_DAYS as i64 - 1);
    let since = start_of_day(first);
    let hours = sqlx::query!(
        r#"select h.hour, coalesce(s.name, h.source) as "source!", h.category, h.calls, h.done,
                  h.escalated
             from kpi_hours h left join policy_sources s on s.source = h.source
            where h.hour >= $1"#,
        since,
    )
    .fetch_all(&mut *conn)
    .await?;
    let done_times = sqlx::query!(
        "select hour, bucket, calls from kpi_done_times where hour >= $1",
        since,
    )
    .fetch_all(&mut *conn)
    .await?;
    let counted_at = sqlx::query_scalar!(
        "select max(finished_at) from job_runs where job = $1 and outcome = 'ok'",
        KPI_JOB,
    )
    .fetch_one(&mut *conn)
    .await?;

    let mut tally = Tally::new(first);
    for row in hours {
        tally.add_hour(
            row.hour,
            &row.source,
            &row.category,
            Counts {
                calls: row.calls.into(),
                done: row.done.into(),
                escalated: row.escalated.into(),
            },
        );
    }
    for row in done_times {
        tally.add_done_times(row.hour, row.bucket, row.calls.into());
    }
    Ok(tally.report(since, counted_at))
}

#[derive(Clone, Copy, Default)]
struct Counts {
    calls: i64,
    done: i64,
    escalated: i64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.calls += other.calls;
        self.done += other.done;
        self.escalated += other.escalated;
    }
}

/// The counts summed by day, hour and weekday in Berlin, source and category.
struct Tally {
    first: NaiveDate,
    days: Vec<(Counts, Vec<i64>)>,
    by_hour: Vec<i64>,
    by_weekday_hour: Vec<Vec<i64>>,
    by_source: BTreeMap<String, Counts>,
    by_category: BTreeMap<String, Counts>,
}

impl Tally {
    fn new(first: NaiveDate) -> Self {
        let steps = DONE_WITHIN_MINUTES.len() + 1;
        Self {
            first,
            days: vec![(Counts::default(), vec![0; steps]); REPORT_DAYS],
            by_hour: vec![0; 24],
            by_weekday_hour: vec![vec![0; 24]; 7],
            by_source: BTreeMap::new(),
            by_category: BTreeMap::new(),
        }
    }

    /// The day's index, hour of the day and weekday of an hour, when it is a day of the report.
    fn place(&self, hour: DateTime<Utc>) -> Option<(usize, usize, usize)> {
        let local = hour.with_timezone(&BERLIN);
        let day = usize::try_from((local.date_naive() - self.first).num_days()).ok()?;
        (day < REPORT_DAYS).then_some((
            day,
            local.hour() as usize,
            local.weekday().num_days_from_monday() as usize,
        ))
    }

    fn add_hour(&mut self, hour: DateTime<Utc>, source: &str, category: &str, counts: Counts) {
        let Some((day, hour_of_day, weekday)) = self.place(hour) else {
            return;
        };
        self.days[day].0.add(counts);
        self.by_hour[hour_of_day] += counts.calls;
        self.by_weekday_hour[weekday][hour_of_day] += counts.calls;
        self.by_source
            .entry(source.to_owned())
            .or_default()
            .add(counts);
        self.by_category
            .entry(category.to_owned())
            .or_default()
            .add(counts);
    }

    fn add_done_times(&mut self, hour: DateTime<Utc>, bucket: i16, calls: i64) {
        let Some((day, ..)) = self.place(hour) else {
            return;
        };
        let steps = &mut self.days[day].1;
        if let Some(step) = usize::try_from(bucket).ok().and_then(|b| steps.get_mut(b)) {
            *step += calls;
        }
    }

    fn report(self, since: DateTime<Utc>, counted_at: Option<DateTime<Utc>>) -> Report {
        let figures = |counts: Counts, steps: &[i64]| Figures {
            calls: counts.calls,
            done: counts.done,
            escalated: counts.escalated,
            median_to_done: Within::quantile(steps, 0.5),
            p90_to_done: Within::quantile(steps, 0.9),
        };
        let mut all = Counts::default();
        let mut all_steps = vec![0; DONE_WITHIN_MINUTES.len() + 1];
        let days = self
            .days
            .iter()
            .enumerate()
            .map(|(index, (counts, steps))| {
                all.add(*counts);
                all_steps
                    .iter_mut()
                    .zip(steps)
                    .for_each(|(sum, n)| *sum += n);
                DayFigures {
                    day: self.first + Duration::days(index as i64),
                    figures: figures(*counts, steps),
                }
            })
            .collect();
        let shares = |map: BTreeMap<String, Counts>| {
            let mut shares: Vec<Share> = map
                .into_iter()
                .map(|(name, counts)| Share {
                    name,
                    calls: counts.calls,
                    done: counts.done,
                })
                .collect();
            shares.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.name.cmp(&b.name)));
            shares
        };
        Report {
            since,
            counted_at,
            days,
            totals: figures(all, &all_steps),
            by_hour: self.by_hour,
            by_weekday_hour: self.by_weekday_hour,
            by_source: shares(self.by_source),
            by_category: shares(self.by_category),
        }
    }
}

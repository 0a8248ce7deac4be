//! Background jobs, all in one place. Each job runs on its own schedule in its own tracing
//! span, under a PostgreSQL advisory lock (so two server instances never run the same job at
//! once: the second skips), and each run is recorded in `job_runs` with what it did or why it
//! failed. A job is a variant of [`Job`] and a module of its own; `main.rs` only starts them.
//! The importer, which runs all the time rather than now and then, holds a lock of its own
//! ([`importing`]).

pub mod backup;
mod escalation;
pub mod importing;
mod kpi;
pub mod retention;
mod sessions;
pub mod suggestions;

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use app::{
    auth::SessionPolicy,
    backup::status::{BACKUP_JOB, DRILL_JOB},
    domain::PurgeTrigger,
    retention::PurgeTime,
};
use chrono::Utc;
use serde_json::Value;
use sqlx::PgPool;
use tracing::Instrument;

/// The server's background jobs.
#[derive(Clone, Debug)]
pub enum Job {
    /// Removes ended sessions, stale failed logins and identity-provider logins that never
    /// came back, hourly.
    Sessions(SessionPolicy),
    /// Deletes what is past the retention period (`app::retention`), nightly at `at`, and at
    /// start when the last run is more than a day ago.
    Retention {
        at: PurgeTime,
        import_dir: Option<PathBuf>,
    },
    /// Writes an encrypted backup and deletes those past the retention period, nightly at
    /// `at`, and at start when the last one is more than a day old. With `drill`, it then
    /// drills the new backup when the last good drill is a week old.
    Backup {
        at: PurgeTime,
        backups: backup::Backups,
        drill: Option<backup::Drill>,
    },
    /// Restores a backup into a throwaway database and compares it with its manifest: run by
    /// the backup job weekly and by `server backup verify`, never on a schedule of its own.
    RestoreDrill(backup::Drill),
    /// The LLM help's automatic mode: suggestions for new calls, every half minute while an
    /// admin has it switched on.
    Suggestions(Arc<app::llm::client::LlmClient>),
    /// Escalates open urgent calls that waited longer than the escalation time
    /// (`app::rules::escalation`), every half minute.
    Escalation,
    /// Counts the recent days' calls for the evaluation (`app::kpi::report`), every minute.
    Kpi,
}

/// Why a job runs now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// Its time came.
    Schedule,
    /// The server started and its last run is overdue.
    Start,
    /// Someone ran it with a command (`server backup create`, `server backup verify`).
    Command,
}

/// When a job runs.
enum Schedule {
    /// At start, then every so long.
    Every(Duration),
    /// Daily at a time in Berlin; at start too when the last good run is a day old.
    Daily(PurgeTime),
}

/// What one attempt to run a job came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// It ran; the id of its `job_runs` row.
    Ran(i64),
    /// Another instance holds the job's lock and runs it.
    Skipped,
}

impl Job {
    /// The name in `job_runs`, the logs and the lock.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sessions(_) => "sessions",
            Self::Retention { .. } => "retention",
            Self::Backup { .. } => BACKUP_JOB,
            Self::RestoreDrill(_) => DRILL_JOB,
            Self::Suggestions(_) => "suggestions",
            Self::Escalation => "escalation",
            Self::Kpi => app::kpi::report::KPI_JOB,
        }
    }

    fn schedule(&self) -> Option<Schedule> {
        match self {
            Self::Sessions(_) => Some(Schedule::Every(Duration::from_secs(60 * 60))),
            Self::Retention { at, .. } | Self::Backup { at, .. } => Some(Schedule::Daily(*at)),
            Self::RestoreDrill(_) => None,
            Self::Suggestions(_) | Self::Escalation => {
                Some(Schedule::Every(Duration::from_secs(30)))
            }
            Self::Kpi => Some(Schedule::Every(Duration::from_secs(60))),
        }
    }

    async fn work(&self, pool: &PgPool, why: Why) -> anyhow::Result<Value> {
        match self {
            Self::Sessions(policy) => sessions::purge(pool, *policy).await,
            Self::Retention { import_dir, .. } => {
                let trigger = match why {
                    Why::Schedule => PurgeTrigger::Schedule,
                    Why::Start => PurgeTrigger::Start,
                    Why::Command => PurgeTrigger::Command,
                };
                retention::purge(pool, trigger, import_dir.clone()).await
            }
            Self::Backup { backups, .. } => backup::create(backups).await,
            Self::RestoreDrill(drill) => backup::drill(drill).await,
            Self::Suggestions(client) => suggestions::run(pool, client).await,
            Self::Escalation => escalation::run(pool).await,
            Self::Kpi => kpi::run(pool, why).await,
        }
    }
}

/// Starts each job on its schedule.
pub fn spawn_all(pool: &PgPool, jobs: impl IntoIterator<Item = Job>) {
    for job in jobs {
        let pool = pool.clone();
        tokio::spawn(async move {
            let Some(schedule) = job.schedule() else {
                return;
            };
            match schedule {
                Schedule::Every(every) => {
                    let mut ticks = tokio::time::interval(every);
                    loop {
                        ticks.tick().await;
                        attempt(&pool, &job, Why::Schedule).await;
                    }
                }
                Schedule::Daily(at) => {
                    if overdue(&pool, job.name(), DAY_HOURS).await {
                        attempt(&pool, &job, Why::Start).await;
                    }
                    loop {
                        let now = Utc::now();
                        let wait = (at.next_after(now) - now).to_std().unwrap_or_default();
                        tokio::time::sleep(wait).await;
                        attempt(&pool, &job, Why::Schedule).await;
                    }
                }
            }
        });
    }
}

const DAY_HOURS: i32 = 24;
const WEEK_HOURS: i32 = 7 * DAY_HOURS;

async fn attempt(pool: &PgPool, job: &Job, why: Why) {
    if let Err(error) = run_once(pool, job, why).await {
        tracing::warn!(job = job.name(), error = %format!("{error:#}"), "a job could not run");
    }
}

/// Whether the job `name` has not run well for more than `hours` (or never); true when that
/// cannot be read, so a job is rather run once too often than missed.
async fn overdue(pool: &PgPool, name: &str, hours: i32) -> bool {
    sqlx::query_scalar!(
        r#"select coalesce(max(finished_at) < now() - make_interval(hours => $2), true)
                  as "overdue!"
           from job_runs where job = $1 and outcome = 'ok'"#,
        name,
        hours
    )
    .fetch_one(pool)
    .await
    .unwrap_or(true)
}

/// Runs `job` once unless another instance runs it, and records the run. A failing job is
/// recorded as failed with its error; only not reaching the database is an error here. After
/// a backup with a drill, the drill follows as a run of its own when the last good one is a
/// week old.
pub async fn run_once(pool: &PgPool, job: &Job, why: Why) -> anyhow::Result<Attempt> {
    let attempt = run_alone(pool, job, why).await?;
    // Half a day's leeway, so that a drill late one week is not skipped the next.
    if let (
        Attempt::Ran(_),
        Job::Backup {
            drill: Some(drill), ..
        },
    ) = (&attempt, job)
        && overdue(pool, DRILL_JOB, WEEK_HOURS - 12).await
    {
        run_alone(pool, &Job::RestoreDrill(drill.clone()), why).await?;
    }
    Ok(attempt)
}

async fn run_alone(pool: &PgPool, job: &Job, why: Why) -> anyhow::Result<Attempt> {
    let span = tracing::info_span!("job", job = job.name());
    async {
        // The lock is held by a transaction of its own for the run: it ends with it, also when
        // the run fails half-way, and no pooled connection keeps it.
        let mut lock = pool.begin().await.context("no database connection")?;
        let key = format!("anrufe-job:{}", job.name());
        let locked = sqlx::query_scalar!(
            r#"select pg_try_advisory_xact_lock(hashtext($1)) as "locked!""#,
            key
        )
        .fetch_one(&mut *lock)
        .await?;
        if !locked {
            tracing::debug!("another instance runs this job");
            return Ok(Attempt::Skipped);
        }
        let run = sqlx::query_scalar!(
            "insert into job_runs (job) values ($1) returning id",
            job.name()
        )
        .fetch_one(pool)
        .await?;
        let result = job.work(pool, why).await;
        let (outcome, detail, error) = match &result {
            Ok(detail) => ("ok", detail.clone(), None),
            Err(error) => (
                "failed",
                Value::Object(Default::default()),
                Some(format!("{error:#}")),
            ),
        };
        sqlx::query!(
            "update job_runs set finished_at = now(), outcome = $2, detail = $3, error = $4
             where id = $1",
            run,
            outcome,
            detail,
            error.as_deref(),
        )
        .execute(pool)
        .await?;
        lock.commit().await?;
        match error {
            None => tracing::info!(%detail, "job done"),
            Some(error) => tracing::error!(%error, "job failed"),
        }
        Ok(Attempt::Ran(run))
    }
    .instrument(span)
    .await
}

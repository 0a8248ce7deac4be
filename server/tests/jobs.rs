//! Background jobs: a run is recorded with what it did, a second instance skips a job the
//! first one runs, and a failing job is recorded as failed.

mod common;

use app::{auth::SessionPolicy, domain::Role};
use server::jobs::{self, Attempt, Job, Why};
use sqlx::{PgPool, Row};

#[sqlx::test(migrations = "../migrations")]
async fn a_run_is_recorded_with_what_it_did(pool: PgPool) {
    let login = common::login(&pool, Role::Agent).await;
    sqlx::query("update sessions set last_seen_at = now() - interval '2 days' where user_id = $1")
        .bind(login.user_id)
        .execute(&pool)
        .await
        .expect("an ended session");
    // Two old runs of another job: the older goes, the newer is its last good one and stays.
    sqlx::query(
        "insert into job_runs (job, started_at, finished_at, outcome)
         values ('suggestions', now() - interval '100 days', now() - interval '100 days', 'ok'),
                ('suggestions', now() - interval '99 days', now() - interval '99 days', 'ok')",
    )
    .execute(&pool)
    .await
    .expect("old runs");

    let runtime = common::runtime(&pool);
    let Attempt::Ran(run) = jobs::run_once(
        &runtime,
        &Job::Sessions(SessionPolicy::default()),
        Why::Schedule,
    )
    .await
    .expect("run") else {
        panic!("nobody else holds the lock");
    };
    let row = sqlx::query(
        "select job, outcome, detail, finished_at is not null as done from job_runs where id = $1",
    )
    .bind(run)
    .fetch_one(&pool)
    .await
    .expect("recorded");
    assert_eq!(row.get::<String, _>("job"), "sessions");
    assert_eq!(
        row.get::<Option<String>, _>("outcome").as_deref(),
        Some("ok")
    );
    assert_eq!(
        row.get::<serde_json::Value, _>("detail"),
        serde_json::json!({ "sessions": 1, "oidc_logins": 0, "job_runs": 1 })
    );
    assert!(row.get::<bool, _>("done"));
    let kept: i64 = sqlx::query_scalar("select count(*) from job_runs where job = 'suggestions'")
        .fetch_one(&pool)
        .await
        .expect("kept");
    assert_eq!(kept, 1, "the newest good run of a job stays");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_job_another_instance_runs_is_skipped(pool: PgPool) {
    let job = Job::Sessions(SessionPolicy::default());
    let mut other = pool
        .acquire()
        .await
        .expect("the other instance's connection");
    sqlx::query("select pg_advisory_lock(hashtext('anrufe-job:sessions'))")
        .execute(&mut *other)
        .await
        .expect("lock");
    let runtime = common::runtime(&pool);
    assert_eq!(
        jobs::run_once(&runtime, &job, Why::Schedule)
            .await
            .expect("attempt"),
        Attempt::Skipped
    );
    let runs: i64 = sqlx::query_scalar("select count(*) from job_runs")
        .fetch_one(&pool)
        .await
        .expect("runs");
    assert_eq!(runs, 0);

    sqlx::query("select pg_advisory_unlock(hashtext('anrufe-job:sessions'))")
        .execute(&mut *other)
        .await
        .expect("the other instance is done");
    assert!(matches!(
        jobs::run_once(&runtime, &job, Why::Schedule).await,
        Ok(Attempt::Ran(_))
    ));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failing_job_is_recorded_as_failed(pool: PgPool) {
    // The job's table is gone, as after a botched manual change: the run fails, says why.
    sqlx::query("alter table oidc_logins rename to oidc_logins_away")
        .execute(&pool)
        .await
        .expect("rename");
    let runtime = common::runtime(&pool);
    let Ok(Attempt::Ran(run)) = jobs::run_once(
        &runtime,
        &Job::Sessions(SessionPolicy::default()),
        Why::Schedule,
    )
    .await
    else {
        panic!("the run itself is recorded");
    };
    let (outcome, error): (Option<String>, Option<String>) =
        sqlx::query_as("select outcome, error from job_runs where id = $1")
            .bind(run)
            .fetch_one(&pool)
            .await
            .expect("recorded");
    assert_eq!(outcome.as_deref(), Some("failed"));
    assert!(error.is_some_and(|error| error.contains("oidc_logins")));
}

//! The evaluation („Auswertung“) against calls whose figures are worked out by hand: by day and
//! hour in Berlin, open and done, escalated, time to done to the step, by source and category;
//! counted by the `kpi` job and read by admins only.

mod common;

use app::{
    domain::{BERLIN, Role},
    kpi::{REPORT_DAYS, Share, Within, report},
};
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use common::{
    calls::{NewCall, insert_call},
    requests::server_fn,
};
use serde_json::json;
use server::jobs::{Attempt, Job, Why, run_once};
use sqlx::PgPool;

/// `days_ago` days before today in Berlin, at the local time `hour:minute`.
fn at(days_ago: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = Utc::now().with_timezone(&BERLIN).date_naive() - Duration::days(days_ago);
    let local = day.and_time(NaiveTime::from_hms_opt(hour, minute, 0).expect("time"));
    BERLIN
        .from_local_datetime(&local)
        .earliest()
        .expect("a time of the day")
        .with_timezone(&Utc)
}

/// A call received at `received_at`, done after `done_after` minutes when given.
async fn call(pool: &PgPool, received_at: DateTime<Utc>, done_after: Option<i64>) -> i64 {
    let id = insert_call(
        pool,
        NewCall {
            received_at,
            ..NewCall::default()
        },
    )
    .await;
    if let Some(minutes) = done_after {
        sqlx::query(
            "update calls set status = 'DONE', done_at = received_at + make_interval(mins => $2)
              where id = $1",
        )
        .bind(id)
        .bind(minutes as i32)
        .execute(pool)
        .await
        .expect("done");
    }
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn the_report_counts_by_day_hour_source_and_category(pool: PgPool) {
    call(&pool, at(0, 9, 15), None).await;
    let escalated = call(&pool, at(0, 9, 40), Some(25)).await;
    sqlx::query(
        "update calls set escalated_at = received_at + interval '10 minutes' where id = $1",
    )
    .bind(escalated)
    .execute(&pool)
    .await
    .expect("escalated");
    let prescription = call(&pool, at(1, 14, 5), Some(50)).await;
    sqlx::query("update calls set category = 'Rezept' where id = $1")
        .bind(prescription)
        .execute(&pool)
        .await
        .expect("category");
    call(&pool, at(1, 14, 30), Some(3)).await;
    call(&pool, at(40, 10, 0), Some(5)).await;

    let runtime = common::runtime(&pool);
    let now = Utc::now();
    let counted = report::recount(&runtime, now, report::ALL_DAYS)
        .await
        .expect("recount");
    assert_eq!(counted.calls, 4, "the call of 40 days ago is not counted");
    let mut conn = runtime.acquire().await.expect("connection");
    let report = report::read(&mut conn, now).await.expect("report");

    assert_eq!(report.days.len(), REPORT_DAYS);
    let today = report.days[REPORT_DAYS - 1];
    assert_eq!(today.day, now.with_timezone(&BERLIN).date_naive());
    assert_eq!(
        (
            today.figures.calls,
            today.figures.done,
            today.figures.escalated
        ),
        (2, 1, 1)
    );
    assert_eq!(
        today.figures.median_to_done,
        Some(Within::AtMost(30)),
        "25 min"
    );
    let yesterday = report.days[REPORT_DAYS - 2].figures;
    assert_eq!(
        (yesterday.calls, yesterday.done, yesterday.open()),
        (2, 2, 0)
    );
    assert_eq!(
        yesterday.median_to_done,
        Some(Within::AtMost(5)),
        "3 and 50 min"
    );
    assert_eq!(yesterday.p90_to_done, Some(Within::AtMost(60)));
    assert_eq!(
        (
            report.totals.calls,
            report.totals.done,
            report.totals.escalated
        ),
        (4, 3, 1)
    );
    assert_eq!(
        report.totals.median_to_done,
        Some(Within::AtMost(30)),
        "3, 25, 50 min"
    );
    assert_eq!(report.totals.p90_to_done, Some(Within::AtMost(60)));
    assert_eq!(
        (
            report.by_hour[9],
            report.by_hour[14],
            report.by_hour.iter().sum::<i64>()
        ),
        (2, 2, 4)
    );
    let weekday = at(0, 9, 0)
        .with_timezone(&BERLIN)
        .weekday()
        .num_days_from_monday() as usize;
    assert_eq!(report.by_weekday_hour[weekday][9], 2);
    assert_eq!(
        report.by_source,
        vec![Share {
            name: "Telefonassistent".into(),
            calls: 4,
            done: 3
        }]
    );
    assert_eq!(
        report.by_category,
        vec![
            Share {
                name: String::new(),
                calls: 3,
                done: 2
            },
            Share {
                name: "Rezept".into(),
                calls: 1,
                done: 1
            },
        ]
    );
    assert_eq!(report.counted_at, None, "not counted by the job yet");

    // A call done since is counted by the next run of the job, which the report names.
    sqlx::query("update calls set status = 'DONE', done_at = now() where status = 'NEW'")
        .execute(&pool)
        .await
        .expect("done");
    let attempt = run_once(&runtime, &Job::Kpi, Why::Schedule)
        .await
        .expect("the job");
    assert!(matches!(attempt, Attempt::Ran(_)), "{attempt:?}");
    let report = report::read(&mut conn, Utc::now()).await.expect("report");
    assert_eq!(report.days[REPORT_DAYS - 1].figures.done, 2);
    assert!(report.counted_at.is_some());
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_read_the_report(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    let (status, report) = server_fn(&pool, &admin, "admin/report", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["days"].as_array().map(Vec::len), Some(REPORT_DAYS));
    let (status, _) = server_fn(&pool, &agent, "admin/report", json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

//! Escalation and the desk's alerts: an open urgent call older than the escalation time is
//! escalated once (by a clock the test sets), given to the person on duty if nobody has it,
//! audited and shown in every desk's banner; red-flag calls nobody has taken are pinned; bad
//! settings get a clear code.

mod common;

use app::{domain::Role, rules::escalation::escalate_due};
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::{
    calls::{NewCall, insert_call, insert_user, restrict},
    requests::server_fn,
};
use serde_json::{Value, json};
use server::jobs::{Attempt, Job, Why, run_once};
use sqlx::PgPool;

fn urgent_at(minutes_ago: i64) -> NewCall<'static> {
    NewCall {
        received_at: Utc::now() - Duration::minutes(minutes_ago),
        priority: "urgent",
        ..NewCall::default()
    }
}

async fn escalated(pool: &PgPool) -> Vec<(i64, Option<i64>)> {
    sqlx::query_as(
        "select id, assignee_id from calls where escalated_at is not null order by received_at",
    )
    .fetch_all(pool)
    .await
    .expect("escalated calls")
}

#[sqlx::test(migrations = "../migrations")]
async fn open_urgent_calls_escalate_once_after_the_set_time(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let on_duty = insert_user(&pool, "Dora Dienst", true).await;
    let colleague = insert_user(&pool, "Karl Kollege", true).await;
    let (status, saved) = server_fn(
        &pool,
        &admin,
        "admin/save_escalation_settings",
        json!({ "settings": { "after_minutes": 10, "on_duty": on_duty } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let nobodys = insert_call(&pool, urgent_at(15)).await;
    let taken = insert_call(&pool, urgent_at(12)).await;
    sqlx::query("update calls set assignee_id = $2 where id = $1")
        .bind(taken)
        .bind(colleague)
        .execute(&pool)
        .await
        .expect("taken");
    let young = insert_call(&pool, urgent_at(9)).await;
    insert_call(
        &pool,
        NewCall {
            priority: "high",
            ..urgent_at(30)
        },
    )
    .await;
    insert_call(
        &pool,
        NewCall {
            status: "DONE",
            ..urgent_at(30)
        },
    )
    .await;
    let restricted = insert_call(&pool, urgent_at(30)).await;
    restrict(&pool, restricted).await;

    let runtime = common::runtime(&pool);
    let now = Utc::now();
    let done = escalate_due(&runtime, now).await.expect("escalation");
    assert_eq!((done.escalated, done.assigned), (2, 1), "{done:?}");
    assert_eq!(
        escalated(&pool).await,
        [(nobodys, Some(on_duty)), (taken, Some(colleague))],
        "the person on duty gets only the call nobody had"
    );
    let again = escalate_due(&runtime, now).await.expect("escalation");
    assert_eq!(again.escalated, 0, "once only");

    // Two minutes later the young call is 11 minutes old.
    let later = escalate_due(&runtime, now + Duration::minutes(2))
        .await
        .expect("escalation");
    assert_eq!(later.escalated, 1);
    assert_eq!(escalated(&pool).await.len(), 3);

    let audited: Vec<(Option<i64>, String, Value)> = sqlx::query_as(
        "select call_id, actor_kind, diff from actions_audit
          where action_type = 'escalated' order by id",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(audited.len(), 3, "{audited:?}");
    assert_eq!(audited[0].0, Some(nobodys));
    assert_eq!(audited[0].1, "system");
    assert_eq!(audited[0].2["after_minutes"], 10);
    assert_eq!(audited[0].2["assignee_id"]["new"], on_duty);

    // Every desk's banner lists the open ones, until they are done.
    let agent = common::login(&pool, Role::Agent).await;
    let (status, alerts) = server_fn(&pool, &agent, "desk_alerts", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{alerts}");
    let ids: Vec<i64> = alerts["escalated"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|call| call["id"].as_i64().expect("an id"))
        .collect();
    assert_eq!(ids, [nobodys, taken, young]);
    assert_eq!(alerts["after_minutes"], 10);
    sqlx::query("update calls set status = 'DONE' where id = $1")
        .bind(nobodys)
        .execute(&pool)
        .await
        .expect("done");
    let (_, alerts) = server_fn(&pool, &agent, "desk_alerts", json!({})).await;
    assert_eq!(alerts["escalated"].as_array().map(Vec::len), Some(2));

    // The job runs the same, recorded.
    let attempt = run_once(&runtime, &Job::Escalation, Why::Command)
        .await
        .expect("the job");
    let Attempt::Ran(run) = attempt else {
        panic!("not run: {attempt:?}");
    };
    let detail: Value = sqlx::query_scalar("select detail from job_runs where id = $1")
        .bind(run)
        .fetch_one(&pool)
        .await
        .expect("the run");
    assert_eq!(detail["escalated"], 0, "{detail}");
}

#[sqlx::test(migrations = "../migrations")]
async fn red_flag_calls_are_pinned_until_someone_takes_them(pool: PgPool) {
    let line = |event_id: &str, topic: &str| {
        json!({
            "schema": "call.v1", "event_id": event_id,
            "received_at": Utc::now().to_rfc3339(), "source": "phone",
            "caller_number": "+49307654321", "caller_name": "Erika Beispiel", "topic": topic,
        })
        .to_string()
            + "\n"
    };
    let file = format!("calls-{}.jsonl", Utc::now().format("%Y-%m-%d"));
    let lines = [
        line("flag", "Atemnot seit dem Aufstehen"),
        line("dringend", "Rückruf"),
    ]
    .concat();
    common::import_demo_calls(&pool, 0, &[(&file, &lines)]).await;
    sqlx::query("update calls set priority = 'urgent' where event_id = 'dringend'")
        .execute(&pool)
        .await
        .expect("urgent without a rule");

    let agent = common::login(&pool, Role::Agent).await;
    let (status, alerts) = server_fn(&pool, &agent, "desk_alerts", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{alerts}");
    let pinned = alerts["pinned"].as_array().expect("a list");
    assert_eq!(pinned.len(), 1, "only the red flag: {alerts}");
    assert_eq!(pinned[0]["topic"], "Atemnot seit dem Aufstehen");
    assert_eq!(pinned[0]["red_flag"], true);

    sqlx::query("update calls set assignee_id = $1 where event_id = 'flag'")
        .bind(agent.user_id)
        .execute(&pool)
        .await
        .expect("taken");
    let (_, alerts) = server_fn(&pool, &agent, "desk_alerts", json!({})).await;
    assert_eq!(alerts["pinned"], json!([]), "taken: no longer pinned");
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_escalation_settings_are_refused_each_with_its_code(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let retired = insert_user(&pool, "Rita Ruhestand", false).await;
    for (settings, code) in [
        (
            json!({ "after_minutes": 0, "on_duty": null }),
            "escalation_minutes",
        ),
        (
            json!({ "after_minutes": -5, "on_duty": null }),
            "escalation_minutes",
        ),
        (
            json!({ "after_minutes": 1441, "on_duty": null }),
            "escalation_minutes",
        ),
        (
            json!({ "after_minutes": 10, "on_duty": 9999 }),
            "assignee_unknown",
        ),
        (
            json!({ "after_minutes": 10, "on_duty": retired }),
            "assignee_inactive",
        ),
    ] {
        let (status, answer) = server_fn(
            &pool,
            &admin,
            "admin/save_escalation_settings",
            json!({ "settings": settings }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["Invalid"]["reason"], code, "{answer}");
    }
    let (status, settings) = server_fn(&pool, &admin, "admin/escalation_settings", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settings, json!({ "after_minutes": 10, "on_duty": null }));
}

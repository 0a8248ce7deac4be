//! Restriction of processing (Sperrvermerk): a restricted call is invisible to agents in the
//! table, search, counts, drawer and REST, nobody may change it, admins see it greyed with the
//! reason; a legal hold keeps it from the purge and from erasure until it ends.

mod common;

use app::{
    audit::Actor,
    domain::{CallId, PurgeTrigger, Role},
    dsgvo::{DsgvoError, Subject, erase, restrict},
    retention::{self, PurgeOptions, overview},
};
use axum::http::{StatusCode, header};
use chrono::{Days, TimeDelta, Utc};
use common::{
    callers::ids,
    calls::{NewCall, insert_call},
    requests::{get, server_fn},
};
use serde_json::json;
use sqlx::PgPool;

async fn restricted_call(pool: &PgPool, admin: i64, days_ago: i64) -> i64 {
    let id = insert_call(
        pool,
        NewCall {
            received_at: Utc::now() - TimeDelta::days(days_ago),
            name: Some("Erika Muster"),
            number: Some("+49301234567"),
            ..NewCall::default()
        },
    )
    .await;
    let restricted = restrict::restrict(
        &common::runtime(pool),
        Actor::User(admin),
        &Subject::Call(CallId(id)),
        "Streitfall, Anwalt hat Akteneinsicht verlangt",
    )
    .await
    .expect("restricted");
    assert_eq!(restricted, 1);
    id
}

#[sqlx::test(migrations = "../migrations")]
async fn agents_never_see_a_restricted_call_and_admins_see_it_greyed(pool: PgPool) {
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    let open = insert_call(&pool, NewCall::default()).await;
    let restricted = restricted_call(&pool, admin.user_id, 1).await;

    let list = json!({ "query": {}, "at": "first" });
    let (_, page) = server_fn(&pool, &agent, "list_calls", list.clone()).await;
    assert_eq!(ids(&page), [open], "{page}");
    assert_eq!(page["total"]["count"], 1);
    let search = json!({ "query": { "search": "Muster" }, "at": "first" });
    let (_, found) = server_fn(&pool, &agent, "list_calls", search.clone()).await;
    assert_eq!(ids(&found), Vec::<i64>::new(), "{found}");
    let (status, _) = server_fn(&pool, &agent, "call_detail", json!({ "id": restricted })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let bearer = (header::AUTHORIZATION, agent.bearer.as_str());
    let (status, _) = get(
        &pool,
        &format!("/api/v1/calls/{restricted}"),
        bearer.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, body) = get(&pool, "/api/v1/calls?q=Muster", bearer).await;
    assert!(body.contains("\"items\":[]"), "{body}");
    for (endpoint, body) in [
        (
            "set_call_status",
            json!({ "id": restricted, "version": 1, "status": "DONE", "comment": null }),
        ),
        (
            "add_call_note",
            json!({ "id": restricted, "note": "Noch da?" }),
        ),
        (
            "reveal_field",
            json!({ "id": restricted, "field": "caller_number", "reason": "Rückruf" }),
        ),
    ] {
        let (status, answer) = server_fn(&pool, &agent, endpoint, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{endpoint}: {answer}");
    }

    let (_, page) = server_fn(&pool, &admin, "list_calls", list).await;
    let item = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["id"] == restricted)
        .expect("admins see the restricted call")
        .clone();
    assert_eq!(item["restricted"], true);
    let (_, detail) = server_fn(&pool, &admin, "call_detail", json!({ "id": restricted })).await;
    assert_eq!(
        detail["restriction"]["reason"],
        "Streitfall, Anwalt hat Akteneinsicht verlangt"
    );
    let (status, answer) = server_fn(
        &pool,
        &admin,
        "set_call_status",
        json!({ "id": restricted, "version": 1, "status": "DONE", "comment": null }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["Invalid"]["reason"], "call_restricted", "{answer}");

    let (status, lifted) = server_fn(
        &pool,
        &admin,
        "dsgvo/lift_restriction",
        json!({ "id": restricted, "scope": "call" }),
    )
    .await;
    assert_eq!((status, lifted), (StatusCode::OK, json!(1)));
    let (_, page) = server_fn(&pool, &agent, "list_calls", search).await;
    assert_eq!(ids(&page), [restricted], "visible again once lifted");
    let actions: Vec<String> = sqlx::query_scalar(
        "select action_type from actions_audit where call_id = $1 order by chain_position",
    )
    .bind(restricted)
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(actions, ["call_restricted", "restriction_lifted"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_legal_hold_keeps_a_restricted_call_from_the_purge_until_it_ends(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let runtime = common::runtime(&pool);
    let held = restricted_call(&pool, admin.user_id, 20).await;
    let actor = Actor::User(admin.user_id);
    let today = Utc::now().date_naive();

    let past = restrict::hold(&runtime, actor, CallId(held), today, "Gerichtsverfahren").await;
    assert!(matches!(past, Err(DsgvoError::Invalid { .. })), "{past:?}");
    let open = insert_call(&pool, NewCall::default()).await;
    let unrestricted = restrict::hold(
        &runtime,
        actor,
        CallId(open),
        today + Days::new(30),
        "Gerichtsverfahren",
    )
    .await;
    assert!(
        matches!(unrestricted, Err(DsgvoError::Invalid { .. })),
        "{unrestricted:?}"
    );
    restrict::hold(
        &runtime,
        actor,
        CallId(held),
        today + Days::new(30),
        "Gerichtsverfahren",
    )
    .await
    .expect("held");
    // Past the period while held.
    sqlx::query("update calls set received_at = now() - interval '40 days' where id = $1")
        .bind(held)
        .execute(&pool)
        .await
        .expect("older");

    let options = PurgeOptions {
        trigger: PurgeTrigger::Command,
        dry_run: false,
        import_dir: None,
        yield_to_readers: false,
    };
    let report = retention::purge(&runtime, &options, |_| {})
        .await
        .expect("purge");
    assert_eq!(report.counts.calls, 0, "held calls stay");
    assert_eq!(overview::past_retention(&runtime).await.expect("past"), 0);
    let shown = overview::overview(&runtime, None).await.expect("overview");
    assert_eq!(shown.holds.len(), 1);
    assert_eq!(shown.holds[0].id, held);
    let refused = erase::erase(
        &runtime,
        &common::tombstones(),
        actor,
        &Subject::Call(CallId(held)),
        "Löschantrag",
    )
    .await;
    assert!(
        matches!(refused, Err(DsgvoError::Invalid { .. })),
        "{refused:?}"
    );

    restrict::end_hold(&runtime, actor, CallId(held))
        .await
        .expect("ended");
    let report = retention::purge(&runtime, &options, |_| {})
        .await
        .expect("purge");
    assert_eq!(
        report.counts.calls, 1,
        "the purge deletes it once the hold ends"
    );
}

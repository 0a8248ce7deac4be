//! Priority rules: they set the priority at import (a VIP number over the event's lower one, a
//! red-flag word with its inflections), the drawer says which one did, a change re-evaluates
//! the open calls in one audited step, and bad rules get a clear code.

mod common;

use app::domain::Role;
use axum::http::{StatusCode, header};
use common::requests::{get, server_fn, set_masking};
use serde_json::{Value, json};
use sqlx::PgPool;

const VIP: &str = "+49301234567";

/// A call line of today from `number` about `topic`, with the priority it states, if any.
fn line(event_id: &str, number: &str, topic: &str, priority: Option<&str>) -> String {
    let mut event = json!({
        "schema": "call.v1",
        "event_id": event_id,
        "received_at": chrono::Utc::now().to_rfc3339(),
        "source": "phone",
        "caller_number": number,
        "caller_name": "Erika Beispiel",
        "topic": topic,
    });
    if let Some(priority) = priority {
        event["priority"] = json!(priority);
    }
    event.to_string() + "\n"
}

async fn import(pool: &PgPool, lines: &[String]) {
    let file = format!("calls-{}.jsonl", chrono::Utc::now().format("%Y-%m-%d"));
    common::import_demo_calls(pool, 0, &[(&file, &lines.concat())]).await;
}

/// The stored priority, whether a rule set it, and the call's id.
async fn stored(pool: &PgPool, event_id: &str) -> (String, bool, i64) {
    sqlx::query_as(
        "select priority::text, priority_rule_id is not null, id from calls where event_id = $1",
    )
    .bind(event_id)
    .fetch_one(pool)
    .await
    .expect("the call")
}

async fn add(pool: &PgPool, admin: &common::Login, rule: Value) -> (StatusCode, Value) {
    server_fn(
        pool,
        admin,
        "admin/add_priority_rule",
        json!({ "rule": rule }),
    )
    .await
}

#[sqlx::test(migrations = "../migrations")]
async fn rules_set_the_priority_at_import_and_the_drawer_says_which(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let vip = json!({
        "kind": "vip_number", "value": "030 / 123 45 67",
        "label": "Pflegeheim Sonnenhof", "priority": "high",
    });
    let (status, saved) = add(&pool, &admin, vip).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    import(
        &pool,
        &[
            line("vip", VIP, "Rückruf wegen Pflegebericht", Some("normal")),
            line(
                "flag",
                "+49307654321",
                "Starke Brustschmerzen seit heute früh",
                None,
            ),
            line("vip-urgent", VIP, "Sturz im Bad", Some("dringend")),
            line("plain", "+49307654321", "Rezept bitte", None),
        ],
    )
    .await;

    let (priority, by_rule, vip_id) = stored(&pool, "vip").await;
    assert_eq!(
        (priority.as_str(), by_rule),
        ("high", true),
        "the VIP beats normal"
    );
    let (priority, by_rule, flag_id) = stored(&pool, "flag").await;
    assert_eq!((priority.as_str(), by_rule), ("urgent", true), "a red flag");
    let (priority, by_rule, _) = stored(&pool, "vip-urgent").await;
    assert_eq!(
        (priority.as_str(), by_rule),
        ("urgent", false),
        "the event's is higher"
    );
    let (priority, by_rule, _) = stored(&pool, "plain").await;
    assert_eq!((priority.as_str(), by_rule), ("normal", false));

    let bearer = (header::AUTHORIZATION, admin.bearer.as_str());
    let reason = |id: i64| {
        let bearer = bearer.clone();
        let pool = pool.clone();
        async move {
            let (status, body) = get(&pool, &format!("/api/v1/calls/{id}"), bearer).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            serde_json::from_str::<Value>(&body).expect("JSON")["priority_rule"].clone()
        }
    };
    assert_eq!(
        reason(vip_id).await,
        json!({ "kind": "vip_number", "label": "Pflegeheim Sonnenhof" })
    );
    assert_eq!(
        reason(flag_id).await,
        json!({ "kind": "keyword", "label": "Brustschmerz" })
    );

    // An agent who may not see the number is not told whose VIP rule it was.
    set_masking(&pool, &admin, "visible", "hidden", "hidden").await;
    let agent = common::login(&pool, Role::Agent).await;
    let (status, body) = get(
        &pool,
        &format!("/api/v1/calls/{vip_id}"),
        (header::AUTHORIZATION, agent.bearer.as_str()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let detail: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        detail["priority_rule"],
        json!({ "kind": "vip_number", "label": null })
    );
    assert!(!body.contains("Sonnenhof"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rule_change_reevaluates_the_open_calls_in_one_audited_step(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let lines: Vec<String> = ["open-1", "open-2", "done", "decided"]
        .iter()
        .map(|id| line(id, "+49307654321", "Bitte Rückruf zum Befund", None))
        .collect();
    import(&pool, &lines).await;
    sqlx::query("update calls set status = 'DONE' where event_id = 'done'")
        .execute(&pool)
        .await
        .expect("done");
    sqlx::query("update calls set priority_by_person = true where event_id = 'decided'")
        .execute(&pool)
        .await
        .expect("a person decided");

    let rule =
        json!({ "kind": "keyword", "value": "Rückruf", "label": "Rückruf", "priority": "high" });
    let (status, saved) = add(&pool, &admin, rule).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["calls_changed"], 2, "{saved}");
    let rule_id = saved["id"].as_i64().expect("the rule's id");
    for (event_id, wanted) in [
        ("open-1", ("high", true)),
        ("open-2", ("high", true)),
        ("done", ("normal", false)),
        ("decided", ("normal", false)),
    ] {
        let (priority, by_rule, _) = stored(&pool, event_id).await;
        assert_eq!((priority.as_str(), by_rule), wanted, "{event_id}");
    }
    let versions: Vec<i32> =
        sqlx::query_scalar("select version from calls where event_id like 'open-%'")
            .fetch_all(&pool)
            .await
            .expect("versions");
    assert_eq!(versions, [2, 2], "a changed call has a new version");

    // Switched off: back to normal. Each change is one audit row, none per call.
    let (status, saved) = server_fn(
        &pool,
        &admin,
        "admin/set_priority_rule_enabled",
        json!({ "id": rule_id, "enabled": false }),
    )
    .await;
    assert_eq!(
        (status, &saved["calls_changed"]),
        (StatusCode::OK, &json!(2))
    );
    assert_eq!(stored(&pool, "open-1").await.0, "normal");
    let audited: Vec<(String, Value)> = sqlx::query_as(
        "select action_type, diff from actions_audit
          where action_type = 'priority_rules_changed' or call_id is not null order by id",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(audited.len(), 2, "{audited:?}");
    assert_eq!(audited[0].1["calls_reevaluated"], 2);
    assert_eq!(audited[0].1["added"]["label"], "Rückruf");
    assert_eq!(audited[1].1["enabled"], false);

    let (status, saved) = server_fn(
        &pool,
        &admin,
        "admin/remove_priority_rule",
        json!({ "id": rule_id }),
    )
    .await;
    assert_eq!(
        (status, &saved["calls_changed"]),
        (StatusCode::OK, &json!(0))
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_rules_are_refused_each_with_its_code(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    for (rule, code) in [
        (
            json!({ "kind": "vip_number", "value": "Sonnenhof", "label": "Heim", "priority": "high" }),
            "rule_number_unreadable",
        ),
        (
            json!({ "kind": "pattern", "value": "Brust(schmerz", "label": "Brust", "priority": "urgent" }),
            "rule_pattern_invalid",
        ),
        (
            json!({ "kind": "keyword", "value": "Atemnot", "label": "Atemnot", "priority": "urgent" }),
            "rule_duplicate",
        ),
        (
            json!({ "kind": "keyword", "value": "Fieber", "label": "", "priority": "high" }),
            "rule_label_length",
        ),
    ] {
        let (status, answer) = add(&pool, &admin, rule).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["Invalid"]["reason"], code, "{answer}");
    }
    let (status, answer) = server_fn(
        &pool,
        &admin,
        "admin/set_priority_rule_enabled",
        json!({ "id": 9999, "enabled": true }),
    )
    .await;
    assert_eq!(
        answer["Invalid"]["reason"], "rule_unknown",
        "{status} {answer}"
    );

    let agent = common::login(&pool, Role::Agent).await;
    let rule =
        json!({ "kind": "keyword", "value": "Fieber", "label": "Fieber", "priority": "high" });
    let (status, _) = add(&pool, &agent, rule).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let count: i64 = sqlx::query_scalar("select count(*) from priority_rules")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 12, "only the red flags");
}

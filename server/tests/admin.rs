//! The admin area and masking: what agents see of callers' data, revealing with a reason,
//! users, sessions and tokens managed through the server functions, and the audit log with its
//! filters and exports.

mod common;

use app::domain::Role;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{
    body_text,
    calls::{NewCall, insert_call, personal_call},
    requests::{app, get, server_fn, set_masking},
    send,
};
use serde_json::{Value, json};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn agents_see_the_date_of_birth_masked_by_default_and_admins_see_everything(pool: PgPool) {
    let id = personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    let list = json!({ "query": {}, "at": "first" });

    let (_, page) = server_fn(&pool, &agent, "list_calls", list.clone()).await;
    let item = &page["items"][0];
    assert_eq!(item["date_of_birth"], Value::Null);
    assert_eq!(
        item["masked"],
        json!([{ "field": "date_of_birth", "hint": null }])
    );
    assert_eq!(item["caller_name"], "Maria Müller");
    assert_eq!(item["caller_number"]["e164"], "+49301234567");

    let (_, detail) = server_fn(&pool, &agent, "call_detail", json!({ "id": id })).await;
    let raw = detail["raw_payload"].as_str().expect("raw payload");
    assert!(!raw.contains("1984"), "{raw}");
    assert!(raw.contains("Maria Müller"), "{raw}");

    let (_, rest) = get(
        &pool,
        &format!("/api/v1/calls/{id}"),
        (header::AUTHORIZATION, &agent.bearer),
    )
    .await;
    assert!(!rest.contains("1984"), "{rest}");

    let (_, page) = server_fn(&pool, &admin, "list_calls", list).await;
    assert_eq!(page["items"][0]["date_of_birth"], "1984-03-02");
    assert_eq!(page["items"][0].get("masked"), None);
}

#[sqlx::test(migrations = "../migrations")]
async fn partly_masked_fields_show_a_hint_everywhere_a_call_leaves_the_server(pool: PgPool) {
    let id = personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    set_masking(&pool, &admin, "partial", "partial", "partial").await;

    let (_, page) = server_fn(
        &pool,
        &agent,
        "list_calls",
        json!({ "query": {}, "at": "first" }),
    )
    .await;
    let item = &page["items"][0];
    assert_eq!(
        (&item["caller_name"], &item["caller_number"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        item["masked"],
        json!([
            { "field": "caller_name", "hint": "M. M." },
            { "field": "caller_number", "hint": "030 •••••67" },
            { "field": "date_of_birth", "hint": "1984" },
        ])
    );

    // A conflict carries the call as it is now: masked too.
    let stale = json!({ "id": id, "version": 7, "status": "DONE", "comment": null });
    let (status, error) = server_fn(&pool, &agent, "set_call_status", stale).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(!error.to_string().contains("Müller"), "{error}");

    let (_, rest) = get(
        &pool,
        "/api/v1/calls",
        (header::AUTHORIZATION, &agent.bearer),
    )
    .await;
    assert!(
        !rest.contains("1234567") && !rest.contains("Müller"),
        "{rest}"
    );
    let (_, detail) = server_fn(&pool, &agent, "call_detail", json!({ "id": id })).await;
    let raw = detail["raw_payload"].as_str().expect("raw payload");
    assert!(raw.contains("\"caller_number\": \"•••\""), "{raw}");

    let changed: Value =
        sqlx::query_scalar("select diff from actions_audit where action_type = 'masking_changed'")
            .fetch_one(&pool)
            .await
            .expect("audit row");
    assert_eq!(
        changed["caller_name"],
        json!({ "old": "visible", "new": "partial" })
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn revealing_a_masked_field_needs_a_reason_and_is_audited_without_it(pool: PgPool) {
    let id = personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;

    let short = json!({ "id": id, "field": "date_of_birth", "reason": " x " });
    let (status, _) = server_fn(&pool, &agent, "reveal_field", short).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let asked =
        json!({ "id": id, "field": "date_of_birth", "reason": "Rückruf, Identität prüfen" });
    let (status, value) = server_fn(&pool, &agent, "reveal_field", asked).await;
    assert_eq!((status, value), (StatusCode::OK, json!("02.03.1984")));

    let (actor, diff): (Option<i64>, Value) = sqlx::query_as(
        "select actor_id, diff from actions_audit where action_type = 'field_revealed' and call_id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .expect("one audit row for the one reveal");
    assert_eq!(actor, Some(agent.user_id));
    assert_eq!(diff["field"], "date_of_birth");
    assert!(
        !diff.to_string().contains("Rückruf"),
        "the reason stays out of the chain"
    );
    let reason: String = sqlx::query_scalar("select reason from pii_reveals where id = $1")
        .bind(diff["reveal_id"].as_i64())
        .fetch_one(&pool)
        .await
        .expect("reason");
    assert_eq!(reason, "Rückruf, Identität prüfen");

    let missing = json!({ "id": id + 1000, "field": "caller_name", "reason": "Rückruf" });
    let (status, _) = server_fn(&pool, &agent, "reveal_field", missing).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrations = "../migrations")]
async fn admins_manage_users_sessions_and_tokens_through_the_admin_functions(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;

    let (_, accounts) = server_fn(&pool, &admin, "admin/accounts", json!({})).await;
    let listed = accounts
        .as_array()
        .expect("accounts")
        .iter()
        .find(|account| account["id"] == agent.user_id)
        .expect("the agent is listed");
    assert_eq!(
        (listed["role"].as_str(), listed["sessions"].as_i64()),
        (Some("AGENT"), Some(1))
    );

    let (status, ended) = server_fn(
        &pool,
        &admin,
        "admin/end_sessions",
        json!({ "user_id": agent.user_id }),
    )
    .await;
    assert_eq!((status, ended), (StatusCode::OK, json!(1)));
    let (status, _) = server_fn(&pool, &agent, "current_user", json!({})).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the agent's session has ended"
    );

    let request = Request::post("/api/admin/create_token")
        .header(header::COOKIE, &admin.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "user_id={}&scope=api&name=Praxissoftware",
            admin.user_id
        )))
        .expect("request");
    let response = send(app(&pool), request).await;
    assert_eq!(response.status(), StatusCode::OK);
    let secret: String = serde_json::from_str(&body_text(response).await).expect("secret");
    let bearer = format!("Bearer {secret}");
    let (status, _) = get(&pool, "/api/v1/calls", (header::AUTHORIZATION, &bearer)).await;
    assert_eq!(status, StatusCode::OK);

    let (_, tokens) = server_fn(&pool, &admin, "admin/tokens", json!({})).await;
    let token = tokens
        .as_array()
        .expect("tokens")
        .iter()
        .find(|token| token["name"] == "Praxissoftware")
        .expect("the new token is listed")
        .clone();
    assert!(secret.starts_with(token["prefix"].as_str().expect("prefix")));
    assert!(
        !tokens.to_string().contains(&secret),
        "the list never shows a secret"
    );
    let (status, _) = server_fn(
        &pool,
        &admin,
        "admin/revoke_token",
        json!({ "token_id": token["id"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(&pool, "/api/v1/calls", (header::AUTHORIZATION, &bearer)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let blank = json!({ "user_id": admin.user_id, "name": "  " });
    let request = Request::post("/api/admin/create_token")
        .header(header::COOKIE, &admin.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(format!(
            "user_id={}&scope=api&name=+",
            blank["user_id"]
        )))
        .expect("request");
    assert_eq!(
        send(app(&pool), request).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (status, error) = server_fn(
        &pool,
        &admin,
        "admin/set_active",
        json!({ "user_id": admin.user_id, "active": false }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the last admin stays: {error}"
    );
}

/// Audit rows of several kinds by two people, and the admin's log and exports of them.
#[sqlx::test(migrations = "../migrations")]
async fn the_audit_log_filters_pages_and_exports_as_csv_and_json(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let agent = common::login(&pool, Role::Agent).await;
    sqlx::query("update users set name = '=HYPERLINK(\"http://evil.example\")' where id = $1")
        .bind(agent.user_id)
        .execute(&pool)
        .await
        .expect("a name a spreadsheet would run");
    for _ in 0..120 {
        let id = insert_call(&pool, NewCall::default()).await;
        let change = json!({ "id": id, "version": 1, "status": "DONE", "comment": null });
        let (status, _) = server_fn(&pool, &agent, "set_call_status", change).await;
        assert_eq!(status, StatusCode::OK);
    }
    set_masking(&pool, &admin, "visible", "hidden", "hidden").await;

    let by_agent = json!({ "filter": { "user_id": agent.user_id, "action": "status_change" }, "before": null });
    let (_, first) = server_fn(&pool, &admin, "admin/audit_log", by_agent.clone()).await;
    let records = first["records"].as_array().expect("records");
    assert_eq!(records.len(), 100);
    assert!(
        records
            .iter()
            .all(|r| r["action"] == "status_change" && r["actor_id"] == agent.user_id)
    );
    let older = first["older"].as_i64().expect("more to come");
    let mut next = by_agent;
    next["before"] = json!(older);
    let (_, second) = server_fn(&pool, &admin, "admin/audit_log", next).await;
    assert_eq!(second["records"].as_array().map(Vec::len), Some(20));
    assert_eq!(second["older"], Value::Null);

    let cookie = (header::COOKIE, admin.cookie.as_str());
    let (status, csv) = get(
        &pool,
        &format!(
            "/admin/audit/export?format=csv&user={}&action=status_change",
            agent.user_id
        ),
        cookie.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "position,occurred_at,actor_kind,actor_id,actor_name,action,call_id,diff,reason,row_hash"
    );
    assert_eq!(lines.len(), 121, "header and 120 rows");
    assert!(
        lines[1].contains("\"'=HYPERLINK("),
        "formulas are defused: {}",
        lines[1]
    );

    let (status, json_text) = get(
        &pool,
        "/admin/audit/export?format=json&action=masking_changed",
        cookie.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let exported: Value = serde_json::from_str(&json_text).expect("a JSON array");
    assert_eq!(exported.as_array().map(Vec::len), Some(1));
    assert_eq!(exported[0]["diff"]["caller_number"]["new"], "hidden");
    assert_eq!(exported[0]["row_hash"].as_str().map(str::len), Some(64));

    let exports: i64 = sqlx::query_scalar(
        "select count(*) from actions_audit where action_type = 'audit_exported' and actor_id = $1",
    )
    .bind(admin.user_id)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(exports, 2, "each export is audited");

    for bad in [
        "format=xml",
        "action=everything",
        "from=gestern",
        "user=anna",
    ] {
        let (status, message) =
            get(&pool, &format!("/admin/audit/export?{bad}"), cookie.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            message.contains(bad.split('=').next().unwrap_or_default()),
            "{message}"
        );
    }
    let (status, _) = get(
        &pool,
        "/admin/audit/export",
        (header::COOKIE, &agent.cookie),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

//! The REST API under `/api/v1`, called through the real router against real PostgreSQL:
//! its shapes, its status codes and its OpenAPI document.

mod common;

use app::domain::Role;
use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use chrono::{Duration, Utc};
use common::{
    body_text,
    callers::ids,
    calls::{NewCall, insert_call, insert_user},
    send,
};
use metrics_exporter_prometheus::PrometheusBuilder;
use serde_json::{Value, json};
use sqlx::PgPool;

fn app(pool: PgPool) -> Router {
    common::app(pool, PrometheusBuilder::new().build_recorder().handle())
}

async fn call_api(
    pool: &PgPool,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let bearer = common::login(pool, Role::Agent).await.bearer;
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, bearer);
    let request = match body {
        Some(body) => request
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .expect("request");
    let response = send(app(pool.clone()), request).await;
    let status = response.status();
    let text = body_text(response).await;
    let json =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON answer for {uri}: {text}"));
    (status, json)
}

async fn get(pool: &PgPool, uri: &str) -> (StatusCode, Value) {
    call_api(pool, Method::GET, uri, None).await
}

#[sqlx::test(migrations = "../migrations")]
async fn listing_filters_searches_and_pages_with_tokens(pool: PgPool) {
    let now = Utc::now();
    let mut newest_first = Vec::new();
    for minutes in 0..7 {
        let status = if minutes % 2 == 0 { "NEW" } else { "DONE" };
        let id = insert_call(
            &pool,
            NewCall {
                received_at: now - Duration::minutes(minutes),
                name: Some(if minutes == 3 {
                    "Erika Müller"
                } else {
                    "Max Mustermann"
                }),
                number: Some("+49301234567"),
                status,
                ..NewCall::default()
            },
        )
        .await;
        newest_first.push(id);
    }

    let (status, first) = get(&pool, "/api/v1/calls?page_size=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&first), newest_first[..3]);
    assert_eq!(
        (first["total"].as_i64(), first["total_exact"].as_bool()),
        (Some(7), Some(true))
    );
    assert_eq!(
        (first["page"].as_str(), first["page_size"].as_i64()),
        (Some("first"), Some(3))
    );
    assert!(first["previous_page"].is_null());

    let next = first["next_page"].as_str().expect("a next page");
    let (_, second) = get(&pool, &format!("/api/v1/calls?page_size=3&page={next}")).await;
    assert_eq!(ids(&second), newest_first[3..6]);
    let back = second["previous_page"].as_str().expect("a previous page");
    let (_, again) = get(&pool, &format!("/api/v1/calls?page_size=3&page={back}")).await;
    assert_eq!(ids(&again), newest_first[..3]);
    let (_, last) = get(&pool, "/api/v1/calls?page_size=3&page=last").await;
    assert_eq!(ids(&last), newest_first[4..]);
    assert!(last["next_page"].is_null());

    let (_, done) = get(&pool, "/api/v1/calls?status=DONE&sort=oldest").await;
    let mut expected: Vec<i64> = newest_first.iter().skip(1).step_by(2).copied().collect();
    expected.reverse();
    assert_eq!(ids(&done), expected);

    let (_, muller) = get(&pool, "/api/v1/calls?q=m%C3%BCller").await;
    assert_eq!(ids(&muller), [newest_first[3]]);
    let (_, by_number) = get(&pool, "/api/v1/calls?q=0301234").await;
    assert_eq!(by_number["total"], 7);
    let today = now.date_naive();
    let (_, none) = get(
        &pool,
        &format!("/api/v1/calls?to={}", today - chrono::Days::new(2)),
    )
    .await;
    assert_eq!((none["total"].as_i64(), ids(&none).len()), (Some(0), 0));
}

#[sqlx::test(migrations = "../migrations")]
async fn malformed_parameters_are_a_422_naming_the_parameter_and_the_rule(pool: PgPool) {
    for (query, field, reason, message) in [
        (
            "status=OPEN",
            "status",
            "status_unknown",
            "Allowed are NEW, IN_PROGRESS and DONE.",
        ),
        (
            "from=22.11.2026",
            "from",
            "date_malformed",
            "Expected a date of the form YYYY-MM-DD.",
        ),
        (
            "from=2026-11-22&to=2026-11-01",
            "to",
            "range_reversed",
            "The end lies before the start.",
        ),
        (
            "assignee=anna",
            "assignee",
            "assignee_malformed",
            "Expected the number of a person.",
        ),
        (
            "assignee=0",
            "assignee",
            "assignee_malformed",
            "Expected the number of a person.",
        ),
        (
            "q=a%00b",
            "q",
            "nul_character",
            "The text holds a NUL character; please remove it.",
        ),
        (
            "sort=name",
            "sort",
            "sort_unknown",
            "Allowed are newest, oldest and priority.",
        ),
        (
            "page=3",
            "page",
            "page_malformed",
            "Expected first, last or a page token from an earlier answer.",
        ),
        (
            "page=after:garbage",
            "page",
            "page_malformed",
            "Expected first, last or a page token from an earlier answer.",
        ),
        (
            "page_size=0",
            "page_size",
            "page_size_range",
            "1 to 200 calls a page are allowed.",
        ),
        (
            "page_size=201",
            "page_size",
            "page_size_range",
            "1 to 200 calls a page are allowed.",
        ),
    ] {
        let (status, body) = get(&pool, &format!("/api/v1/calls?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(
            body["error"],
            json!({"code": "invalid", "reason": reason, "field": field, "message": message}),
            "{query}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn an_empty_search_is_no_search_and_other_empty_parameters_are_malformed(pool: PgPool) {
    insert_call(&pool, NewCall::default()).await;
    let (status, body) = get(&pool, "/api/v1/calls?q=").await;
    assert_eq!(
        (status, &body["total"]),
        (StatusCode::OK, &json!(1)),
        "{body}"
    );
    for parameter in [
        "status",
        "from",
        "to",
        "assignee",
        "sort",
        "page",
        "page_size",
    ] {
        let (status, body) = get(&pool, &format!("/api/v1/calls?{parameter}=")).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{parameter}: {body}"
        );
        assert_eq!(body["error"]["field"], parameter, "{body}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_call_reads_with_its_history_and_a_missing_one_is_404(pool: PgPool) {
    let id = insert_call(
        &pool,
        NewCall {
            topic: "Rezept",
            ..NewCall::default()
        },
    )
    .await;

    let (status, detail) = get(&pool, &format!("/api/v1/calls/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["call"]["id"], id);
    assert_eq!(detail["call"]["topic"], "Rezept");
    assert!(detail["status_history"].is_array() && detail["audit"].is_array());

    let (status, missing) = get(&pool, &format!("/api/v1/calls/{}", id + 1000)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["error"]["code"], "not_found");
    let (status, malformed) = get(&pool, "/api/v1/calls/eins").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed["error"]["code"], "bad_request");
    let (status, unknown) = get(&pool, "/api/v1/anrufe").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(unknown["error"]["code"], "not_found");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_status_change_on_a_stale_version_is_409_with_the_current_call(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    let uri = format!("/api/v1/calls/{id}/status");

    let patch = |body: Value| call_api(&pool, Method::PATCH, &uri, Some(body));

    let (status, zero) = patch(json!({"status": "IN_PROGRESS", "version": 0})).await;
    assert_eq!(
        (status, &zero["error"]["reason"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("version_malformed")
        ),
        "a version below 1 was never read"
    );
    let (status, call) = patch(json!({"status": "IN_PROGRESS", "version": 1})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (call["status"].as_str(), call["version"].as_i64()),
        (Some("IN_PROGRESS"), Some(2))
    );

    let (status, conflict) =
        patch(json!({"status": "DONE", "version": 1, "comment": "zu spät"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["error"]["code"], "conflict");
    assert_eq!(conflict["error"]["current"]["status"], "IN_PROGRESS");
    assert_eq!(conflict["error"]["current"]["version"], 2);

    for attempt in ["first", "second"] {
        let (status, done) = patch(json!({"status": "DONE", "version": 2})).await;
        assert_eq!(
            (status, done["version"].as_i64()),
            (StatusCode::OK, Some(3)),
            "marking done the {attempt} time"
        );
    }

    let audited: i64 = sqlx::query_scalar(
        "select count(*) from actions_audit where call_id = $1 and action_type = 'status_change'",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn bodies_of_the_wrong_shape_are_rejected_with_the_error_shape(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    let uri = format!("/api/v1/calls/{id}/status");

    for (body, expected) in [
        (
            json!({"status": "ERLEDIGT", "version": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (json!({"status": "DONE"}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            json!({"status": "DONE", "version": 1, "priority": "urgent"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, answer) = call_api(&pool, Method::PATCH, &uri, Some(body.clone())).await;
        assert_eq!(status, expected, "{body}");
        assert_eq!(answer["error"]["code"], "invalid", "{body}");
    }
    let request = Request::patch(&uri)
        .header(
            header::AUTHORIZATION,
            common::login(&pool, Role::Agent).await.bearer,
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"status\": "))
        .expect("request");
    let response = send(app(pool.clone()), request).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let answer: Value = serde_json::from_str(&body_text(response).await).expect("JSON");
    assert_eq!(answer["error"]["code"], "bad_request");

    let version: i32 = sqlx::query_scalar("select version from calls where id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("version");
    assert_eq!(version, 1, "nothing changed");
}

#[sqlx::test(migrations = "../migrations")]
async fn notes_and_assignments_are_made_and_checked(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    let anna = insert_user(&pool, "Anna Berger", true).await;
    let gone = insert_user(&pool, "Paul Alt", false).await;

    let notes = format!("/api/v1/calls/{id}/notes");
    let (status, note) = call_api(
        &pool,
        Method::POST,
        &notes,
        Some(json!({"note": "Rückruf morgen früh"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(note["body"], "Rückruf morgen früh");
    let (status, empty) = call_api(&pool, Method::POST, &notes, Some(json!({"note": "  "}))).await;
    assert_eq!(
        (status, &empty["error"]["field"], &empty["error"]["reason"]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("note"),
            &json!("note_empty")
        )
    );
    // A NUL character is refused by name, not by a database error (found by schemathesis).
    let (status, nul) = call_api(
        &pool,
        Method::POST,
        &notes,
        Some(json!({"note": "a\u{0}b"})),
    )
    .await;
    assert_eq!(
        (status, &nul["error"]["reason"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("nul_character"))
    );
    let (status, _) = call_api(
        &pool,
        Method::POST,
        "/api/v1/calls/999999/notes",
        Some(json!({"note": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let assign = format!("/api/v1/calls/{id}/assign");
    let (status, call) = call_api(
        &pool,
        Method::POST,
        &assign,
        Some(json!({"assignee_id": anna, "version": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (call["assignee_id"].as_i64(), call["assignee_name"].as_str()),
        (Some(anna), Some("Anna Berger"))
    );
    let (status, inactive) = call_api(
        &pool,
        Method::POST,
        &assign,
        Some(json!({"assignee_id": gone, "version": 2})),
    )
    .await;
    assert_eq!(
        (status, inactive["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("assignee_id"))
    );
    let (status, unassigned) = call_api(
        &pool,
        Method::POST,
        &assign,
        Some(json!({"assignee_id": null, "version": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(unassigned["assignee_id"].is_null());

    let (_, detail) = get(&pool, &format!("/api/v1/calls/{id}")).await;
    assert_eq!(detail["notes"][0]["body"], "Rückruf morgen früh");
    let actions: Vec<&str> = detail["audit"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "note").count(), 1);
    assert_eq!(actions.iter().filter(|a| **a == "assign").count(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_openapi_document_describes_every_route_served(pool: PgPool) {
    let (status, document) = get(&pool, "/api/v1/openapi.json").await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    let paths = document["paths"].as_object().expect("paths");
    let mut described: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    described.sort();
    assert_eq!(
        described,
        [
            "DELETE /callers/{e164}",
            "DELETE /calls/{id}",
            "DELETE /compliance/pii-rules/{name}",
            "DELETE /compliance/sources/{id}",
            "GET /callers/{e164}/export",
            "GET /calls",
            "GET /calls/{id}",
            "GET /calls/{id}/export",
            "GET /calls/{id}/suggestion",
            "GET /compliance/blocked-content",
            "GET /compliance/matrix",
            "GET /compliance/pii-rules",
            "GET /compliance/policies",
            "GET /compliance/policy-audit",
            "GET /compliance/report",
            "GET /compliance/sources",
            "GET /llm/settings",
            "PATCH /calls/{id}/status",
            "POST /calls/{id}/assign",
            "POST /calls/{id}/notes",
            "POST /calls/{id}/suggestion",
            "POST /compliance/check",
            "POST /compliance/pii-rules/test",
            "POST /compliance/policies/{version}/approve",
            "POST /compliance/policies/{version}/reject",
            "POST /compliance/policies/{version}/rollback",
            "PUT /compliance/matrix/{source}",
            "PUT /compliance/pii-rules/{name}",
            "PUT /compliance/policies/draft",
            "PUT /compliance/sources/{id}",
            "PUT /llm/settings",
        ]
    );
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for schema in [
        "CallListItem",
        "CallDetail",
        "CallList",
        "ErrorBody",
        "StatusChange",
        "CallStatus",
    ] {
        assert!(schemas.contains_key(schema), "{schema} is described");
    }
    assert_eq!(
        schemas["CallStatus"]["enum"],
        json!(["NEW", "IN_PROGRESS", "DONE"]),
        "enums are described as they are serialised"
    );
    for (path, types) in [
        (
            "/compliance/report",
            ["application/json", "application/pdf"],
        ),
        (
            "/compliance/blocked-content",
            ["application/json", "text/csv"],
        ),
        ("/compliance/policy-audit", ["application/json", "text/csv"]),
    ] {
        let content = &paths[path]["get"]["responses"]["200"]["content"];
        for content_type in types {
            assert!(
                content.get(content_type).is_some(),
                "{path} answers {content_type}: {content}"
            );
        }
    }
    let mut unresolved = Vec::new();
    unresolved_refs(&document, schemas, &mut unresolved);
    assert_eq!(
        unresolved,
        Vec::<String>::new(),
        "every $ref names a described schema"
    );
}

/// The `$ref`s in `value` that name no schema in `schemas`.
fn unresolved_refs(
    value: &Value,
    schemas: &serde_json::Map<String, Value>,
    unresolved: &mut Vec<String>,
) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                let name = reference.trim_start_matches("#/components/schemas/");
                if !schemas.contains_key(name) {
                    unresolved.push(reference.clone());
                }
            }
            for child in object.values() {
                unresolved_refs(child, schemas, unresolved);
            }
        }
        Value::Array(items) => {
            for item in items {
                unresolved_refs(item, schemas, unresolved);
            }
        }
        _ => {}
    }
}

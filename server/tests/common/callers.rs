//! Callers as the rights tests need them: call lines, an import, two callers with a rejected
//! line, and REST requests as a program.

use std::path::Path;

use app::{audit::Actor, domain::CallId};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use sqlx::PgPool;

use super::{Login, body_text, send};

/// Erika Muster's number.
pub const NUMBER: &str = "+49301234567";

/// A REST request as `login`'s program, with a JSON body when there is one.
pub async fn rest(
    pool: &PgPool,
    login: &Login,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, &login.bearer);
    if body.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/json");
    }
    let body = body.map_or_else(Body::empty, |body| Body::from(body.to_string()));
    let response = send(
        super::requests::app(pool),
        request.body(body).expect("request"),
    )
    .await;
    let status = response.status();
    let text = body_text(response).await;
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The call ids of a page of `GET /api/v1/calls`, in its order.
pub fn ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_i64().expect("id"))
        .collect()
}

/// A call line of the phone assistant, `minutes_ago` minutes old.
pub fn line(event_id: &str, number: &str, name: &str, minutes_ago: i64) -> String {
    format!(
        "{}\n",
        json!({
            "event_id": event_id,
            "received_at": (Utc::now() - TimeDelta::minutes(minutes_ago)).to_rfc3339(),
            "caller_number": number,
            "caller_name": name,
            "date_of_birth": "02.03.1984",
            "topic": "Rezept",
        })
    )
}

/// Imports `dir` as the runtime role, with the erasure key of this test binary.
pub async fn import(pool: &PgPool, dir: &Path) -> importer::Summary {
    importer::Importer::new(super::runtime(pool), dir, super::tombstones().key)
        .run_once()
        .await
        .expect("import")
}

/// Two calls of Erika Muster (one with a note and a status change), one of someone else, and
/// a rejected line that holds her number.
pub async fn two_callers(pool: &PgPool, dir: &Path) -> (i64, i64) {
    let file = dir.join(format!("calls-{}.jsonl", Utc::now().format("%Y-%m-%d")));
    let text = [
        line("erika-1", "030 1234567", "Erika Muster", 30),
        line("erika-2", "+49 30 1234567", "Erika Muster", 20),
        line("otto-1", "089 7654321", "Otto Normal", 10),
        "{kaputt: \"030 1234567\"\n".to_owned(),
    ]
    .concat();
    std::fs::write(&file, text).expect("call file");
    let summary = import(pool, dir).await;
    assert_eq!(
        (summary.new, summary.dead_letter_total()),
        (3, 1),
        "{summary}"
    );
    let erika: i64 = sqlx::query_scalar("select id from calls where event_id = 'erika-1'")
        .fetch_one(pool)
        .await
        .expect("call");
    let otto: i64 = sqlx::query_scalar("select id from calls where event_id = 'otto-1'")
        .fetch_one(pool)
        .await
        .expect("call");
    let agent = super::calls::insert_user(pool, "Anna Empfang", true).await;
    app::service::add_note(
        pool,
        Actor::User(agent),
        CallId(erika),
        "Rückruf wegen Rezept",
    )
    .await
    .expect("note");
    (erika, otto)
}

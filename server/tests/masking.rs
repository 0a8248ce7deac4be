//! Masked data stays masked on every path: search tells nothing about a masked field, the raw
//! event keeps only keys known to hold no personal data, warnings and derived event ids do not
//! quote masked values, and reveals are limited per hour with a burst visible in the audit log.

mod common;

use app::domain::Role;
use axum::http::{StatusCode, header};
use common::{
    calls::personal_call,
    requests::{get, server_fn, set_masking},
};
use serde_json::{Value, json};
use sqlx::PgPool;

/// The agent's list for a search, through the server function and through REST.
async fn search_as(pool: &PgPool, login: &common::Login, q: &str) -> (Value, Value) {
    let query = json!({ "query": { "search": q }, "at": "first" });
    let (status, page) = server_fn(pool, login, "list_calls", query).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let uri = format!(
        "/api/v1/calls?q={}",
        form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    );
    let (status, rest) = get(pool, &uri, (header::AUTHORIZATION, &login.bearer)).await;
    assert_eq!(status, StatusCode::OK, "{rest}");
    (page, serde_json::from_str(&rest).expect("JSON"))
}

#[sqlx::test(migrations = "../migrations")]
async fn a_prefix_search_tells_nothing_about_a_masked_number(pool: PgPool) {
    personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    set_masking(&pool, &admin, "visible", "partial", "hidden").await;

    // 100 guesses at the number's start, the true one (030 123…) among them.
    let guesses: Vec<String> = (0..100).map(|n| format!("030 {n:02}")).collect();
    assert!(guesses.contains(&"030 12".to_owned()));
    let mut answers = std::collections::HashSet::new();
    for guess in &guesses {
        let (page, rest) = search_as(&pool, &agent, guess).await;
        answers.insert((
            page["items"].to_string(),
            page["total"].to_string(),
            page["searched"].to_string(),
            rest["items"].to_string(),
            rest["total"].to_string(),
            rest["searched"].to_string(),
        ));
    }
    assert_eq!(
        answers.len(),
        1,
        "every guess must get the same answer: {answers:?}"
    );
    let (page, rest) = search_as(&pool, &agent, "030 12").await;
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["searched"], json!([]), "the number was not searched");
    assert_eq!(rest["searched"], json!([]));

    let (found, _) = search_as(&pool, &admin, "030 12").await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(found["searched"], json!(["number"]));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_name_masked_even_partly_is_not_searched_but_the_concern_is(pool: PgPool) {
    personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    set_masking(&pool, &admin, "partial", "visible", "hidden").await;

    let (by_name, rest) = search_as(&pool, &agent, "Mül").await;
    assert_eq!(by_name["items"], json!([]));
    assert_eq!(by_name["searched"], json!(["concern", "notes"]));
    assert_eq!(rest["total"], 0);

    let (by_concern, _) = search_as(&pool, &agent, "Termin").await;
    assert_eq!(by_concern["items"].as_array().map(Vec::len), Some(1));

    let (as_admin, _) = search_as(&pool, &admin, "Mül").await;
    assert_eq!(as_admin["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(as_admin["searched"], json!(["name", "concern", "notes"]));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_raw_event_shows_masked_viewers_only_keys_without_personal_data(pool: PgPool) {
    let id = personal_call(&pool).await;
    sqlx::query(
        r#"update calls set raw_payload = raw_payload
               || '{"versichertennummer": "A123456789", "adresse": {"strasse": "Hauptstr. 1"}}'
           where id = $1"#,
    )
    .bind(id)
    .execute(&pool)
    .await
    .expect("extra keys");
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;

    let (_, detail) = server_fn(&pool, &agent, "call_detail", json!({ "id": id })).await;
    let raw: Value =
        serde_json::from_str(detail["raw_payload"].as_str().expect("raw")).expect("JSON");
    assert_eq!(raw["versichertennummer"], "•••");
    assert_eq!(raw["adresse"]["strasse"], "•••");
    assert_eq!(raw["date_of_birth"], "•••");
    assert_eq!(raw["topic"], "Termin");
    assert_eq!(
        raw["caller_name"], "Maria Müller",
        "a field shown in full stays"
    );

    let (_, detail) = server_fn(&pool, &admin, "call_detail", json!({ "id": id })).await;
    assert!(
        detail["raw_payload"]
            .as_str()
            .is_some_and(|raw| raw.contains("A123456789")),
        "{detail}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn warnings_and_event_ids_do_not_carry_masked_data(pool: PgPool) {
    let id = personal_call(&pool).await;
    sqlx::query(
        r#"update calls set event_id = 'c0ffee-derived-from-the-payload',
                  warnings = '[{"code": "invalid_date_of_birth", "field": "date_of_birth",
                                "detail": "date of birth \"31.02.1984\" is not a date"}]'
           where id = $1"#,
    )
    .bind(id)
    .execute(&pool)
    .await
    .expect("warning");
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;

    let (status, detail) = server_fn(&pool, &agent, "call_detail", json!({ "id": id })).await;
    for (status, text) in [
        (status, detail.to_string()),
        get(
            &pool,
            &format!("/api/v1/calls/{id}"),
            (header::AUTHORIZATION, &agent.bearer),
        )
        .await,
    ] {
        assert_eq!(status, StatusCode::OK);
        assert!(!text.contains("31.02.1984"), "{text}");
        assert!(!text.contains("c0ffee"), "{text}");
        assert!(text.contains("invalid_date_of_birth"), "{text}");
    }
    let (_, detail) = server_fn(&pool, &admin, "call_detail", json!({ "id": id })).await;
    assert_eq!(detail["event_id"], "c0ffee-derived-from-the-payload");
    assert!(detail["warnings"].to_string().contains("31.02.1984"));
}

#[sqlx::test(migrations = "../migrations")]
async fn reveals_past_the_hourly_limit_are_refused_and_audited(pool: PgPool) {
    let id = personal_call(&pool).await;
    let agent = common::login(&pool, Role::Agent).await;
    let admin = common::login(&pool, Role::Admin).await;
    let settings = |per_hour: u16| {
        let policy = json!({
            "caller_name": "hidden", "caller_number": "hidden", "date_of_birth": "hidden"
        });
        json!({ "settings": { "policy": policy, "reveals_per_hour": per_hour } })
    };

    let (status, _) = server_fn(&pool, &admin, "admin/set_masking", settings(0)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, unchanged) = server_fn(&pool, &admin, "admin/masking", json!({})).await;
    assert_eq!(
        unchanged["policy"]["caller_name"], "visible",
        "a refused change changes nothing"
    );
    let (status, _) = server_fn(&pool, &admin, "admin/set_masking", settings(2)).await;
    assert_eq!(status, StatusCode::OK);

    let reveal = |field: &str| json!({ "id": id, "field": field, "reason": "Rückruf" });
    for field in ["caller_name", "caller_number"] {
        let (status, _) = server_fn(&pool, &agent, "reveal_field", reveal(field)).await;
        assert_eq!(status, StatusCode::OK, "{field}");
    }
    let (status, error) = server_fn(&pool, &agent, "reveal_field", reveal("date_of_birth")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error["RevealLimit"]["per_hour"], 2, "{error}");

    let refused: Vec<(Option<i64>, Value)> = sqlx::query_as(
        "select actor_id, diff from actions_audit where action_type = 'reveal_refused'",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(
        refused,
        [(
            Some(agent.user_id),
            json!({ "field": "date_of_birth", "per_hour": 2 })
        )]
    );
    let revealed: i64 = sqlx::query_scalar("select count(*) from pii_reveals")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(revealed, 2);
}

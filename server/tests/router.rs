//! The router as the browser sees it, called in-process with `oneshot` against real PostgreSQL.

mod common;

use app::domain::Role;
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{body_text, send};
use leptos::prelude::LeptosOptions;
use metrics_exporter_prometheus::PrometheusBuilder;
use sqlx::PgPool;

/// The app with `count` demo calls, and the session cookie of a logged-in agent.
async fn app_with_demo_calls(pool: PgPool, count: usize) -> (Router, String) {
    common::import_demo_calls(&pool, count, &[]).await;
    let cookie = common::login(&pool, Role::Agent).await.cookie;
    let app = common::app(pool, PrometheusBuilder::new().build_recorder().handle());
    (app, cookie)
}

#[sqlx::test(migrations = "../migrations")]
async fn the_start_page_renders_the_calls_table_on_the_server(pool: PgPool) {
    let (app, cookie) = app_with_demo_calls(pool, 25).await;

    let request = Request::get("/")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let response = send(app, request).await;

    assert_eq!(response.status(), StatusCode::OK);
    let html = body_text(response).await;
    assert!(html.contains(r#"<html lang="de""#), "German document");
    assert!(html.contains("Zugewiesen an"), "the blueprint's columns");
    assert_eq!(html.matches("data-status=").count(), 25, "one row per call");
    assert!(html.contains("25 von 25 Anrufen"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_language_cookie_renders_the_page_in_english(pool: PgPool) {
    let (app, cookie) = app_with_demo_calls(pool, 3).await;
    // Two `Cookie` headers, as HTTP/2 clients may send them.
    let request = Request::get("/")
        .header(header::COOKIE, "theme=dark")
        .header(header::COOKIE, "anrufe_lang=en; x=1")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");

    let html = body_text(send(app, request).await).await;

    assert!(html.contains(r#"<html lang="en""#), "English document");
    assert!(html.contains("Assigned to"), "English column names");
    assert!(html.contains("3 of 3 calls"));
    assert!(
        !html.contains("Zugewiesen an"),
        "no German left in the table"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_server_function_filters_by_status(pool: PgPool) {
    let (app, cookie) = app_with_demo_calls(pool.clone(), 20).await;
    sqlx::query(
        "update calls set status = 'DONE' where id in (select id from calls order by id limit 3)",
    )
    .execute(&pool)
    .await
    .expect("mark three done");

    let request = Request::post("/api/list_calls")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"query": {"statuses": ["DONE"]}, "at": "first"}"#,
        ))
        .expect("request");
    let response = send(app, request).await;

    assert_eq!(response.status(), StatusCode::OK);
    let page: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("JSON");
    assert_eq!(
        page["total"],
        serde_json::json!({"count": 3, "exact": true})
    );
    let statuses: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["status"].as_str())
        .collect();
    assert_eq!(statuses, ["DONE", "DONE", "DONE"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_address_answers_404_with_a_german_page(pool: PgPool) {
    let (app, cookie) = app_with_demo_calls(pool, 1).await;

    let response = send(
        app,
        Request::get("/gibt-es-nicht")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(body_text(response).await.contains("Seite nicht gefunden"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_list_server_function_without_a_status_lists_every_call(pool: PgPool) {
    let (app, cookie) = app_with_demo_calls(pool, 12).await;

    let request = Request::post("/api/list_calls")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"query": {}, "at": "first"}"#))
        .expect("request");
    let response = send(app, request).await;

    assert_eq!(response.status(), StatusCode::OK);
    let page: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("JSON");
    assert_eq!(page["total"]["count"], 12);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stale_status_change_answers_with_the_conflict_and_the_current_call(pool: PgPool) {
    let (app, cookie) = app_with_demo_calls(pool.clone(), 3).await;
    let id: i64 = sqlx::query_scalar("select min(id) from calls")
        .fetch_one(&pool)
        .await
        .expect("a call");
    sqlx::query("update calls set status = 'IN_PROGRESS', version = 2 where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .expect("someone else's change");

    let body = format!(r#"{{"id": {id}, "version": 1, "status": "DONE", "comment": null}}"#);
    let request = Request::post("/api/set_call_status")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = send(app, request).await;

    assert_eq!(response.status(), StatusCode::CONFLICT);
    let error: serde_json::Value = serde_json::from_str(&body_text(response).await).expect("JSON");
    assert_eq!(error["Conflict"]["status"], "IN_PROGRESS");
    assert_eq!(error["Conflict"]["version"], 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_bundle_is_sent_precompressed_to_browsers_that_accept_brotli(pool: PgPool) {
    let site = tempfile::tempdir().expect("site dir");
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).expect("pkg dir");
    std::fs::write(pkg.join("anrufe.wasm"), vec![b'a'; 4096]).expect("bundle");
    std::fs::write(pkg.join("anrufe.wasm.br"), b"brotli bytes").expect("brotli copy");
    let options = LeptosOptions::builder()
        .output_name("anrufe")
        .site_root(site.path().to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .build();
    let app = common::app_with_options(
        pool,
        PrometheusBuilder::new().build_recorder().handle(),
        options,
    );
    let get = |encodings: &str| {
        Request::get("/pkg/anrufe.wasm")
            .header(header::ACCEPT_ENCODING, encodings)
            .body(Body::empty())
            .expect("request")
    };

    let brotli = send(app.clone(), get("gzip, deflate, br")).await;
    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(brotli.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(brotli.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(body_text(brotli).await, "brotli bytes");

    let gzip = send(app, get("gzip")).await;
    assert_eq!(gzip.status(), StatusCode::OK);
    assert_eq!(
        gzip.headers()[header::CONTENT_ENCODING],
        "gzip",
        "compressed on the fly"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_agent_opening_the_admin_area_gets_the_apps_no_access_page_in_their_language(
    pool: PgPool,
) {
    let (app, cookie) = app_with_demo_calls(pool, 1).await;
    for (lang, title, reason) in [
        ("de", "Kein Zugriff", "Dafür fehlt Ihnen die Berechtigung."),
        ("en", "No access", "You are not allowed to do this."),
    ] {
        let request = Request::get("/admin/audit")
            .header(header::COOKIE, format!("{cookie}; anrufe_lang={lang}"))
            .body(Body::empty())
            .expect("request");
        let response = send(app.clone(), request).await;

        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("CSP")
            .to_owned();
        assert!(
            csp.contains("style-src 'self'"),
            "the app's stylesheet loads: {csp}"
        );
        assert!(!csp.contains("script-src"), "and no script: {csp}");
        let html = body_text(response).await;
        assert!(html.contains(&format!(r#"<html lang="{lang}">"#)), "{html}");
        assert!(html.contains(title) && html.contains(reason), "{html}");
        assert!(html.contains(r#"<a href="/">"#), "the way back: {html}");
    }
}

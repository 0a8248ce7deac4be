//! Who may reach what: every page, server function, REST route, the WebSocket and the metrics,
//! each called as an anonymous visitor, an agent, an admin and a deactivated user, with the
//! exact status each must get.
//!
//! The table must name every route the app serves: pages come from the Leptos route list,
//! server functions from their registry, REST routes from the OpenAPI document (generated from
//! the same registrations as the router). A route added without an entry fails this test.

mod common;

use std::collections::BTreeSet;

use app::{App, audit::Actor, auth::accounts, domain::Role};
use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use common::{Login, body_text, calls::NewCall, send};
use metrics_exporter_prometheus::PrometheusBuilder;
use sqlx::PgPool;

/// How a request is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A page or anything else a browser opens: session cookie.
    Browser,
    /// A server function: session cookie, JSON body.
    ServerFn,
    /// A server function posted as a form (login, logout).
    Form,
    /// The REST API: bearer token.
    Rest,
    /// The live WebSocket: session cookie, upgrade headers.
    Socket,
}

struct Case {
    method: Method,
    /// The route as registered; `{id}` is replaced by a call's id.
    route: &'static str,
    kind: Kind,
    body: &'static str,
    /// Status for: anonymous, agent, admin, deactivated user.
    expect: [u16; 4],
}

const fn case(
    method: Method,
    route: &'static str,
    kind: Kind,
    body: &'static str,
    expect: [u16; 4],
) -> Case {
    Case {
        method,
        route,
        kind,
        body,
        expect,
    }
}

/// 303: sent to the login page (`/login?next=…`, or `/login?oidc=…` from the provider's routes). 426: the WebSocket handler was reached (a real upgrade needs a
/// real connection; the browser tests make one).
fn table() -> Vec<Case> {
    use Kind::*;
    vec![
        case(Method::GET, "/", Browser, "", [303, 200, 200, 303]),
        case(Method::GET, "/login", Browser, "", [200, 302, 302, 200]),
        case(
            Method::POST,
            "/api/login",
            Form,
            "email=niemand%40praxis.example&password=falsch-und-lang&next=",
            [401, 401, 401, 401],
        ),
        case(Method::POST, "/api/logout", Form, "", [401, 200, 200, 401]),
        case(
            Method::POST,
            "/api/current_user",
            ServerFn,
            "{}",
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/list_calls",
            ServerFn,
            r#"{"query": {}, "at": "first"}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/call_detail",
            ServerFn,
            r#"{"id": {id}}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/set_call_status",
            ServerFn,
            r#"{"id": {id}, "version": 1, "status": "IN_PROGRESS", "comment": null}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/assign_call",
            ServerFn,
            r#"{"id": {id}, "version": 1, "assignee": null}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/add_call_note",
            ServerFn,
            r#"{"id": {id}, "note": "Rückruf"}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/close_repeats",
            ServerFn,
            r#"{"id": {id}, "version": 0}"#,
            [401, 422, 422, 401],
        ),
        case(
            Method::POST,
            "/api/restore_statuses",
            ServerFn,
            r#"{"steps": []}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/bulk_set_status",
            ServerFn,
            r#"{"targets": [[{id}, 1]], "status": "IN_PROGRESS"}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/bulk_assign",
            ServerFn,
            r#"{"targets": [[{id}, 1]], "assignee": null}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/assignable_users",
            ServerFn,
            "{}",
            [401, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/openapi.json",
            Rest,
            "",
            [200, 200, 200, 200],
        ),
        case(Method::GET, "/api/v1/calls", Rest, "", [401, 200, 200, 401]),
        case(
            Method::GET,
            "/api/v1/calls/{id}",
            Rest,
            "",
            [401, 200, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/calls/{id}/export",
            Rest,
            "",
            [401, 403, 422, 401],
        ),
        case(
            Method::DELETE,
            "/api/v1/calls/{id}",
            Rest,
            r#"{"reason": "Löschantrag"}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/callers/{e164}/export",
            Rest,
            "",
            [401, 403, 422, 401],
        ),
        case(
            Method::DELETE,
            "/api/v1/callers/{e164}",
            Rest,
            r#"{"reason": "Löschantrag"}"#,
            [401, 403, 404, 401],
        ),
        case(
            Method::POST,
            "/api/v1/compliance/check",
            Rest,
            r#"{"source": "phone", "operation": "lookup"}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::POST,
            "/api/v1/compliance/pii-rules/test",
            Rest,
            r#"{"text": "Rückruf 0171 1234567"}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/blocked-content",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/policy-audit",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/report",
            Rest,
            "",
            [401, 403, 422, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/policies",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::PUT,
            "/api/v1/compliance/policies/draft",
            Rest,
            "{}",
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/v1/compliance/policies/{version}/approve",
            Rest,
            "",
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/v1/compliance/policies/{version}/reject",
            Rest,
            r#"{"note": "Nicht so"}"#,
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/v1/compliance/policies/{version}/rollback",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/sources",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::PUT,
            "/api/v1/compliance/sources/{id}",
            Rest,
            r#"{"name": "Webformular", "legal_basis": "Art. 6 Abs. 1 lit. b DSGVO", "active": true}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::DELETE,
            "/api/v1/compliance/sources/{id}",
            Rest,
            "",
            [401, 403, 404, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/matrix",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::PUT,
            "/api/v1/compliance/matrix/{source}",
            Rest,
            r#"{"lookup": {"allowed": true, "needs_justification": false}, "llm": {"allowed": false, "needs_justification": false}, "export": {"allowed": true, "needs_justification": true}}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::GET,
            "/api/v1/compliance/pii-rules",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::PUT,
            "/api/v1/compliance/pii-rules/{name}",
            Rest,
            r#"{"label": "KONTO", "kind": "keyword", "pattern": "Kontonummer", "severity": "block", "active": true}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::DELETE,
            "/api/v1/compliance/pii-rules/{name}",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::PATCH,
            "/api/v1/calls/{id}/status",
            Rest,
            r#"{"status": "IN_PROGRESS", "version": 1}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/v1/calls/{id}/notes",
            Rest,
            r#"{"note": "Rückruf"}"#,
            [401, 201, 201, 401],
        ),
        case(
            Method::POST,
            "/api/v1/calls/{id}/assign",
            Rest,
            r#"{"assignee_id": null, "version": 1}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/v1/calls/{id}/suggestion",
            Rest,
            "{}",
            [401, 503, 503, 401],
        ),
        case(
            Method::GET,
            "/api/v1/calls/{id}/suggestion",
            Rest,
            "",
            [401, 404, 404, 401],
        ),
        case(
            Method::GET,
            "/api/v1/llm/settings",
            Rest,
            "",
            [401, 403, 200, 401],
        ),
        case(
            Method::PUT,
            "/api/v1/llm/settings",
            Rest,
            r#"{"auto_mode": false, "categories": ["Rezept", "Termin"]}"#,
            [401, 403, 200, 401],
        ),
        case(
            Method::POST,
            "/api/llm/suggestion_panel",
            ServerFn,
            r#"{"id": {id}}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/llm/request_suggestion",
            ServerFn,
            r#"{"id": {id}}"#,
            [401, 503, 503, 401],
        ),
        case(
            Method::POST,
            "/api/llm/accept_suggestion",
            ServerFn,
            r#"{"id": {id}, "version": 1, "suggestion_id": 1}"#,
            [401, 422, 422, 401],
        ),
        case(
            Method::POST,
            "/api/reveal_field",
            ServerFn,
            r#"{"id": {id}, "field": "date_of_birth", "reason": "Rückruf"}"#,
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/login_options",
            ServerFn,
            "{}",
            [200, 200, 200, 200],
        ),
        // Without a configured identity provider both lead back to the login page.
        case(
            Method::GET,
            "/auth/oidc/login",
            Browser,
            "",
            [303, 303, 303, 303],
        ),
        case(
            Method::GET,
            "/auth/oidc/callback",
            Browser,
            "",
            [303, 303, 303, 303],
        ),
        case(Method::GET, "/live", Socket, "", [401, 426, 426, 401]),
        case(Method::GET, "/metrics", Browser, "", [401, 403, 200, 401]),
        case(Method::GET, "/healthz", Browser, "", [200, 200, 200, 200]),
        // Not ready: nothing listens for changes in this test (tests/health.rs has the rest).
        case(Method::GET, "/readyz", Browser, "", [503, 503, 503, 503]),
        case(Method::GET, "/admin", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/sessions", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/tokens", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/masking", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/retention", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/rules", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/report", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/compliance", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/llm", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/audit", Browser, "", ADMIN_PAGE),
        case(Method::GET, "/admin/audit/export", Browser, "", ADMIN_PAGE),
        case(
            Method::POST,
            "/api/admin/accounts",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/add_user",
            Form,
            "name=Neu&email=neu%40praxis.example&role=AGENT&password=ein-langes-passwort",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/set_role",
            ServerFn,
            r#"{"user_id": {user}, "role": "AGENT"}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/set_active",
            ServerFn,
            r#"{"user_id": {user}, "active": true}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/end_sessions",
            ServerFn,
            r#"{"user_id": {user}}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/sessions",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/tokens",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/create_token",
            Form,
            "user_id={service}&scope=api&name=Praxissoftware",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/allow_oidc_link",
            ServerFn,
            r#"{"user_id": {user}}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/revoke_token",
            ServerFn,
            r#"{"token_id": 0}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/masking",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/set_masking",
            ServerFn,
            r#"{"settings": {"policy": {"caller_name": "visible", "caller_number": "visible", "date_of_birth": "hidden"}, "reveals_per_hour": 30}}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/llm_settings",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/save_llm_settings",
            ServerFn,
            r#"{"settings": {"auto_mode": false, "categories": ["Rezept"]}}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/set_llm_ident",
            ServerFn,
            r#"{"user": {user}, "ident": "empfang"}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/retention",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/desk_tiles",
            ServerFn,
            "{}",
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/desk_alerts",
            ServerFn,
            "{}",
            [401, 200, 200, 401],
        ),
        case(
            Method::POST,
            "/api/admin/escalation_settings",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/save_escalation_settings",
            ServerFn,
            r#"{"settings": {"after_minutes": 15, "on_duty": null}}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/report",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/repeat_settings",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/save_repeat_settings",
            ServerFn,
            r#"{"settings": {"window_minutes": 240}}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/priority_rules",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/add_priority_rule",
            ServerFn,
            r#"{"rule": {"kind": "vip_number", "value": "030 1234567", "label": "Sonnenhof", "priority": "high"}}"#,
            ADMIN_ONLY,
        ),
        // The red flags are rules 1 to 12 of a fresh database.
        case(
            Method::POST,
            "/api/admin/set_priority_rule_enabled",
            ServerFn,
            r#"{"id": 1, "enabled": false}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/admin/remove_priority_rule",
            ServerFn,
            r#"{"id": 2}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/compliance/state",
            ServerFn,
            "{}",
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/compliance/blocked",
            ServerFn,
            r#"{"from": null, "to": null}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/compliance/policy_log",
            ServerFn,
            r#"{"from": null, "to": null}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/compliance/shadow_test",
            ServerFn,
            r#"{"rules": [], "days": 7}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/compliance/save_draft",
            ServerFn,
            r#"{"document": {"sources": [], "pii_rules": [], "retention_days": 0}}"#,
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/compliance/approve",
            ServerFn,
            r#"{"version": {version}}"#,
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/compliance/reject",
            ServerFn,
            r#"{"version": {version}, "note": "Nicht so"}"#,
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/compliance/roll_back",
            ServerFn,
            r#"{"version": {version}}"#,
            // The REST rollback above left a draft open.
            [401, 403, 422, 401],
        ),
        case(
            Method::POST,
            "/api/compliance/set_self_approval",
            ServerFn,
            r#"{"allow": false}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/dsgvo/erasure_preview",
            ServerFn,
            r#"{"id": {id}, "scope": "call"}"#,
            ADMIN_ONLY,
        ),
        case(
            Method::POST,
            "/api/dsgvo/restrict",
            ServerFn,
            r#"{"id": 0, "scope": "call", "reason": "Sperrvermerk"}"#,
            [401, 403, 404, 401],
        ),
        case(
            Method::POST,
            "/api/dsgvo/lift_restriction",
            ServerFn,
            r#"{"id": 0, "scope": "call"}"#,
            [401, 403, 404, 401],
        ),
        case(
            Method::POST,
            "/api/dsgvo/set_legal_hold",
            ServerFn,
            r#"{"id": 0, "until": "2099-12-31", "reason": "Gerichtsverfahren"}"#,
            [401, 403, 404, 401],
        ),
        case(
            Method::POST,
            "/api/dsgvo/end_legal_hold",
            ServerFn,
            r#"{"id": 0}"#,
            [401, 403, 404, 401],
        ),
        case(
            Method::POST,
            "/api/dsgvo/erase",
            ServerFn,
            r#"{"id": 0, "scope": "call", "reason": "Löschantrag"}"#,
            [401, 403, 404, 401],
        ),
        case(
            Method::POST,
            "/api/admin/audit_log",
            ServerFn,
            r#"{"filter": {}, "before": null}"#,
            ADMIN_ONLY,
        ),
    ]
}

/// A page of the admin area: anonymous visitors and deactivated users go to the login page.
const ADMIN_PAGE: [u16; 4] = [303, 403, 200, 303];
/// A server function of the admin area.
const ADMIN_ONLY: [u16; 4] = [401, 403, 200, 401];

/// Routes served by the router directly rather than through Leptos or the OpenAPI registry.
const PLAIN_ROUTES: [&str; 7] = [
    "/live",
    "/metrics",
    "/healthz",
    "/readyz",
    "/admin/audit/export",
    "/auth/oidc/login",
    "/auth/oidc/callback",
];

fn app(pool: &PgPool) -> Router {
    common::app(
        pool.clone(),
        PrometheusBuilder::new().build_recorder().handle(),
    )
}

/// The ids a case's route and body may name: `{id}` a call (in a `DELETE` one made to be
/// erased), `{user}` an active colleague, `{e164}` a number no call has, `{version}` the
/// source policy's version 1 (approved at install).
#[derive(Clone, Copy)]
struct Targets {
    call: i64,
    doomed: i64,
    user: i64,
    service: i64,
}

impl Targets {
    fn fill(self, text: &str, method: &Method) -> String {
        let call = if *method == Method::DELETE {
            self.doomed
        } else {
            self.call
        };
        text.replace("{id}", &call.to_string())
            .replace("{user}", &self.user.to_string())
            .replace("{service}", &self.service.to_string())
            .replace("{e164}", "+49301234567")
            .replace("{version}", "1")
            .replace("{source}", "phone")
            .replace("{name}", "E-Mail-Adresse")
    }
}

fn request(case: &Case, targets: Targets, login: Option<&Login>) -> Request<Body> {
    let uri = targets.fill(case.route, &case.method);
    let body = targets.fill(case.body, &case.method);
    let mut request = Request::builder().method(case.method.clone()).uri(uri);
    if let Some(login) = login {
        request = match case.kind {
            Kind::Rest => request.header(header::AUTHORIZATION, &login.bearer),
            _ => request.header(header::COOKIE, &login.cookie),
        };
    }
    request = match case.kind {
        Kind::ServerFn | Kind::Rest if !body.is_empty() => {
            request.header(header::CONTENT_TYPE, "application/json")
        }
        Kind::Form => request
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json"),
        Kind::Browser => request.header(header::ACCEPT, "text/html"),
        Kind::Socket => request
            .header(header::CONNECTION, "upgrade")
            .header(header::UPGRADE, "websocket")
            .header(header::SEC_WEBSOCKET_VERSION, "13")
            .header(header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="),
        _ => request,
    };
    request.body(Body::from(body)).expect("request")
}

#[sqlx::test(migrations = "../migrations")]
async fn every_route_allows_and_denies_exactly_as_the_table_says(pool: PgPool) {
    let targets = Targets {
        call: common::calls::insert_call(&pool, NewCall::default()).await,
        doomed: common::calls::insert_call(&pool, NewCall::default()).await,
        user: common::calls::insert_user(&pool, "Kollegin", true).await,
        service: sqlx::query_scalar(
            "insert into users (name, email, role, is_service)
             values ('Praxissoftware', 'software@test.example', 'AGENT', true) returning id",
        )
        .fetch_one(&pool)
        .await
        .expect("service account"),
    };
    let gone = common::calls::insert_user(&pool, "Ehemalige", true).await;
    let deactivated = common::login_as(&pool, gone).await;
    accounts::set_active(&pool, Actor::System, gone, false)
        .await
        .expect("deactivate");

    let mut failures = Vec::new();
    for case in table() {
        for (who, expected) in ["anonymous", "agent", "admin", "deactivated"]
            .into_iter()
            .zip(case.expect)
        {
            let login = match who {
                "agent" => Some(common::login(&pool, Role::Agent).await),
                "admin" => Some(common::login(&pool, Role::Admin).await),
                "deactivated" => Some(deactivated.clone()),
                _ => None,
            };
            let response = send(app(&pool), request(&case, targets, login.as_ref())).await;
            let status = response.status();
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            if status.as_u16() != expected {
                let body = body_text(response).await;
                failures.push(format!(
                    "{} {} as {who}: expected {expected}, got {status} {body:.200}",
                    case.method, case.route
                ));
            } else if status == StatusCode::SEE_OTHER && !location.starts_with("/login?") {
                failures.push(format!("{} as {who}: sent to {location}", case.route));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_table_names_every_route_the_app_serves(pool: PgPool) {
    let admin = common::login(&pool, Role::Admin).await;
    let openapi = send(
        app(&pool),
        Request::get("/api/v1/openapi.json")
            .header(header::AUTHORIZATION, &admin.bearer)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    let openapi: serde_json::Value =
        serde_json::from_str(&body_text(openapi).await).expect("OpenAPI JSON");

    let mut served: BTreeSet<(String, String)> = BTreeSet::new();
    for route in leptos_axum::generate_route_list(App) {
        served.insert(("GET".to_owned(), route.path().to_owned()));
    }
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        served.insert((method.to_string(), path.to_owned()));
    }
    for (path, operations) in openapi["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            served.insert((method.to_uppercase(), format!("/api/v1{path}")));
        }
    }
    served.insert(("GET".to_owned(), "/api/v1/openapi.json".to_owned()));
    for route in PLAIN_ROUTES {
        served.insert(("GET".to_owned(), route.to_owned()));
    }

    let listed: BTreeSet<(String, String)> = table()
        .iter()
        .map(|case| (case.method.to_string(), case.route.to_owned()))
        .collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes without an access entry: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "entries for routes that do not exist: {stale:?}"
    );
}

//! Logging in and out through the real router: cookies, lockout, timeouts, cross-site
//! requests, rate limits and the security headers every response carries.

mod common;

use std::num::NonZeroU32;

use app::{
    audit::Actor,
    auth::{
        LOCKOUT_AFTER, SessionSettings,
        accounts::{self, NewLogin, NewUser},
    },
    domain::Role,
};
use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
    response::Response,
};
use common::{body_text, send};
use server::limits::Limits;
use sqlx::PgPool;

const EMAIL: &str = "empfang@praxis.example";
const PASSWORD: &str = "ein-langes-passwort";

async fn add_account(pool: &PgPool) {
    accounts::add_user(
        pool,
        Actor::System,
        NewUser {
            email: EMAIL,
            name: "Empfang",
            role: Role::Agent,
            login: NewLogin::Password(PASSWORD),
        },
    )
    .await
    .expect("account");
}

/// The app with the front desk's account.
async fn with_account(pool: &PgPool) -> Router {
    add_account(pool).await;
    let limits = common::generous_limits();
    common::app_with_sessions(pool.clone(), SessionSettings::default(), limits)
}

async fn log_in(app: &Router, email: &str, password: &str) -> Response {
    log_in_from(app, email, password, None).await
}

/// A login from `client`, as a trusted proxy forwards it.
async fn log_in_from(app: &Router, email: &str, password: &str, client: Option<&str>) -> Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("password", password)
        .append_pair("next", "/?status=NEW")
        .finish();
    let mut request = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(client) = client {
        request = request.header("x-forwarded-for", client);
    }
    let request = request.body(Body::from(body)).expect("request");
    send(app.clone(), request).await
}

fn set_cookie(response: &Response) -> String {
    response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The `name=value` part of a `Set-Cookie` header.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

async fn get(app: &Router, uri: &str, cookie: &str) -> Response {
    let request = Request::get(uri)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .expect("request");
    send(app.clone(), request).await
}

#[sqlx::test(migrations = "../migrations")]
async fn a_login_sets_a_fresh_http_only_cookie_that_opens_the_dashboard(pool: PgPool) {
    let app = with_account(&pool).await;

    let response = log_in(&app, " Empfang@Praxis.example ", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(&response);
    assert_eq!(body_text(response).await, r#""/?status=NEW""#);
    for part in [
        "anrufe_session=",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");

    let page = get(&app, "/", &cookie_pair(&cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        body_text(page).await.contains("Empfang"),
        "the name in the header"
    );

    let again = set_cookie(&log_in(&app, EMAIL, PASSWORD).await);
    assert_ne!(
        cookie_pair(&again),
        cookie_pair(&cookie),
        "a new session id"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_lock_the_account_for_that_client_and_answer_like_a_wrong_password(
    pool: PgPool,
) {
    add_account(&pool).await;
    // Tests have no peer address (0.0.0.0): trusting it lets each request name its client.
    let limits = common::generous_limits().trusting(vec![std::net::Ipv4Addr::UNSPECIFIED.into()]);
    let app = common::app_with_sessions(pool.clone(), SessionSettings::default(), limits);
    let attacker = Some("203.0.113.66");
    let unknown = log_in_from(&app, "niemand@praxis.example", PASSWORD, attacker).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown = body_text(unknown).await;

    for _ in 0..LOCKOUT_AFTER {
        let wrong = log_in_from(&app, EMAIL, "falsch-aber-lang", attacker).await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            body_text(wrong).await,
            unknown,
            "the same answer as for nobody"
        );
    }
    let locked = log_in_from(&app, EMAIL, PASSWORD, attacker).await;
    assert_eq!(
        locked.status(),
        StatusCode::UNAUTHORIZED,
        "locked even with the right password"
    );
    assert!(set_cookie(&locked).is_empty());
    assert_eq!(
        body_text(locked).await,
        unknown,
        "a locked account answers like a wrong password"
    );
    let owner = log_in_from(&app, EMAIL, PASSWORD, Some("198.51.100.20")).await;
    assert_eq!(
        owner.status(),
        StatusCode::OK,
        "the owner, elsewhere, is not locked out"
    );

    let failures: i64 =
        sqlx::query_scalar("select count(*) from actions_audit where action_type = 'login_failed'")
            .fetch_one(&pool)
            .await
            .expect("audit");
    assert_eq!(failures, i64::from(LOCKOUT_AFTER) + 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn logout_and_timeouts_end_the_session(pool: PgPool) {
    let app = with_account(&pool).await;
    let session = |response: Response| cookie_pair(&set_cookie(&response));

    let cookie = session(log_in(&app, EMAIL, PASSWORD).await);
    let request = Request::post("/api/logout")
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .expect("request");
    let logout = send(app.clone(), request).await;
    assert_eq!(logout.status(), StatusCode::OK);
    assert!(
        set_cookie(&logout).contains("Max-Age=0"),
        "the cookie is removed"
    );
    let after = get(&app, "/?status=NEW", &cookie).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        after.headers()[header::LOCATION],
        "/login?next=%2F%3Fstatus%3DNEW",
        "back to this view after login"
    );

    for expire in [
        "update sessions set last_seen_at = now() - interval '31 minutes'",
        "update sessions set expires_at = now() - interval '1 second'",
    ] {
        let cookie = session(log_in(&app, EMAIL, PASSWORD).await);
        assert_eq!(get(&app, "/", &cookie).await.status(), StatusCode::OK);
        sqlx::query(expire).execute(&pool).await.expect(expire);
        assert_eq!(
            get(&app, "/", &cookie).await.status(),
            StatusCode::SEE_OTHER,
            "{expire}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn requests_from_other_sites_are_refused(pool: PgPool) {
    let app = with_account(&pool).await;
    let login = common::login(&pool, Role::Agent).await;
    let list = |headers: &[(&'static str, &'static str)]| {
        let mut request = Request::post("/api/list_calls")
            .header(header::COOKIE, &login.cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::HOST, "127.0.0.1:3000");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .body(Body::from(r#"{"query": {}, "at": "first"}"#))
            .expect("request")
    };

    let cross_site = send(app.clone(), list(&[("sec-fetch-site", "cross-site")])).await;
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let foreign = send(app.clone(), list(&[("origin", "https://evil.example")])).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let same = send(app.clone(), list(&[("sec-fetch-site", "same-origin")])).await;
    assert_eq!(same.status(), StatusCode::OK);
    let own = send(app.clone(), list(&[("origin", "http://127.0.0.1:3000")])).await;
    assert_eq!(own.status(), StatusCode::OK);

    let login_elsewhere = Request::post("/api/login")
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "email={EMAIL}&password={PASSWORD}&next="
        )))
        .expect("request");
    let response = send(app, login_elsewhere).await;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "no login CSRF either"
    );
    assert!(set_cookie(&response).is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_carry_a_nonce_csp_and_every_response_the_security_headers(pool: PgPool) {
    let app = with_account(&pool).await;
    let login = common::login(&pool, Role::Agent).await;
    let page = get(&app, "/", &login.cookie).await;
    let headers = page.headers().clone();
    let html = body_text(page).await;

    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("CSP");
    for directive in [
        "script-src 'self' 'wasm-unsafe-eval' 'nonce-",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(
        !csp.contains("'unsafe-inline'") && !csp.contains(" 'unsafe-eval'"),
        "{csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce");
    assert!(
        html.contains(&format!(r#"<script type="module" nonce="{nonce}""#)),
        "{html:.600}"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS without TLS"
    );

    let second = get(&app, "/", &login.cookie).await;
    let other_csp = second.headers()[header::CONTENT_SECURITY_POLICY].clone();
    assert_ne!(other_csp, csp, "a new nonce for every page");

    let json = get(&app, "/api/v1/openapi.json", "").await;
    let csp = json.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("CSP");
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(json.headers()[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(json.headers()[header::CACHE_CONTROL], "no-store");

    // The icon is the same for everyone and kept for a day, so that a search does not fetch it
    // again; the bundle is left to the file server.
    let icon = get(&app, app::ICON_PATH, "").await;
    assert_eq!(icon.headers()[header::CACHE_CONTROL], "max-age=86400");
    let bundle = get(&app, "/pkg/anrufe.wasm", "").await;
    assert!(bundle.headers().get(header::CACHE_CONTROL).is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn over_tls_the_cookie_is_secure_and_host_bound_and_hsts_is_sent(pool: PgPool) {
    add_account(&pool).await;
    let settings = SessionSettings {
        secure: true,
        ..SessionSettings::default()
    };
    let app = common::app_with_sessions(pool, settings, common::generous_limits());

    let response = log_in(&app, EMAIL, PASSWORD).await;
    let cookie = set_cookie(&response);
    assert!(cookie.starts_with("__Host-anrufe_session="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .expect("HSTS")
            .contains("max-age=31536000")
    );
    let page = get(&app, "/", &cookie_pair(&cookie)).await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the prefixed cookie is read back"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn logins_and_api_requests_are_rate_limited(pool: PgPool) {
    add_account(&pool).await;
    let two = NonZeroU32::new(2).expect("not zero");
    let app = common::app_with_sessions(
        pool.clone(),
        SessionSettings::default(),
        Limits::per_minute(two, two),
    );

    for _ in 0..2 {
        let wrong = log_in(&app, EMAIL, "falsch-aber-lang").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = log_in(&app, EMAIL, PASSWORD).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()[header::RETRY_AFTER], "60");

    let bearer = common::login(&pool, Role::Agent).await.bearer;
    let api = |bearer: &str| {
        Request::get("/api/v1/calls")
            .header(header::AUTHORIZATION, bearer)
            .body(Body::empty())
            .expect("request")
    };
    for _ in 0..2 {
        assert_eq!(
            send(app.clone(), api(&bearer)).await.status(),
            StatusCode::OK
        );
    }
    let limited = send(app, api(&bearer)).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(body_text(limited).await.contains("too_many_requests"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_nul_character_is_refused_by_name_never_a_server_error(pool: PgPool) {
    let app = with_account(&pool).await;
    let response = log_in(&app, "empfang\0@praxis.example", PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "like any wrong login"
    );

    let named = accounts::add_user(
        &pool,
        Actor::System,
        NewUser {
            email: "neu@praxis.example",
            name: "Neu\0Name",
            role: Role::Agent,
            login: NewLogin::Provider,
        },
    )
    .await;
    assert!(
        matches!(
            named,
            Err(accounts::AccountError::Invalid {
                field: "name",
                reason: app::domain::Invalid::NulCharacter
            })
        ),
        "{named:?}"
    );
    let addressed = accounts::add_user(
        &pool,
        Actor::System,
        NewUser {
            email: "neu\0@praxis.example",
            name: "Neu",
            role: Role::Agent,
            login: NewLogin::Provider,
        },
    )
    .await;
    assert!(
        matches!(
            addressed,
            Err(accounts::AccountError::Invalid { field: "email", .. })
        ),
        "{addressed:?}"
    );
}

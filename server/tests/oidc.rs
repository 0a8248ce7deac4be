//! People from the practice's identity provider: provisioning at first login, the role from a
//! claim, linking to a local account only with a verified address, deactivation, and logins
//! under way taken back once. The protocol runs against a real provider in the browser tests
//! (end2end/tests/oidc.spec.ts).

mod common;

use app::{
    audit::Actor,
    auth::{
        SessionPolicy,
        accounts::{self, NewLogin, NewUser},
        oidc::{self, Identity, OidcLoginError, PendingLogin},
    },
    domain::Role,
};
use axum::http::StatusCode;
use common::requests::server_fn;
use serde_json::json;
use sqlx::PgPool;

fn identity(subject: &str, email: &str, role: Option<Role>) -> Identity {
    Identity {
        issuer: "https://idp.praxis.example".to_owned(),
        subject: subject.to_owned(),
        email: Some(email.to_owned()),
        email_verified: true,
        name: Some("Dr. Leitung".to_owned()),
        role,
    }
}

async fn actions(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar("select action_type from actions_audit order by chain_position")
        .fetch_all(pool)
        .await
        .expect("audit")
}

#[sqlx::test(migrations = "../migrations")]
async fn a_new_person_is_provisioned_and_the_claim_keeps_their_role_current(pool: PgPool) {
    let policy = SessionPolicy::default();
    let first = identity("abc-123", "Leitung@Praxis.example", Some(Role::Admin));
    let (user, token) = oidc::login(&pool, &first, "test", policy)
        .await
        .expect("first login");
    assert_eq!(
        (user.email.as_str(), user.role),
        ("leitung@praxis.example", Role::Admin)
    );
    assert!(!token.is_empty());
    assert_eq!(actions(&pool).await, ["user_created", "login"]);

    let demoted = identity("abc-123", "leitung@praxis.example", Some(Role::Agent));
    let (again, _) = oidc::login(&pool, &demoted, "test", policy)
        .await
        .expect("second login");
    assert_eq!((again.id, again.role), (user.id, Role::Agent));
    assert_eq!(actions(&pool).await[2..], ["user_changed", "login"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn someone_the_claim_gives_no_access_is_refused_and_audited(pool: PgPool) {
    let policy = SessionPolicy::default();
    let member = identity("abc-123", "leitung@praxis.example", Some(Role::Admin));
    oidc::login(&pool, &member, "test", policy)
        .await
        .expect("first login");

    let outsider = identity("abc-123", "leitung@praxis.example", None);
    let refused = oidc::login(&pool, &outsider, "test", policy).await;
    assert!(
        matches!(refused, Err(OidcLoginError::NotEntitled)),
        "{refused:?}"
    );
    let newcomer = identity("new-sub", "neu@praxis.example", None);
    let refused = oidc::login(&pool, &newcomer, "test", policy).await;
    assert!(matches!(refused, Err(OidcLoginError::NotEntitled)));

    let reasons: Vec<String> = sqlx::query_scalar(
        "select diff ->> 'reason' from actions_audit where action_type = 'login_failed'
         order by chain_position",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    assert_eq!(reasons, ["not_entitled", "not_entitled"]);
    let (users, sessions): (i64, i64) =
        sqlx::query_as("select (select count(*) from users), (select count(*) from sessions)")
            .fetch_one(&pool)
            .await
            .expect("counts");
    assert_eq!(
        (users, sessions),
        (1, 1),
        "no account and no session for the refused"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_local_account_is_linked_only_when_the_provider_verified_the_address(pool: PgPool) {
    let policy = SessionPolicy::default();
    let local = accounts::add_user(
        &pool,
        Actor::System,
        NewUser {
            email: "anna@praxis.example",
            name: "Anna",
            role: Role::Agent,
            login: NewLogin::Provider,
        },
    )
    .await
    .expect("local account");

    let mut unverified = identity("anna-sub", "anna@praxis.example", Some(Role::Agent));
    unverified.email_verified = false;
    let refused = oidc::login(&pool, &unverified, "test", policy).await;
    assert!(
        matches!(refused, Err(OidcLoginError::EmailTaken)),
        "{refused:?}"
    );

    let verified = identity("anna-sub", "anna@praxis.example", Some(Role::Agent));
    let (user, _) = oidc::login(&pool, &verified, "test", policy)
        .await
        .expect("linked");
    assert_eq!(user.id, local);

    let impostor = identity("other-sub", "anna@praxis.example", Some(Role::Agent));
    let refused = oidc::login(&pool, &impostor, "test", policy).await;
    assert!(
        matches!(refused, Err(OidcLoginError::EmailTaken)),
        "a second identity cannot take a linked account: {refused:?}"
    );

    let mut nameless = identity("no-mail", "", Some(Role::Agent));
    nameless.email = None;
    let refused = oidc::login(&pool, &nameless, "test", policy).await;
    assert!(
        matches!(refused, Err(OidcLoginError::NoEmail)),
        "{refused:?}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_admin_account_is_linked_only_after_an_admin_allowed_it(pool: PgPool) {
    let policy = SessionPolicy::default();
    let lead = accounts::add_user(
        &pool,
        Actor::System,
        NewUser {
            email: "leitung@praxis.example",
            name: "Leitung",
            role: Role::Admin,
            login: NewLogin::Password("ein-langes-passwort"),
        },
    )
    .await
    .expect("local admin");
    let claim = identity("leitung-sub", "leitung@praxis.example", Some(Role::Admin));
    let refused = oidc::login(&pool, &claim, "test", policy).await;
    assert!(
        matches!(refused, Err(OidcLoginError::AdminLinkUnconfirmed)),
        "{refused:?}"
    );
    assert!(
        actions(&pool).await.contains(&"login_failed".to_owned()),
        "the refusal is audited"
    );

    let colleague = common::login(&pool, Role::Admin).await;
    let (status, answer) = server_fn(
        &pool,
        &colleague,
        "admin/allow_oidc_link",
        json!({ "user_id": lead }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (user, _) = oidc::login(&pool, &claim, "test", policy)
        .await
        .expect("linked once allowed");
    assert_eq!(user.id, lead);
    let left: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select oidc_link_allowed_until from users where id = $1")
            .bind(lead)
            .fetch_one(&pool)
            .await
            .expect("leave");
    assert_eq!(left, None, "the leave is used up by the link");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deactivated_person_gets_no_session_and_the_attempt_is_audited(pool: PgPool) {
    let policy = SessionPolicy::default();
    let person = identity("gone", "gone@praxis.example", Some(Role::Agent));
    let (user, _) = oidc::login(&pool, &person, "test", policy)
        .await
        .expect("first login");
    accounts::set_active(&pool, Actor::System, user.id, false)
        .await
        .expect("deactivate");
    let refused = oidc::login(&pool, &person, "test", policy).await;
    assert!(
        matches!(refused, Err(OidcLoginError::Deactivated)),
        "{refused:?}"
    );
    let sessions: i64 = sqlx::query_scalar("select count(*) from sessions")
        .fetch_one(&pool)
        .await
        .expect("sessions");
    assert_eq!(sessions, 0);
    assert_eq!(
        actions(&pool).await.last().map(String::as_str),
        Some("login_failed")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_login_under_way_is_taken_back_once_and_only_while_it_is_recent(pool: PgPool) {
    let pending = PendingLogin {
        pkce_verifier: "verifier".to_owned(),
        nonce: "nonce".to_owned(),
        next: "/?status=NEW".to_owned(),
    };
    oidc::begin(&pool, "state-1", &pending)
        .await
        .expect("begin");
    let resumed = oidc::resume(&pool, "state-1").await.expect("resume");
    assert_eq!(
        resumed.map(|login| login.next).as_deref(),
        Some("/?status=NEW")
    );
    assert!(
        oidc::resume(&pool, "state-1")
            .await
            .expect("again")
            .is_none()
    );

    for state in ["state-2", "state-3"] {
        oidc::begin(&pool, state, &pending).await.expect("begin");
    }
    sqlx::query("update oidc_logins set created_at = now() - interval '11 minutes'")
        .execute(&pool)
        .await
        .expect("age");
    assert!(
        oidc::resume(&pool, "state-2")
            .await
            .expect("stale")
            .is_none()
    );
    // A stale login stays until the purge, which takes both.
    assert_eq!(oidc::purge_stale(&pool).await.expect("purge"), 2);
}

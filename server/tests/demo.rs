//! Demo logins have public passwords: the first start without demo mode retires them.

mod common;

use app::{
    audit::Actor,
    auth::accounts::{self, NewLogin, NewUser},
    domain::Role,
};
use sqlx::PgPool;

/// Whether each demo login has a password and is active, by e-mail.
async fn demo_logins(pool: &PgPool) -> Vec<(String, bool, bool)> {
    sqlx::query_as(
        "select email, password_hash is not null, is_active from users
         where email in ('admin@praxis.example', 'empfang@praxis.example') order by email",
    )
    .fetch_all(pool)
    .await
    .expect("demo logins")
}

#[sqlx::test(migrations = "../migrations")]
async fn the_first_start_without_demo_mode_retires_the_demo_logins(pool: PgPool) {
    server::demo::create_accounts(&pool).await.expect("demo");
    let own_admin = NewUser {
        email: "leitung@praxis.example",
        name: "Praxisleitung",
        role: Role::Admin,
        login: NewLogin::Password("ein-langes-passwort"),
    };
    accounts::add_user(&pool, Actor::System, own_admin)
        .await
        .expect("the practice's own admin");

    let retired = server::demo::retire_accounts(&pool).await.expect("retire");
    assert_eq!(retired, 2);
    assert_eq!(
        demo_logins(&pool).await,
        [
            ("admin@praxis.example".to_owned(), false, false),
            ("empfang@praxis.example".to_owned(), false, false),
        ]
    );
    let audited: i64 = sqlx::query_scalar(
        "select count(*) from actions_audit
         where action_type = 'user_changed' and diff ->> 'reason' = 'demo_login_retired'",
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
    assert_eq!(
        server::demo::retire_accounts(&pool).await.expect("again"),
        0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_demo_admin_that_is_the_only_admin_loses_its_password_but_stays(pool: PgPool) {
    server::demo::create_accounts(&pool).await.expect("demo");

    server::demo::retire_accounts(&pool).await.expect("retire");

    assert_eq!(
        demo_logins(&pool).await,
        [
            ("admin@praxis.example".to_owned(), false, true),
            ("empfang@praxis.example".to_owned(), false, false),
        ]
    );
}

//! Least privilege in the database (README, "Database roles"): the runtime role cannot change
//! the audit trail by any path but the two functions, the server refuses a role that could, and
//! migrations run as the owner.

mod common;

use std::process::Command;

use sqlx::PgPool;

/// Runs the `server` binary with `env`; whether it succeeded, and what it printed.
fn server(env: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATA_KEYS_FILE", common::data_keys_file())
        .args(args)
        .env_remove("MIGRATION_DATABASE_URL")
        .envs(env.iter().copied())
        .env("DATA_DIR", std::env::temp_dir().join("anrufe-tests-roles"))
        .output()
        .expect("server binary");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// The test database's URL as the superuser.
async fn superuser_url(pool: &PgPool) -> String {
    let runtime = common::runtime_url(pool).await;
    let (url, _) = runtime.split_once('?').expect("the role option");
    url.to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_runtime_role_changes_the_audit_trail_only_through_its_functions(pool: PgPool) {
    let runtime = common::runtime(&pool);
    for _ in 0..2 {
        sqlx::query(
            "insert into actions_audit (action_type, actor_kind) values ('login', 'system')",
        )
        .execute(&runtime)
        .await
        .expect("the runtime writes audit rows");
    }

    for attempt in [
        "delete from actions_audit",
        "update actions_audit set diff = '{}'",
        "truncate actions_audit",
        "alter table actions_audit disable trigger user",
        "drop function actions_audit_prune(timestamptz)",
        "create or replace function actions_audit_refuse_change() returns trigger \
         language plpgsql as $$ begin return old; end $$",
    ] {
        let refused = sqlx::query(attempt).execute(&runtime).await;
        assert!(refused.is_err(), "the runtime role may not: {attempt}");
    }
    // The old way round: a setting any session could make.
    let mut tx = runtime.begin().await.expect("transaction");
    sqlx::query("select set_config('anrufe.audit_retention', 'on', true)")
        .execute(&mut *tx)
        .await
        .expect("any session may set a setting");
    let deleted = sqlx::query("delete from actions_audit")
        .execute(&mut *tx)
        .await;
    assert!(deleted.is_err(), "the setting opens nothing any more");
    drop(tx);

    let pruned: i64 = sqlx::query_scalar("select actions_audit_prune(now() + interval '1 hour')")
        .fetch_one(&runtime)
        .await
        .expect("retention through its function");
    assert_eq!(pruned, 1);

    let member: bool =
        sqlx::query_scalar("select pg_has_role('anrufe_app', 'anrufe_audit', 'member')")
            .fetch_one(&pool)
            .await
            .expect("membership");
    assert!(
        !member,
        "the runtime role cannot become the functions' role"
    );

    // Nobody else may call the functions: a role with no grants of its own (pg_monitor)
    // stands for any other login.
    let others: (bool, bool, bool) = sqlx::query_as(
        "select has_function_privilege('pg_monitor', 'actions_audit_prune(timestamptz)', 'execute'), \
                has_function_privilege('pg_monitor', 'actions_audit_erase_diffs(bigint)', 'execute'), \
                has_function_privilege('pg_monitor', 'actions_audit_erase_diffs_of(bigint[], text)', 'execute')",
    )
    .fetch_one(&pool)
    .await
    .expect("privileges");
    assert_eq!(others, (false, false, false));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_server_refuses_to_connect_as_a_role_that_could_rewrite_the_audit_trail(pool: PgPool) {
    let superuser = superuser_url(&pool).await;
    let (ok, text) = server(&[("DATABASE_URL", &superuser)], &["audit", "verify"]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("may change or delete audit rows") && text.contains("anrufe_app"),
        "{text}"
    );

    let runtime = common::runtime_url(&pool).await;
    let (ok, text) = server(&[("DATABASE_URL", &runtime)], &["audit", "verify"]);
    assert!(ok, "{text}");
}

#[sqlx::test(migrations = false)]
async fn migrations_run_as_the_owner_and_the_runtime_waits_for_them(pool: PgPool) {
    let runtime = common::runtime_url(&pool).await;
    let owner = superuser_url(&pool).await;

    let (ok, text) = server(&[("DATABASE_URL", &runtime)], &["audit", "verify"]);
    assert!(!ok, "{text}");
    assert!(text.contains("server migrate"), "{text}");
    let (ok, text) = server(&[("DATABASE_URL", &runtime)], &["migrate"]);
    assert!(!ok, "{text}");
    assert!(text.contains("needs MIGRATION_DATABASE_URL"), "{text}");

    let env = [
        ("DATABASE_URL", runtime.as_str()),
        ("MIGRATION_DATABASE_URL", owner.as_str()),
    ];
    let (ok, text) = server(&env, &["migrate"]);
    assert!(ok, "{text}");
    assert!(text.contains("The schema is current"), "{text}");
    let (ok, text) = server(&[("DATABASE_URL", &runtime)], &["audit", "verify"]);
    assert!(ok, "{text}");
}

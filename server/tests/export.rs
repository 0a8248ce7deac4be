//! Export: a caller's document holds everything of them and nothing of others, admins only;
//! and the command line exports and erases through the same code, asking before it erases.

mod common;

use app::domain::Role;
use axum::http::{Method, StatusCode};
use common::{
    callers::{NUMBER, rest, two_callers},
    count,
};
use serde_json::Value;
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn an_export_holds_everything_of_its_caller_and_nothing_of_others(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (erika, _) = two_callers(&pool, dir.path()).await;
    let admin = common::login(&pool, Role::Admin).await;

    let uri = format!("/api/v1/callers/{NUMBER}/export?reason=Auskunft%20nach%20Art.%2015");
    let (status, export) = rest(&pool, &admin, Method::GET, &uri, None).await;

    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["schema"], "anrufe.dsgvo-export.v1");
    assert_eq!(export["subject"], "caller");
    let calls = export["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 2);
    let first = &calls[0];
    for field in [
        "id",
        "event_id",
        "received_at",
        "imported_at",
        "updated_at",
        "caller_name",
        "caller_number",
        "date_of_birth",
        "topic",
        "priority",
        "source",
        "status",
        "assignee",
        "version",
        "warnings",
        "raw_payload",
        "status_history",
        "notes",
        "reveals",
        "audit",
    ] {
        assert!(first.get(field).is_some(), "{field} is missing: {first}");
    }
    assert_eq!(first["id"], erika);
    assert_eq!(first["caller_name"], "Erika Muster");
    assert_eq!(first["date_of_birth"], "1984-03-02");
    assert_eq!(first["notes"][0]["body"], "Rückruf wegen Rezept");
    let text = export.to_string();
    assert!(
        !text.contains("Otto") && !text.contains("7654321"),
        "{text}"
    );
    assert_eq!(
        count(&pool, "select count(*) from actions_audit where action_type = 'dsgvo_exported' and diff ->> 'reason' = 'Auskunft nach Art. 15'").await,
        2,
        "each exported call is audited with who and why"
    );

    let (status, one) = rest(
        &pool,
        &admin,
        Method::GET,
        &format!("/api/v1/calls/{erika}/export?reason=Auskunft"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["calls"].as_array().map(Vec::len), Some(1));

    let agent = common::login(&pool, Role::Agent).await;
    let (status, _) = rest(&pool, &agent, Method::GET, &uri, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_command_line_exports_and_erases_asking_first(pool: PgPool) {
    let dir = tempfile::tempdir().expect("dir");
    let (erika, _) = two_callers(&pool, dir.path()).await;
    let url = common::runtime_url(&pool).await;
    let server = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATA_KEYS_FILE", common::data_keys_file())
            .args(args)
            .env("DATABASE_URL", &url)
            .env("DATA_DIR", dir.path())
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("server binary");
        let out = String::from_utf8_lossy(&output.stdout).into_owned();
        let err = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.success(), out, err)
    };
    let call = erika.to_string();

    let (ok, out, err) = server(&["dsgvo", "export", "--call", &call, "--reason", "Auskunft"]);
    assert!(ok, "{err}");
    let export: Value = serde_json::from_str(&out).expect("JSON on standard output");
    assert_eq!(export["calls"][0]["caller_name"], "Erika Muster");

    let erase = [
        "dsgvo",
        "erase",
        "--number",
        NUMBER,
        "--reason",
        "Löschantrag",
    ];
    let (ok, _, err) = server(&erase);
    assert!(!ok);
    assert!(
        err.contains("this would erase 2 call(s)") && err.contains("--yes"),
        "{err}"
    );
    assert_eq!(count(&pool, "select count(*) from calls").await, 3);

    let (ok, out, err) = server(&[&erase[..], &["--yes"]].concat());
    assert!(ok, "{err}");
    assert!(out.starts_with("Erased: 2 call(s)"), "{out}");
    assert_eq!(count(&pool, "select count(*) from calls").await, 1);

    let (ok, _, err) = server(&[
        "dsgvo",
        "erase",
        "--number",
        "0301234567",
        "--reason",
        "x",
        "--yes",
    ]);
    assert!(!ok);
    assert!(err.contains("E.164"), "{err}");
}

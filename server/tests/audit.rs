//! The audit trail: every kind of action leaves its row; the database refuses edits; and
//! `server audit verify` finds a row edited, deleted or moved by a superuser behind its back.

mod common;

use std::{
    collections::BTreeSet,
    io::Write,
    process::{Command, Stdio},
};

use app::{
    audit::{self, Actor},
    auth::{
        LoginFrom, SessionPolicy,
        accounts::{self, NewLogin, NewUser},
        tokens,
    },
    domain::{
        AuditAction, CallId, CallStatus, MaskLevel, MaskingPolicy, MaskingSettings, PiiField, Role,
        SessionUser, TokenScope, UserId, Version,
    },
    masking, service,
};
use common::calls::{NewCall, insert_call};
use serde_json::json;
use sqlx::PgPool;

const PASSWORD: &str = "ein-langes-passwort";

const FROM: LoginFrom<'static> = LoginFrom {
    client: "127.0.0.1",
    user_agent: "test",
};

/// Does one of everything that is audited.
async fn do_everything(pool: &PgPool) {
    let admin = accounts::add_user(
        pool,
        Actor::System,
        NewUser {
            email: "chefin@praxis.example",
            name: "Chefin",
            role: Role::Admin,
            login: NewLogin::Password(PASSWORD),
        },
    )
    .await
    .expect("user_created");
    let agent = common::calls::insert_user(pool, "Anna", true).await;
    let policy = SessionPolicy::default();

    let (_, session) = accounts::login(pool, "chefin@praxis.example", PASSWORD, FROM, policy)
        .await
        .expect("login");
    let failed = accounts::login(
        pool,
        "chefin@praxis.example",
        "daneben-daneben",
        FROM,
        policy,
    )
    .await;
    assert!(failed.is_err(), "login_failed");
    accounts::logout(pool, &session).await.expect("logout");
    accounts::end_sessions(pool, Actor::User(admin), agent)
        .await
        .expect("sessions_ended");
    accounts::set_role(pool, Actor::User(admin), agent, Role::Admin)
        .await
        .expect("user_changed");
    let request = tokens::TokenRequest {
        user_id: admin,
        scope: TokenScope::Api,
        name: "Praxissoftware",
    };
    let token = tokens::create(pool, Actor::User(admin), request)
        .await
        .expect("token_created");
    tokens::revoke(pool, Actor::User(admin), token.id)
        .await
        .expect("token_revoked");

    let call = insert_call(pool, NewCall::default()).await;
    let actor = Actor::User(agent);
    service::set_status(
        pool,
        actor,
        CallId(call),
        Version(1),
        CallStatus::InProgress,
        None,
    )
    .await
    .expect("status_change");
    service::assign(pool, actor, CallId(call), Version(2), Some(UserId(agent)))
        .await
        .expect("assign");
    service::add_note(pool, actor, CallId(call), "Rückruf vereinbart")
        .await
        .expect("note");
    let hidden_numbers = MaskingSettings {
        policy: MaskingPolicy {
            caller_number: MaskLevel::Hidden,
            ..MaskingPolicy::default()
        },
        reveals_per_hour: 1,
    };
    masking::set_settings(pool, Actor::User(admin), hidden_numbers)
        .await
        .expect("masking_changed");
    let reader = SessionUser {
        id: agent,
        name: "Anna".into(),
        email: "anna@praxis.test".into(),
        role: Role::Agent,
    };
    masking::reveal(pool, &reader, call, PiiField::CallerNumber, "Rückruf")
        .await
        .expect("field_revealed");
    masking::reveal(pool, &reader, call, PiiField::CallerNumber, "Noch einmal")
        .await
        .expect_err("reveal_refused: one reveal an hour");
    let exporter = common::login_as(pool, admin).await;
    let export = axum::http::Request::get("/admin/audit/export?format=json")
        .header(axum::http::header::COOKIE, &exporter.cookie)
        .body(axum::body::Body::empty())
        .expect("request");
    let app = common::app(
        pool.clone(),
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .build_recorder()
            .handle(),
    );
    let response = common::send(app, export).await;
    assert!(response.status().is_success(), "audit_exported");

    let dir = tempfile::tempdir().expect("import dir");
    let line = |topic: &str| {
        json!({
            "event_id": "audit-edit",
            "received_at": "2026-11-20T09:00:00Z",
            "caller_number": "030 1234567",
            "topic": topic,
        })
        .to_string()
            + "\n"
    };
    let file = dir.path().join("calls-2026-11-20.jsonl");
    std::fs::write(&file, line("Rezept")).expect("call file");
    let importer = importer::Importer::new(pool.clone(), dir.path(), common::tombstones().key);
    importer.run_once().await.expect("first import");
    let mut appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .expect("call file");
    appended
        .write_all(line("Rezept und Überweisung").as_bytes())
        .expect("corrected line");
    importer.run_once().await.expect("edit");

    let erased = insert_call(pool, NewCall::default()).await;
    service::add_note(pool, actor, CallId(erased), "Frau Muster bittet um Rückruf")
        .await
        .expect("note on the call to erase");
    assert_eq!(erase_diffs(pool, erased).await, 1, "diffs_erased");
    let options = app::retention::PurgeOptions {
        trigger: app::domain::PurgeTrigger::Command,
        dry_run: true,
        import_dir: None,
        yield_to_readers: false,
    };
    app::retention::purge(&common::runtime(pool), &options, |_| {})
        .await
        .expect("retention_purged");
    dsgvo_rights(pool, actor).await;
    llm_help(pool, actor).await;
    policy_changes(pool, admin).await;
}

/// The LLM help's settings, a request recorded in the ledger (as a model's answer would be) and
/// its suggestion accepted.
async fn llm_help(pool: &PgPool, actor: Actor) {
    use app::{
        domain::{Priority, Version},
        llm::{
            LlmSettings, Outcome,
            answer::{Parsed, Usage},
            ledger::{self, NewEntry},
            settings,
        },
    };
    let runtime = common::runtime(pool);
    let wanted = LlmSettings {
        auto_mode: false,
        categories: vec!["Rezept".to_owned(), "Termin".to_owned()],
    };
    settings::save(&runtime, actor, wanted)
        .await
        .expect("llm_settings_changed")
        .expect("valid settings");
    let call = CallId(insert_call(pool, NewCall::default()).await);
    let parsed = Parsed {
        summary: "Rezept abholen".to_owned(),
        category: "Rezept".to_owned(),
        urgency: Priority::Low,
        reason: "kein Notfall".to_owned(),
    };
    let prompt = serde_json::json!({ "model": "m" });
    let entry = NewEntry {
        call_id: call,
        actor,
        model: "m",
        policy_version: 1,
        prompt: Some(&prompt),
        answer: Some("{}"),
        usage: Usage::default(),
        latency_ms: Some(1),
        outcome: Outcome::Ok,
        detail: "",
        parsed: Some(&parsed),
    };
    let mut conn = runtime.acquire().await.expect("connection");
    let (suggestion, _) = ledger::record(&mut conn, &entry)
        .await
        .expect("llm_request");
    drop(conn);
    service::accept_suggestion(&runtime, actor, call, Version(1), suggestion)
        .await
        .expect("suggestion_accepted");
    let rule = app::rules::NewRule {
        kind: app::rules::RuleKind::Keyword,
        value: "Rückruf".to_owned(),
        label: "Rückruf".to_owned(),
        priority: Priority::High,
    };
    app::rules::store::add(&runtime, actor, rule)
        .await
        .expect("priority_rules_changed");
    let settings = app::rules::EscalationSettings {
        after_minutes: 5,
        on_duty: None,
    };
    app::rules::escalation::save(&runtime, actor, settings)
        .await
        .expect("escalation_settings_changed");
    let window = app::repeat::RepeatSettings { window_minutes: 60 };
    app::repeat::store::save(&runtime, actor, window)
        .await
        .expect("repeat_settings_changed");
    let waiting = NewCall {
        received_at: chrono::Utc::now() - chrono::Duration::minutes(6),
        priority: "urgent",
        ..NewCall::default()
    };
    insert_call(pool, waiting).await;
    let done = app::rules::escalation::escalate_due(&runtime, chrono::Utc::now())
        .await
        .expect("escalated");
    assert_eq!(done.escalated, 1);
}

/// Every step of the source policy: installed (`policy_approved` by the system), drafted,
/// rejected, rolled back, self-approval allowed, approved by a second admin; then the report.
async fn policy_changes(pool: &PgPool, admin: i64) {
    use app::compliance::{
        approval,
        report::{self, ReportFormat},
        store,
    };
    let runtime = common::runtime(pool);
    let document = store::working_document(&runtime).await.expect("policy");
    let draft = approval::save_draft(&runtime, admin, &document)
        .await
        .expect("policy_drafted");
    approval::reject(&runtime, admin, draft, "Noch nicht")
        .await
        .expect("policy_rejected");
    let draft = approval::roll_back(&runtime, admin, 1)
        .await
        .expect("policy_rolled_back");
    approval::set_self_approval(&runtime, admin, false)
        .await
        .expect("self_approval_changed");
    let second = common::login(pool, Role::Admin).await.user_id;
    approval::approve(&runtime, second, draft)
        .await
        .expect("policy_approved");
    let today = chrono::Utc::now().date_naive();
    report::export(&runtime, admin, "Praxis", today, today, ReportFormat::Json)
        .await
        .expect("compliance_report_exported");
    let keys = app::at_rest::keys::installed().expect("the test binary's data keys");
    app::at_rest::store::rotate(&runtime, keys, |_| {})
        .await
        .expect("data_keys_rotated");
}

/// Export, restriction with a legal hold, lifting, and erasure of one call.
async fn dsgvo_rights(pool: &PgPool, actor: Actor) {
    use app::dsgvo::{Subject, erase, export, restrict};
    let runtime = common::runtime(pool);
    let call = CallId(insert_call(pool, NewCall::default()).await);
    let subject = Subject::Call(call);
    export::export(&runtime, actor, &subject, "Auskunft")
        .await
        .expect("dsgvo_exported");
    restrict::restrict(&runtime, actor, &subject, "Streitfall")
        .await
        .expect("call_restricted");
    let until = chrono::Utc::now().date_naive() + chrono::Days::new(7);
    restrict::hold(&runtime, actor, call, until, "Gerichtsverfahren")
        .await
        .expect("legal_hold_set");
    restrict::end_hold(&runtime, actor, call)
        .await
        .expect("legal_hold_ended");
    restrict::lift(&runtime, actor, &subject)
        .await
        .expect("restriction_lifted");
    erase::erase(
        &runtime,
        &common::tombstones(),
        actor,
        &subject,
        "Löschantrag",
    )
    .await
    .expect("dsgvo_erased");
}

/// Erases a call's diffs as the server will: through the function, as the runtime role.
async fn erase_diffs(pool: &PgPool, call: i64) -> i64 {
    sqlx::query_scalar("select actions_audit_erase_diffs($1)")
        .bind(call)
        .fetch_one(&common::runtime(pool))
        .await
        .expect("erase diffs")
}

async fn actions(pool: &PgPool) -> BTreeSet<String> {
    sqlx::query_scalar("select distinct action_type from actions_audit")
        .fetch_all(pool)
        .await
        .expect("actions")
        .into_iter()
        .collect()
}

async fn verify(pool: &PgPool) -> audit::Verification {
    audit::verify(pool).await.expect("verify")
}

/// Runs `statements` as a superuser with triggers off, as someone covering their tracks would.
async fn tamper(pool: &PgPool, statements: &[&str]) {
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::query("set local session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .expect("triggers off");
    for statement in statements {
        sqlx::query(statement)
            .execute(&mut *tx)
            .await
            .expect(statement);
    }
    tx.commit().await.expect("commit");
}

#[sqlx::test(migrations = "../migrations")]
async fn every_kind_of_action_leaves_its_row_and_the_chain_stays_intact(pool: PgPool) {
    do_everything(&pool).await;
    let pruned =
        sqlx::query_scalar::<_, i64>("select actions_audit_prune(now() - interval '1 day')")
            .fetch_one(&common::runtime(&pool))
            .await
            .expect("nothing old enough");
    assert_eq!(pruned, 0);
    let before = verify(&pool).await;
    assert_eq!(before.broken, None);
    let mut seen = actions(&pool).await;

    // Retention removes everything written so far but the newest row, so the positions go on;
    // the chain still verifies from its anchor.
    let removed: i64 = sqlx::query_scalar("select actions_audit_prune(now() + interval '1 day')")
        .fetch_one(&pool)
        .await
        .expect("prune");
    assert_eq!(u64::try_from(removed), Ok(before.rows - 1));
    let left = actions(&pool).await;
    assert_eq!(
        left.len(),
        2,
        "the newest row and the pruning row are left: {left:?}"
    );
    let call = insert_call(&pool, NewCall::default()).await;
    let agent = common::calls::insert_user(&pool, "Jonas", true).await;
    service::add_note(&pool, Actor::User(agent), CallId(call), "Noch einmal")
        .await
        .expect("a row after the anchor");
    seen.extend(left);

    // `backup_restored` is written only into a database a backup was restored into, which
    // tests/backup.rs checks.
    let expected: BTreeSet<String> = AuditAction::ALL
        .iter()
        .filter(|action| **action != AuditAction::BackupRestored)
        .map(|action| action.as_str().to_owned())
        .collect();
    assert_eq!(seen, expected);
    let after = verify(&pool).await;
    assert_eq!(after.broken, None, "{after:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_database_refuses_to_change_or_delete_audit_rows(pool: PgPool) {
    do_everything(&pool).await;
    for statement in [
        "update actions_audit set diff = '{}'",
        "delete from actions_audit",
        "truncate actions_audit",
    ] {
        let refused = sqlx::query(statement).execute(&pool).await;
        let error = refused.expect_err(statement).to_string();
        assert!(
            error.contains("audit rows cannot be changed"),
            "{statement}: {error}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn erasing_a_calls_diffs_removes_personal_data_and_keeps_the_chain(pool: PgPool) {
    do_everything(&pool).await;
    let call = insert_call(&pool, NewCall::default()).await;
    let agent = common::calls::insert_user(&pool, "Jonas", true).await;
    service::add_note(
        &pool,
        Actor::User(agent),
        CallId(call),
        "Herr Beispiel, 0301234567",
    )
    .await
    .expect("note");
    service::set_status(
        &pool,
        Actor::User(agent),
        CallId(call),
        Version(1),
        CallStatus::Done,
        None,
    )
    .await
    .expect("status");

    assert_eq!(erase_diffs(&pool, call).await, 2);
    assert_eq!(erase_diffs(&pool, call).await, 0, "nothing left to erase");
    let mentions: i64 =
        sqlx::query_scalar("select count(*) from actions_audit where diff::text like '%Beispiel%'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(mentions, 0);
    let kept: Vec<String> = sqlx::query_scalar(
        "select action_type from actions_audit where call_id = $1 order by chain_position",
    )
    .bind(call)
    .fetch_all(&pool)
    .await
    .expect("rows of the call");
    assert_eq!(
        kept,
        ["note", "status_change", "diffs_erased", "diffs_erased"]
    );
    let verification = verify(&pool).await;
    assert_eq!(verification.broken, None, "{verification:?}");
    assert_eq!(
        verification.erased, 8,
        "in do_everything one row of a call and five of the erased call, two rows here"
    );

    // The erasure path blanks diffs and nothing else, even for its own role.
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::query("set local role anrufe_audit")
        .execute(&mut *tx)
        .await
        .expect("the functions' role");
    let rewritten = sqlx::query(
        "update actions_audit set diff = '{\"note\": \"anders\"}', diff_erased_at = now() \
         where action_type = 'login'",
    )
    .execute(&mut *tx)
    .await;
    assert!(rewritten.is_err(), "an erasure may only blank a diff");
    drop(tx);

    // A superuser who writes into an erased diff is found.
    let position: i64 =
        sqlx::query_scalar("select min(chain_position) from actions_audit where call_id = $1")
            .bind(call)
            .fetch_one(&pool)
            .await
            .expect("position");
    tamper(
        &pool,
        &[&format!(
            "update actions_audit set diff = '{{\"note\": \"anders\"}}' where chain_position = {position}"
        )],
    )
    .await;
    let broken = verify(&pool).await.broken.expect("broken");
    assert_eq!(broken.chain_position, position);
    assert!(broken.reason.contains("erased"), "{}", broken.reason);
}

#[sqlx::test(migrations = "../migrations")]
async fn verification_names_the_first_edited_row(pool: PgPool) {
    do_everything(&pool).await;
    tamper(
        &pool,
        &["update actions_audit set occurred_at = occurred_at - interval '1 hour' where chain_position = 5"],
    )
    .await;
    let broken = verify(&pool).await.broken.expect("broken");
    assert_eq!(broken.chain_position, 5);
    assert!(broken.reason.contains("content"), "{}", broken.reason);
}

#[sqlx::test(migrations = "../migrations")]
async fn verification_finds_an_edited_diff(pool: PgPool) {
    do_everything(&pool).await;
    tamper(
        &pool,
        &["update actions_audit set diff = '{\"status\": \"DONE\"}' where chain_position = 3"],
    )
    .await;
    let broken = verify(&pool).await.broken.expect("broken");
    assert_eq!(broken.chain_position, 3);
    assert!(broken.reason.contains("diff"), "{}", broken.reason);
}

#[sqlx::test(migrations = "../migrations")]
async fn verification_finds_a_deleted_row(pool: PgPool) {
    do_everything(&pool).await;
    tamper(
        &pool,
        &["delete from actions_audit where chain_position = 4"],
    )
    .await;
    let broken = verify(&pool).await.broken.expect("broken");
    assert_eq!(broken.chain_position, 5, "the row after the gap");

    tamper(
        &pool,
        &["delete from actions_audit where chain_position < 4"],
    )
    .await;
    let broken = verify(&pool).await.broken.expect("broken");
    assert_eq!(broken.chain_position, 5);
    assert!(broken.reason.contains("retention"), "{}", broken.reason);
}

#[sqlx::test(migrations = "../migrations")]
async fn verification_finds_reordered_rows(pool: PgPool) {
    do_everything(&pool).await;
    tamper(
        &pool,
        &[
            "update actions_audit set chain_position = -1 where chain_position = 6",
            "update actions_audit set chain_position = 6 where chain_position = 7",
            "update actions_audit set chain_position = 7 where chain_position = -1",
        ],
    )
    .await;
    let broken = verify(&pool).await.broken.expect("broken");
    assert_eq!(broken.chain_position, 6);
}

fn server(url: &str, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATA_KEYS_FILE", common::data_keys_file())
        .args(args)
        .env("DATABASE_URL", url)
        // No anchors: the chain alone (tests/anchors.rs checks it against anchors).
        .env(
            "DATA_DIR",
            std::env::temp_dir().join("anrufe-tests-without-anchors"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("password");
    let output = child.wait_with_output().expect("exit");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

#[sqlx::test(migrations = "../migrations")]
async fn the_commands_add_a_user_and_verify_the_trail(pool: PgPool) {
    let url = common::runtime_url(&pool).await;
    let add = [
        "user",
        "add",
        "--email",
        "Neu@Praxis.example",
        "--name",
        "Neue Kollegin",
        "--role",
        "agent",
    ];
    let (ok, text) = server(&url, &add, "zu-kurz\n");
    assert!(!ok, "a short password is refused: {text}");
    assert!(text.contains("at least 12 characters"), "{text}");
    let (ok, text) = server(&url, &add, "ein-gutes-langes-passwort\n");
    assert!(ok, "{text}");
    let (_, session) = accounts::login(
        &pool,
        "neu@praxis.example",
        "ein-gutes-langes-passwort",
        FROM,
        SessionPolicy::default(),
    )
    .await
    .expect("the new user logs in");
    assert!(!session.is_empty());

    let (ok, text) = server(&url, &["audit", "verify"], "");
    assert!(ok, "{text}");
    assert!(text.contains("holds: 2 rows checked"), "{text}");

    tamper(
        &pool,
        &["update actions_audit set action_type = 'logout' where chain_position = 2"],
    )
    .await;
    let (ok, text) = server(&url, &["audit", "verify"], "");
    assert!(!ok, "a broken chain exits with 1");
    assert!(text.contains("broken at position 2"), "{text}");
}

//! The service layer: every change is versioned, audited, recorded in the status history and
//! announced once; a stale change is a conflict that loses nothing.

mod common;

use app::{
    audit::Actor,
    db::NOTIFY_CHANNEL,
    domain::{CallId, CallStatus, Role, UserId, Version},
    service::{self, ActionError, ChangeError},
};
use common::calls::{NewCall, insert_call, insert_user};
use sqlx::{PgPool, postgres::PgListener};

async fn audit_rows(pool: &PgPool, call_id: i64) -> Vec<(String, String, serde_json::Value)> {
    sqlx::query_as(
        "select action_type, actor_kind, diff from actions_audit where call_id = $1 order by id",
    )
    .bind(call_id)
    .fetch_all(pool)
    .await
    .expect("audit")
}

/// A logged-in agent making the change.
async fn agent(pool: &PgPool) -> Actor {
    Actor::User(common::login(pool, Role::Agent).await.user_id)
}

async fn history(pool: &PgPool, call_id: i64) -> Vec<String> {
    sqlx::query_scalar("select status::text from call_status where call_id = $1 order by id")
        .bind(call_id)
        .fetch_all(pool)
        .await
        .expect("history")
}

#[sqlx::test(migrations = "../migrations")]
async fn marking_done_writes_the_call_its_history_its_audit_and_one_notification(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    let mut listener = PgListener::connect_with(&pool).await.expect("listener");
    listener.listen(NOTIFY_CHANNEL).await.expect("listen");

    let call = service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        CallStatus::Done,
        Some(" erledigt am Telefon ".into()),
    )
    .await
    .expect("done");

    assert_eq!((call.status, call.version), (CallStatus::Done, 2));
    assert_eq!(history(&pool, id).await, ["DONE"]);
    let comment: Option<String> =
        sqlx::query_scalar("select comment from call_status where call_id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .expect("comment");
    assert_eq!(comment.as_deref(), Some("erledigt am Telefon"));
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(
        (audit[0].0.as_str(), audit[0].1.as_str()),
        ("status_change", "user")
    );
    assert_eq!(audit[0].2["status"]["old"], "NEW");
    assert_eq!(audit[0].2["status"]["new"], "DONE");
    let notification = listener.recv().await.expect("notification");
    assert_eq!(notification.payload(), format!(r#"{{"changed":[{id}]}}"#));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_change_on_a_stale_version_is_a_conflict_carrying_the_current_row(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        CallStatus::InProgress,
        None,
    )
    .await
    .expect("first change");

    let stale = service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        CallStatus::Done,
        None,
    )
    .await;

    match stale {
        Err(ChangeError::Conflict(current)) => {
            assert_eq!(
                (current.status, current.version),
                (CallStatus::InProgress, 2)
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        history(&pool, id).await,
        ["IN_PROGRESS"],
        "the stale change wrote nothing"
    );
    assert_eq!(audit_rows(&pool, id).await.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn marking_done_twice_is_harmless_even_with_an_old_version(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        CallStatus::Done,
        None,
    )
    .await
    .expect("done");

    let again = service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        CallStatus::Done,
        None,
    )
    .await
    .expect("done again");

    assert_eq!(again.version, 2, "no new version");
    assert_eq!(history(&pool, id).await, ["DONE"]);
    assert_eq!(audit_rows(&pool, id).await.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn undo_puts_the_previous_status_back_as_a_new_audited_change(pool: PgPool) {
    let id = insert_call(
        &pool,
        NewCall {
            status: "IN_PROGRESS",
            ..NewCall::default()
        },
    )
    .await;
    let done = service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        CallStatus::Done,
        None,
    )
    .await
    .expect("done");

    let undone = service::set_status(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(done.version),
        CallStatus::InProgress,
        None,
    )
    .await
    .expect("undo");

    assert_eq!((undone.status, undone.version), (CallStatus::InProgress, 3));
    assert_eq!(history(&pool, id).await, ["DONE", "IN_PROGRESS"]);
    assert_eq!(audit_rows(&pool, id).await.len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn calls_are_assigned_only_to_active_users(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;
    let anna = insert_user(&pool, "Anna Schmidt", true).await;
    let gone = insert_user(&pool, "Ex Kollege", false).await;

    let refused = service::assign(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        Some(UserId(gone)),
    )
    .await;
    assert!(
        matches!(
            refused,
            Err(ChangeError::Action(ActionError::Invalid {
                field: "assignee_id",
                ..
            }))
        ),
        "{refused:?}"
    );
    let unknown = service::assign(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        Some(UserId(anna + 100)),
    )
    .await;
    assert!(
        matches!(
            unknown,
            Err(ChangeError::Action(ActionError::Invalid { .. }))
        ),
        "{unknown:?}"
    );

    let call = service::assign(
        &pool,
        agent(&pool).await,
        CallId(id),
        Version(1),
        Some(UserId(anna)),
    )
    .await
    .expect("assign");
    assert_eq!(call.assignee_name.as_deref(), Some("Anna Schmidt"));
    assert_eq!(call.version, 2);
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "assign");
    assert_eq!(audit[0].2["assignee_id"]["new"], anna);

    let cleared = service::assign(&pool, agent(&pool).await, CallId(id), Version(2), None)
        .await
        .expect("unassign");
    assert_eq!(cleared.assignee_id, None);
}

#[sqlx::test(migrations = "../migrations")]
async fn notes_are_checked_stored_audited_and_searchable(pool: PgPool) {
    let id = insert_call(&pool, NewCall::default()).await;

    let empty = service::add_note(&pool, agent(&pool).await, CallId(id), "   ").await;
    assert!(
        matches!(empty, Err(ActionError::Invalid { field: "note", .. })),
        "{empty:?}"
    );
    let long = service::add_note(&pool, agent(&pool).await, CallId(id), &"x".repeat(4001)).await;
    assert!(matches!(long, Err(ActionError::Invalid { .. })), "{long:?}");
    let missing = service::add_note(&pool, agent(&pool).await, CallId(id + 1), "Hallo").await;
    assert!(
        matches!(missing, Err(ActionError::NotFound(_))),
        "{missing:?}"
    );

    let note = service::add_note(
        &pool,
        agent(&pool).await,
        CallId(id),
        " Patientin ruft wegen Laborwerten zurück ",
    )
    .await
    .expect("note");

    assert_eq!(note.body, "Patientin ruft wegen Laborwerten zurück");
    let audit = audit_rows(&pool, id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].2["note_id"]["new"], note.id);
    assert!(
        !audit[0].2.to_string().contains("Laborwert"),
        "no note text in the audit trail"
    );
    let found = app::db::calls::list(
        &pool,
        app::db::calls::Reader {
            policy: &app::domain::MaskingPolicy::OPEN,
            restricted: app::db::calls::Restricted::Hidden,
            folding: app::repeat::store::Folding::Each,
        },
        &app::domain::CallQuery {
            search: Some("Laborwerte".into()),
            ..Default::default()
        },
        app::domain::PageAt::First,
        app::db::calls::PAGE_SIZE,
        chrono::Utc::now(),
    )
    .await
    .expect("search");
    assert_eq!(found.items.len(), 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_bulk_change_applies_what_it_can_and_reports_the_rest(pool: PgPool) {
    let fresh = insert_call(&pool, NewCall::default()).await;
    let already = insert_call(
        &pool,
        NewCall {
            status: "DONE",
            ..NewCall::default()
        },
    )
    .await;
    let changed_meanwhile = insert_call(&pool, NewCall::default()).await;
    service::set_status(
        &pool,
        agent(&pool).await,
        CallId(changed_meanwhile),
        Version(1),
        CallStatus::InProgress,
        None,
    )
    .await
    .expect("someone else");
    let mut listener = PgListener::connect_with(&pool).await.expect("listener");
    listener.listen(NOTIFY_CHANNEL).await.expect("listen");

    let outcome = service::bulk_set_status(
        &pool,
        agent(&pool).await,
        &[
            (CallId(fresh), Version(1)),
            (CallId(already), Version(1)),
            (CallId(changed_meanwhile), Version(1)),
            (CallId(999_999), Version(1)),
        ],
        CallStatus::Done,
    )
    .await
    .expect("bulk");

    assert_eq!(
        outcome.changed.iter().map(|c| c.id).collect::<Vec<_>>(),
        [fresh]
    );
    assert_eq!(outcome.unchanged, [already]);
    assert_eq!(
        outcome.conflicts.iter().map(|c| c.id).collect::<Vec<_>>(),
        [changed_meanwhile]
    );
    assert_eq!(outcome.conflicts[0].status, CallStatus::InProgress);
    assert_eq!(outcome.missing, [999_999]);
    assert_eq!(history(&pool, changed_meanwhile).await, ["IN_PROGRESS"]);
    let notification = listener.recv().await.expect("one notification");
    assert_eq!(
        notification.payload(),
        format!(r#"{{"changed":[{fresh}]}}"#)
    );
}

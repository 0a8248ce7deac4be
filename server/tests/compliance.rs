//! The versions of the source policy on real PostgreSQL, as the runtime role: version 1 at the
//! first start, four eyes with no bypass, self-approval only where allowed, training impossible
//! down to SQL, approved versions immutable, rollback as a new draft, every change audited.

mod common;

use app::{
    compliance::{
        ComplianceError, approval,
        pii::RuleError,
        policy::{PolicyDocument, PolicyError},
        store,
        version::VersionState,
    },
    domain::{Invalid, Role},
};
use serde_json::json;
use sqlx::PgPool;

async fn admin(pool: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar(
        "insert into users (name, email, role) values ($1, $1 || '@praxis.test', 'ADMIN') returning id",
    )
    .bind(name)
    .fetch_one(pool)
    .await
    .expect("an admin")
}

fn with_llm(mut document: PolicyDocument) -> PolicyDocument {
    document.sources[0].operations.llm.allowed = true;
    document
}

fn refused_for(result: Result<String, ComplianceError>) -> Invalid {
    match result {
        Err(ComplianceError::Invalid { reason, .. }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn version_1_is_installed_once_with_the_phone_assistant_and_the_default_rules(pool: PgPool) {
    let runtime = common::runtime(&pool);

    let first = store::active(&runtime).await.expect("active policy");
    let again = store::active(&runtime).await.expect("active policy");

    assert_eq!(first.version, 1);
    assert_eq!(first.document, PolicyDocument::initial());
    assert_eq!(again.content_hash, first.content_hash);
    assert_eq!(
        common::count(
            &pool,
            "select count(*) from actions_audit where action_type = 'policy_approved'"
        )
        .await,
        1
    );
    let versions = store::versions(&runtime).await.expect("versions");
    assert_eq!(versions.len(), 1);
    assert!(versions[0].active && versions[0].decided_by.is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn neither_the_author_nor_the_last_editor_can_approve_a_third_admin_can(pool: PgPool) {
    let runtime = common::runtime(&pool);
    let (author, editor, approver) = (
        admin(&pool, "autorin").await,
        admin(&pool, "bearbeiter").await,
        admin(&pool, "pruefer").await,
    );
    let document = store::working_document(&runtime).await.expect("document");
    let version = approval::save_draft(&runtime, author, &with_llm(document.clone()))
        .await
        .expect("draft");
    assert_eq!(
        refused_for(approval::approve(&runtime, author, version).await),
        Invalid::FourEyes
    );
    let mut edited = with_llm(document);
    edited.sources[0].notes = "vom Bearbeiter ergänzt".to_owned();
    approval::save_draft(&runtime, editor, &edited)
        .await
        .expect("edited");
    for who in [author, editor] {
        assert_eq!(
            refused_for(approval::approve(&runtime, who, version).await),
            Invalid::FourEyes
        );
    }
    assert_eq!(store::active(&runtime).await.expect("active").version, 1);

    let hash = approval::approve(&runtime, approver, version)
        .await
        .expect("approved by a third admin");

    let active = store::active(&runtime).await.expect("active");
    assert_eq!((active.version, active.content_hash), (version, hash));
    assert_eq!(active.document, edited);
    assert_eq!(
        refused_for(approval::approve(&runtime, approver, version).await),
        Invalid::PolicyNotDraft
    );
    let versions = store::versions(&runtime).await.expect("versions");
    assert_eq!(versions[0].author.as_deref(), Some("autorin"));
    assert_eq!(versions[0].last_editor.as_deref(), Some("bearbeiter"));
    assert_eq!(versions[0].decided_by.as_deref(), Some("pruefer"));
    assert!(versions[0].active && !versions[1].active);
    assert!(
        app::audit::verify(&pool)
            .await
            .expect("verify")
            .broken
            .is_none()
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn the_only_admin_approves_their_own_draft_only_where_the_practice_allows_it(pool: PgPool) {
    let runtime = common::runtime(&pool);
    let only = common::login(&pool, Role::Admin).await.user_id;
    let document = with_llm(store::working_document(&runtime).await.expect("document"));
    let version = approval::save_draft(&runtime, only, &document)
        .await
        .expect("draft");
    assert_eq!(
        refused_for(approval::approve(&runtime, only, version).await),
        Invalid::FourEyes
    );

    approval::set_self_approval(&runtime, only, true)
        .await
        .expect("allowed");
    let second = admin(&pool, "zweite").await;
    assert_eq!(
        refused_for(approval::approve(&runtime, only, version).await),
        Invalid::FourEyes,
        "with a second admin, four eyes hold again"
    );
    sqlx::query("update users set is_active = false where id = $1")
        .bind(second)
        .execute(&pool)
        .await
        .expect("second admin deactivated");

    approval::approve(&runtime, only, version)
        .await
        .expect("self-approved");

    let versions = store::versions(&runtime).await.expect("versions");
    assert_eq!(versions[0].state, VersionState::Approved);
    assert!(versions[0].self_approved);
}

#[sqlx::test(migrations = "../migrations")]
async fn training_cannot_be_allowed_by_the_document_type_nor_by_sql(pool: PgPool) {
    let mut value = serde_json::to_value(PolicyDocument::initial()).expect("json");
    value["sources"][0]["operations"]["training"] =
        json!({"allowed": true, "needs_justification": false});
    let parsed = serde_json::from_value::<PolicyDocument>(value.clone());
    assert!(
        parsed
            .expect_err("refused")
            .to_string()
            .contains("training"),
        "the type has no field for training"
    );

    let runtime = common::runtime(&pool);
    let author = admin(&pool, "autorin").await;
    let document = store::working_document(&runtime).await.expect("document");
    approval::save_draft(&runtime, author, &with_llm(document))
        .await
        .expect("draft");
    // Even the superuser cannot put a training permission into a draft or a new version.
    let update = sqlx::query("update policy_versions set document = $1 where state = 'draft'")
        .bind(&value)
        .execute(&pool)
        .await
        .expect_err("refused");
    assert!(
        update
            .to_string()
            .contains("policy_versions_training_forbidden"),
        "{update}"
    );
    let insert = sqlx::query(
        "insert into policy_versions (version, state, document, content_hash, decided_at)
         values (99, 'approved', $1, '\\x00', now())",
    )
    .bind(&value)
    .execute(&pool)
    .await
    .expect_err("refused");
    assert!(
        insert
            .to_string()
            .contains("policy_versions_training_forbidden"),
        "{insert}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_approved_version_never_changes_and_no_version_is_deleted(pool: PgPool) {
    store::active(&common::runtime(&pool))
        .await
        .expect("version 1");

    let update = sqlx::query("update policy_versions set decision_note = 'x' where version = 1")
        .execute(&pool)
        .await
        .expect_err("refused");
    assert!(update.to_string().contains("cannot change"), "{update}");
    let delete = sqlx::query("delete from policy_versions")
        .execute(&pool)
        .await
        .expect_err("refused");
    assert!(delete.to_string().contains("cannot be deleted"), "{delete}");
    let runtime_delete = sqlx::query("delete from policy_versions")
        .execute(&common::runtime(&pool))
        .await
        .expect_err("refused");
    assert!(
        runtime_delete.to_string().contains("permission denied"),
        "{runtime_delete}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rollback_is_a_draft_with_the_old_content_that_still_needs_approval(pool: PgPool) {
    let runtime = common::runtime(&pool);
    let (a, b) = (admin(&pool, "a").await, admin(&pool, "b").await);
    let original = store::active(&runtime).await.expect("version 1");
    let document = store::working_document(&runtime).await.expect("document");
    let v2 = approval::save_draft(&runtime, a, &with_llm(document))
        .await
        .expect("draft");
    approval::approve(&runtime, b, v2).await.expect("v2");

    let v3 = approval::roll_back(&runtime, a, 1)
        .await
        .expect("rollback draft");

    assert_eq!(store::active(&runtime).await.expect("active").version, v2);
    assert!(matches!(
        approval::roll_back(&runtime, a, 1).await,
        Err(ComplianceError::Invalid {
            reason: Invalid::PolicyDraftExists,
            ..
        })
    ));
    approval::approve(&runtime, b, v3).await.expect("v3");
    let active = store::active(&runtime).await.expect("active");
    assert_eq!(active.version, v3);
    assert_eq!(
        active.content_hash, original.content_hash,
        "same content, same name"
    );
    let versions = store::versions(&runtime).await.expect("versions");
    assert_eq!(versions[0].based_on, Some(1));
    assert_eq!(
        common::count(
            &pool,
            "select count(*) from actions_audit where action_type = 'policy_rolled_back'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_rejected_draft_keeps_its_note_and_a_broken_rule_is_never_saved(pool: PgPool) {
    let runtime = common::runtime(&pool);
    let a = admin(&pool, "a").await;
    let mut document = store::working_document(&runtime).await.expect("document");
    document.pii_rules[0].pattern = "(unclosed".to_owned();

    let broken = approval::save_draft(&runtime, a, &document).await;

    match broken {
        Err(ComplianceError::Policy(PolicyError::Rule(RuleError::PatternInvalid {
            message,
            ..
        }))) => {
            assert!(message.contains("unclosed group"), "{message}");
        }
        other => panic!("expected the compiler's message, got {other:?}"),
    }
    assert_eq!(
        common::count(&pool, "select count(*) from policy_versions").await,
        1
    );

    let version = approval::save_draft(
        &runtime,
        a,
        &with_llm(store::working_document(&runtime).await.expect("doc")),
    )
    .await
    .expect("draft");
    assert!(matches!(
        approval::reject(&runtime, a, version, "x").await,
        Err(ComplianceError::Invalid {
            reason: Invalid::ReasonLength,
            ..
        })
    ));
    approval::reject(&runtime, a, version, "LLM erst nach Schulung")
        .await
        .expect("rejected by its author");
    let versions = store::versions(&runtime).await.expect("versions");
    assert_eq!(versions[0].state, VersionState::Rejected);
    assert_eq!(versions[0].decision_note, "LLM erst nach Schulung");
    assert_eq!(store::active(&runtime).await.expect("active").version, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_export_the_matrix_forbids_is_refused_and_logged_without_content(pool: PgPool) {
    use app::{
        audit::Actor,
        domain::CallId,
        dsgvo::{DsgvoError, Subject, export},
    };
    let runtime = common::runtime(&pool);
    let (a, b) = (admin(&pool, "a").await, admin(&pool, "b").await);
    let call = common::calls::personal_call(&pool).await;
    export::export(
        &runtime,
        Actor::User(a),
        &Subject::Call(CallId(call)),
        "Auskunft",
    )
    .await
    .expect("allowed by version 1");
    let mut document = store::working_document(&runtime).await.expect("document");
    document.sources[0].operations.export.allowed = false;
    let version = approval::save_draft(&runtime, a, &document)
        .await
        .expect("draft");
    approval::approve(&runtime, b, version)
        .await
        .expect("approved");

    let refused = export::export(
        &runtime,
        Actor::User(a),
        &Subject::Call(CallId(call)),
        "Auskunft",
    )
    .await;

    assert!(
        matches!(refused, Err(DsgvoError::Refused(_))),
        "{refused:?}"
    );
    let logged: (String, String, String, i32, i64) = sqlx::query_as(
        "select source, reason, operation, policy_version, actor_id from blocked_content_log",
    )
    .fetch_one(&pool)
    .await
    .expect("one blocked entry");
    assert_eq!(
        logged,
        (
            "phone".into(),
            "operation_not_allowed".into(),
            "export".into(),
            version,
            a
        )
    );
    assert_eq!(
        common::count(
            &pool,
            "select count(*) from actions_audit where action_type = 'dsgvo_exported'"
        )
        .await,
        1,
        "only the allowed export"
    );
}

//! Changing the source policy: the one draft, and the four-eyes approval that makes it the
//! active version (or the rejection that ends it). Every step is an audit row in the same
//! transaction.

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::{
    ComplianceError,
    policy::PolicyDocument,
    store::{
        ActivePolicy, content_hash, document_json, lock, publish, stored_document, working_in,
    },
    version::VersionState,
};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Invalid},
};

/// Writes `document` as the draft: changes the draft there is, or starts one from the active
/// version. Returns the draft's version.
pub async fn save_draft(
    pool: &PgPool,
    admin: i64,
    document: &PolicyDocument,
) -> Result<i32, ComplianceError> {
    edit_draft(pool, admin, |working| {
        working.clone_from(document);
        Ok(())
    })
    .await
}

/// Changes the working document (the draft, or the active version when there is none) with
/// `edit` and writes the result as the draft, under the policy lock, so that two admins' edits
/// never overwrite each other. Returns the draft's version.
pub async fn edit_draft(
    pool: &PgPool,
    admin: i64,
    edit: impl FnOnce(&mut PolicyDocument) -> Result<(), ComplianceError>,
) -> Result<i32, ComplianceError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    let mut document = working_in(&mut tx).await?;
    edit(&mut document)?;
    document.check()?;
    let value = document_json(&document);
    let changed = sqlx::query_scalar!(
        "update policy_versions set document = $1, last_editor_id = $2, updated_at = now()
         where state = 'draft' returning version",
        value,
        admin
    )
    .fetch_optional(&mut *tx)
    .await?;
    let version = match changed {
        Some(version) => version,
        None => {
            sqlx::query_scalar!(
                r#"insert into policy_versions (version, state, document, based_on, author_id, last_editor_id)
                   select coalesce(max(version), 0) + 1, 'draft', $1,
                          (select max(version) from policy_versions where state = 'approved'), $2, $2
                   from policy_versions
                   returning version"#,
                value,
                admin
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    audit::record(
        &mut tx,
        Actor::User(admin),
        AuditAction::PolicyDrafted,
        None,
        json!({ "version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Approves draft `version`, which makes it the active version, immutable and hashed. The
/// approver must be another admin than the draft's author and last editor, unless the practice
/// allowed self-approval and there is only one active admin.
pub async fn approve(pool: &PgPool, admin: i64, version: i32) -> Result<String, ComplianceError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    let draft = draft_row(&mut tx, version).await?;
    let own = Some(admin) == draft.author_id || Some(admin) == draft.last_editor_id;
    let self_approved = own && self_approval_allowed(&mut tx).await?;
    if own && !self_approved {
        return Err(ComplianceError::invalid("version", Invalid::FourEyes));
    }
    let document = stored_document(version, draft.document)?;
    let hash = content_hash(&document);
    let policy = ActivePolicy::new(version, document)?;
    let configured = sqlx::query_scalar!(r#"select retention_days() as "days!""#)
        .fetch_one(&mut *tx)
        .await?;
    if i32::from(policy.document.retention_days) < configured {
        return Err(ComplianceError::invalid(
            "version",
            Invalid::PolicyRetentionBelowServer,
        ));
    }
    sqlx::query!(
        "update policy_versions
         set state = 'approved', decided_by = $2, decided_at = now(), content_hash = $3,
             self_approved = $4
         where version = $1",
        version,
        admin,
        &hash,
        self_approved
    )
    .execute(&mut *tx)
    .await?;
    publish(&mut tx, &policy).await?;
    let hash = hex::encode(hash);
    audit::record(
        &mut tx,
        Actor::User(admin),
        AuditAction::PolicyApproved,
        None,
        json!({ "version": version, "content_hash": hash, "self_approved": self_approved }),
    )
    .await?;
    tx.commit().await?;
    Ok(hash)
}

/// Rejects draft `version` with a note; any admin may, its author too (to withdraw it).
pub async fn reject(
    pool: &PgPool,
    admin: i64,
    version: i32,
    note: &str,
) -> Result<(), ComplianceError> {
    let note = super::reason("note", note)?;
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    draft_row(&mut tx, version).await?;
    sqlx::query!(
        "update policy_versions
         set state = 'rejected', decided_by = $2, decided_at = now(), decision_note = $3
         where version = $1",
        version,
        admin,
        note
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Actor::User(admin),
        AuditAction::PolicyRejected,
        None,
        json!({ "version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Starts a draft with the content of approved version `from` (a rollback); it still needs
/// approval. Refused while another draft is open.
pub async fn roll_back(pool: &PgPool, admin: i64, from: i32) -> Result<i32, ComplianceError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    let open = sqlx::query_scalar!("select version from policy_versions where state = 'draft'")
        .fetch_optional(&mut *tx)
        .await?;
    if open.is_some() {
        return Err(ComplianceError::invalid(
            "version",
            Invalid::PolicyDraftExists,
        ));
    }
    let version = sqlx::query_scalar!(
        r#"insert into policy_versions (version, state, document, based_on, author_id, last_editor_id)
           select (select max(version) + 1 from policy_versions), 'draft', document, version, $2, $2
           from policy_versions where version = $1 and state = 'approved'
           returning version"#,
        from,
        admin
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ComplianceError::NotFound)?;
    audit::record(
        &mut tx,
        Actor::User(admin),
        AuditAction::PolicyRolledBack,
        None,
        json!({ "version": version, "from": from }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Allows or forbids the only admin to approve their own drafts.
pub async fn set_self_approval(
    pool: &PgPool,
    admin: i64,
    allow: bool,
) -> Result<(), ComplianceError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "update compliance_settings set allow_self_approval = $1, updated_at = now()",
        allow
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Actor::User(admin),
        AuditAction::SelfApprovalChanged,
        None,
        json!({ "allow": allow }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the practice allows its only admin to approve their own drafts.
pub async fn self_approval_setting(pool: &PgPool) -> Result<bool, ComplianceError> {
    Ok(
        sqlx::query_scalar!("select allow_self_approval from compliance_settings")
            .fetch_one(pool)
            .await?,
    )
}

/// Self-approval counts only while the practice allows it and has a single active admin.
async fn self_approval_allowed(tx: &mut PgConnection) -> Result<bool, ComplianceError> {
    Ok(sqlx::query_scalar!(
        r#"select allow_self_approval and
                  (select count(*) from users where role = 'ADMIN' and is_active and not is_service) = 1
                  as "allowed!"
           from compliance_settings"#
    )
    .fetch_one(&mut *tx)
    .await?)
}

struct DraftRow {
    author_id: Option<i64>,
    last_editor_id: Option<i64>,
    document: serde_json::Value,
}

async fn draft_row(tx: &mut PgConnection, version: i32) -> Result<DraftRow, ComplianceError> {
    let row = sqlx::query!(
        "select state, author_id, last_editor_id, document from policy_versions where version = $1",
        version
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ComplianceError::NotFound)?;
    if row.state != VersionState::Draft.code() {
        return Err(ComplianceError::invalid("version", Invalid::PolicyNotDraft));
    }
    Ok(DraftRow {
        author_id: row.author_id,
        last_editor_id: row.last_editor_id,
        document: row.document,
    })
}

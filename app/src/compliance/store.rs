//! The versions of the source policy in the database: the active one (installing version 1 at
//! the first start), the one draft, and the four-eyes approval. Every change is an audit row in
//! the same transaction.

use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use super::{
    ComplianceError,
    pii::PiiRules,
    policy::{Operations, PolicyDocument, PolicyError, Source},
    version::{PolicyVersion, VersionState},
};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Invalid},
};

/// The version in force, checked and compiled: what the enforcer decides with.
#[derive(Clone, Debug)]
pub struct ActivePolicy {
    pub version: i32,
    pub content_hash: String,
    pub document: PolicyDocument,
    pub rules: PiiRules,
}

impl ActivePolicy {
    /// Checks `document` and compiles its rules, as version `version`.
    pub fn new(version: i32, document: PolicyDocument) -> Result<Self, PolicyError> {
        let rules = document.check()?;
        Ok(Self {
            version,
            content_hash: hex::encode(content_hash(&document)),
            document,
            rules,
        })
    }
}

/// The active version. At the very first start there is none: version 1 is installed then,
/// approved by the system, from the sources allowed before (or the phone assistant alone).
pub async fn active(pool: &PgPool) -> Result<ActivePolicy, ComplianceError> {
    if let Some(policy) = read_active(pool).await? {
        return Ok(policy);
    }
    install(pool).await?;
    read_active(pool).await?.ok_or(ComplianceError::NotFound)
}

async fn read_active(pool: &PgPool) -> Result<Option<ActivePolicy>, ComplianceError> {
    let Some(row) = sqlx::query!(
        r#"select version, document, content_hash as "content_hash!" from policy_versions
           where state = 'approved' order by version desc limit 1"#
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let document = stored_document(row.version, row.document)?;
    let policy = ActivePolicy::new(row.version, document)
        .map_err(|error| ComplianceError::Stored(row.version, error.to_string()))?;
    if policy.content_hash != hex::encode(&row.content_hash) {
        return Err(ComplianceError::Stored(
            row.version,
            "its content does not match the hash it was approved with".to_owned(),
        ));
    }
    Ok(Some(policy))
}

async fn install(pool: &PgPool) -> Result<(), ComplianceError> {
    let mut tx = pool.begin().await?;
    let mut document = PolicyDocument::initial();
    let earlier = sqlx::query!(
        r#"select name as "name!", display_name as "display_name!", legal_basis as "legal_basis!",
                  notes as "notes!", is_active as "is_active!"
           from policy_install_sources order by name"#
    )
    .fetch_all(&mut *tx)
    .await?;
    if !earlier.is_empty() {
        document.sources = earlier
            .into_iter()
            .map(|row| Source {
                id: row.name,
                name: row.display_name,
                legal_basis: row.legal_basis,
                notes: row.notes,
                active: row.is_active,
                operations: Operations::DEFAULT,
            })
            .collect();
    }
    let hash = content_hash(&document);
    let installed = sqlx::query!(
        "insert into policy_versions (version, state, document, content_hash, decided_at)
         values (1, 'approved', $1, $2, now())
         on conflict on constraint policy_versions_pkey do nothing",
        document_json(&document),
        &hash,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if installed == 1 {
        sqlx::query!("delete from policy_install_sources")
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            Actor::System,
            AuditAction::PolicyApproved,
            None,
            json!({ "version": 1, "content_hash": hex::encode(&hash), "installed": true }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every version, newest first.
pub async fn versions(pool: &PgPool) -> Result<Vec<PolicyVersion>, ComplianceError> {
    let rows = sqlx::query!(
        r#"select v.version, v.state, v.document, v.based_on, v.self_approved, v.content_hash,
                  v.decision_note, v.created_at, v.updated_at, v.decided_at,
                  a.name as "author?", e.name as "last_editor?", d.name as "decided_by?",
                  v.version = (select max(version) from policy_versions where state = 'approved')
                      as "active!"
           from policy_versions v
           left join users a on a.id = v.author_id
           left join users e on e.id = v.last_editor_id
           left join users d on d.id = v.decided_by
           order by v.version desc"#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(PolicyVersion {
                version: row.version,
                state: VersionState::from_code(&row.state)
                    .ok_or_else(|| ComplianceError::Stored(row.version, row.state.clone()))?,
                active: row.active,
                based_on: row.based_on,
                author: row.author,
                last_editor: row.last_editor,
                decided_by: row.decided_by,
                self_approved: row.self_approved,
                content_hash: row.content_hash.map(hex::encode),
                decision_note: row.decision_note,
                created_at: row.created_at,
                updated_at: row.updated_at,
                decided_at: row.decided_at,
                document: stored_document(row.version, row.document)?,
            })
        })
        .collect()
}

/// Writes `document` as the draft: changes the draft there is, or starts one from the active
/// version. Returns the draft's version.
pub async fn save_draft(
    pool: &PgPool,
    admin: i64,
    document: &PolicyDocument,
) -> Result<i32, ComplianceError> {
    document.check()?;
    let value = document_json(document);
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
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

/// The draft's document if there is a draft, else the active version's: what a change starts
/// from.
pub async fn working_document(pool: &PgPool) -> Result<PolicyDocument, ComplianceError> {
    let draft = sqlx::query!("select version, document from policy_versions where state = 'draft'")
        .fetch_optional(pool)
        .await?;
    match draft {
        Some(row) => stored_document(row.version, row.document),
        None => Ok(active(pool).await?.document),
    }
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
    document.check()?;
    let hash = content_hash(&document);
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

/// Policy changes take turns, so a draft is never changed while it is approved.
async fn lock(tx: &mut PgConnection) -> Result<(), ComplianceError> {
    sqlx::query!("lock table policy_versions in share row exclusive mode")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

fn stored_document(
    version: i32,
    value: serde_json::Value,
) -> Result<PolicyDocument, ComplianceError> {
    serde_json::from_value(value)
        .map_err(|error| ComplianceError::Stored(version, error.to_string()))
}

/// The document as JSON (object keys sorted, so equal documents give equal text). Plain structs
/// with string keys always serialise.
fn document_json(document: &PolicyDocument) -> serde_json::Value {
    serde_json::to_value(document).expect("a policy document serialises")
}

/// SHA-256 over the document's JSON (fields in their declared order): the version's name.
pub fn content_hash(document: &PolicyDocument) -> Vec<u8> {
    Sha256::digest(document_json(document).to_string()).to_vec()
}

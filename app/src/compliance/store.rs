//! The versions of the source policy in the database: the active one (installing version 1 at
//! the first start), all of them, and the document a change starts from. Changes are in
//! [`super::approval`].

use std::sync::{Mutex, PoisonError};

use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};

use super::{
    ComplianceError,
    pii::PiiRules,
    policy::{Operation, Operations, PolicyDocument, PolicyError, Source},
    version::{PolicyVersion, VersionState},
};
use crate::{
    audit::{self, Actor},
    domain::{AuditAction, Retention},
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

/// What a server or importer checks at start: the active version (installing version 1 at the
/// very first start), and that the retention period it is configured with (`RETENTION_DAYS`) is
/// not longer than the policy's, which it may never be.
pub async fn at_start(
    pool: &PgPool,
    retention: Retention,
) -> Result<ActivePolicy, ComplianceError> {
    let policy = active(pool).await?;
    let allowed = policy.document.retention_days;
    if retention.days() > allowed {
        return Err(ComplianceError::RetentionTooLong {
            configured: retention.days(),
            allowed,
            version: policy.version,
        });
    }
    Ok(policy)
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
    let hash = hex::encode(&row.content_hash);
    if let Some(policy) = compiled(row.version, &hash, &document) {
        return Ok(Some(policy));
    }
    let policy = ActivePolicy::new(row.version, document)
        .map_err(|error| ComplianceError::Stored(row.version, error.to_string()))?;
    if policy.content_hash != hash {
        return Err(ComplianceError::Stored(
            row.version,
            "its content does not match the hash it was approved with".to_owned(),
        ));
    }
    *COMPILED.lock().unwrap_or_else(PoisonError::into_inner) = Some(policy.clone());
    Ok(Some(policy))
}

/// The active version as last compiled. Reading the active version is one small query;
/// compiling its rules takes far longer, and the importer asks several times a second.
static COMPILED: Mutex<Option<ActivePolicy>> = Mutex::new(None);

/// The compiled policy, if it was compiled from exactly this version, hash and content (the
/// content is compared at every read, so a document changed behind the triggers is still
/// caught by the hash check).
fn compiled(version: i32, hash: &str, document: &PolicyDocument) -> Option<ActivePolicy> {
    COMPILED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .filter(|policy| {
            policy.version == version && policy.content_hash == hash && policy.document == *document
        })
        .cloned()
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
        let policy = ActivePolicy::new(1, document)?;
        publish(&mut tx, &policy).await?;
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
                  v.author_id, v.last_editor_id,
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
                author_id: row.author_id,
                author: row.author,
                last_editor_id: row.last_editor_id,
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

/// The draft's document if there is a draft, else the active version's: what a change starts
/// from.
pub async fn working_document(pool: &PgPool) -> Result<PolicyDocument, ComplianceError> {
    active(pool).await?;
    working_in(&mut *pool.acquire().await?).await
}

/// [`working_document`] on `conn`, e.g. in the transaction of a change.
pub(super) async fn working_in(conn: &mut PgConnection) -> Result<PolicyDocument, ComplianceError> {
    let row = sqlx::query!(
        "select version, document from policy_versions
         where state = 'draft'
            or version = (select max(version) from policy_versions where state = 'approved')
         order by state = 'draft' desc
         limit 1"
    )
    .fetch_optional(conn)
    .await?
    .ok_or(ComplianceError::NotFound)?;
    stored_document(row.version, row.document)
}

/// Writes `policy`'s sources to `policy_sources`, which every read of calls follows: the display
/// name shown for a call, and whether agents may see its calls (the enforcer allows `lookup`
/// without a justification). Runs in the transaction that makes `policy` the active version.
pub(super) async fn publish(tx: &mut PgConnection, policy: &ActivePolicy) -> sqlx::Result<()> {
    let sources = &policy.document.sources;
    let ids: Vec<&str> = sources.iter().map(|source| source.id.as_str()).collect();
    let names: Vec<&str> = sources.iter().map(|source| source.name.as_str()).collect();
    let agents_see: Vec<bool> = sources
        .iter()
        .map(|source| policy.decide(&source.id, Operation::Lookup, None).is_ok())
        .collect();
    sqlx::query!("delete from policy_sources")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into policy_sources (source, name, agents_see)
         select * from unnest($1::text[], $2::text[], $3::boolean[])",
        &ids as &[&str],
        &names as &[&str],
        &agents_see
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Policy changes take turns, so a draft is never changed while it is approved.
pub(super) async fn lock(tx: &mut PgConnection) -> Result<(), ComplianceError> {
    sqlx::query!("lock table policy_versions in share row exclusive mode")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub(super) fn stored_document(
    version: i32,
    value: serde_json::Value,
) -> Result<PolicyDocument, ComplianceError> {
    serde_json::from_value(value)
        .map_err(|error| ComplianceError::Stored(version, error.to_string()))
}

/// The document as JSON (object keys sorted, so equal documents give equal text). Plain structs
/// with string keys always serialise.
pub(super) fn document_json(document: &PolicyDocument) -> serde_json::Value {
    serde_json::to_value(document).expect("a policy document serialises")
}

/// SHA-256 over the document's JSON (fields in their declared order): the version's name.
pub fn content_hash(document: &PolicyDocument) -> Vec<u8> {
    Sha256::digest(document_json(document).to_string()).to_vec()
}

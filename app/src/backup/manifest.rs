//! What a backup holds, written into it when it is made: the schema version, the rows of each
//! table and the audit chain's head. The drill compares a restored copy with it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

/// The tables whose rows a manifest counts: everything about calls, people and the policy.
const COUNTED: &[&str] = &[
    "calls",
    "call_status",
    "notes",
    "dead_letters",
    "actions_audit",
    "pii_reveals",
    "users",
    "api_tokens",
    "policy_versions",
    "erased_events",
    "erased_callers",
    "purge_runs",
    "blocked_content_log",
];

/// The format a backup's first line names.
pub(super) const FORMAT: &str = "anrufe.backup.v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub taken_at: DateTime<Utc>,
    /// The newest migration the database had.
    pub schema_version: i64,
    /// Rows per table.
    pub counts: BTreeMap<String, i64>,
    /// The audit chain's last row; none in a database without audit rows.
    pub audit_head: Option<AuditHead>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub position: i64,
    /// Its row hash, hex.
    pub hash: String,
}

impl Manifest {
    /// The manifest of the database `conn` sees (in a backup: the snapshot `pg_dump` reads).
    pub async fn of(conn: &mut PgConnection) -> sqlx::Result<Self> {
        // sqlx's own table, which the compile-time checks do not know.
        let schema_version: i64 = sqlx::query_scalar(
            "select coalesce(max(version), 0) from _sqlx_migrations where success",
        )
        .fetch_one(&mut *conn)
        .await?;
        let mut counts = BTreeMap::new();
        for table in COUNTED {
            let rows: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
                .fetch_one(&mut *conn)
                .await?;
            counts.insert((*table).to_owned(), rows);
        }
        let audit_head = sqlx::query!(
            r#"select chain_position as "position!", encode(row_hash, 'hex') as "hash!"
               from actions_audit order by chain_position desc limit 1"#
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| AuditHead {
            position: row.position,
            hash: row.hash,
        });
        Ok(Self {
            format: FORMAT.to_owned(),
            taken_at: Utc::now(),
            schema_version,
            counts,
            audit_head,
        })
    }

    /// How `found` (a restored copy) differs from this manifest, in words; empty when it
    /// matches. The time it was taken is not compared.
    pub fn differences(&self, found: &Self) -> Vec<String> {
        let mut differences = Vec::new();
        if self.schema_version != found.schema_version {
            differences.push(format!(
                "schema version {} instead of {}",
                found.schema_version, self.schema_version
            ));
        }
        for (table, rows) in &self.counts {
            let restored = found.counts.get(table).copied().unwrap_or(0);
            if restored != *rows {
                differences.push(format!("{table}: {restored} rows instead of {rows}"));
            }
        }
        if self.audit_head != found.audit_head {
            let head = |head: &Option<AuditHead>| {
                head.as_ref().map_or_else(
                    || "none".to_owned(),
                    |head| {
                        format!(
                            "{} ({})",
                            head.position,
                            &head.hash[..head.hash.len().min(12)]
                        )
                    },
                )
            };
            differences.push(format!(
                "audit head {} instead of {}",
                head(&found.audit_head),
                head(&self.audit_head)
            ));
        }
        differences
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(calls: i64, head: i64) -> Manifest {
        Manifest {
            format: FORMAT.to_owned(),
            taken_at: Utc::now(),
            schema_version: 36,
            counts: BTreeMap::from([("calls".to_owned(), calls), ("notes".to_owned(), 2)]),
            audit_head: Some(AuditHead {
                position: head,
                hash: "3be23d4cd0d0aa".to_owned(),
            }),
        }
    }

    #[test]
    fn differences_name_each_table_and_the_audit_head() {
        let taken = manifest(120, 40);
        assert!(taken.differences(&manifest(120, 40)).is_empty());
        assert_eq!(
            taken.differences(&manifest(119, 39)),
            vec![
                "calls: 119 rows instead of 120".to_owned(),
                "audit head 39 (3be23d4cd0d0) instead of 40 (3be23d4cd0d0)".to_owned(),
            ]
        );
    }
}

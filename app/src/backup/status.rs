//! Where backups stand, read from the runs the jobs and commands recorded (`job_runs`): for
//! the admin area and the metrics.

use sqlx::PgPool;

use crate::domain::{BackupDone, BackupStatus, DrillDone, JobFailure};

/// The job that writes backups, as `job_runs` names it.
pub const BACKUP_JOB: &str = "backup";
/// The restore drill, as `job_runs` names it.
pub const DRILL_JOB: &str = "restore-drill";

pub async fn status(pool: &PgPool) -> sqlx::Result<BackupStatus> {
    let last_backup = sqlx::query!(
        r#"select finished_at as "at!", detail ->> 'file' as "file!",
                  (detail ->> 'bytes')::bigint as "bytes!"
           from job_runs where job = $1 and outcome = 'ok' and detail ? 'file'
           order by finished_at desc limit 1"#,
        BACKUP_JOB
    )
    .fetch_optional(pool)
    .await?
    .map(|row| BackupDone {
        at: row.at,
        file: row.file,
        bytes: row.bytes,
    });
    let failed_since = sqlx::query!(
        r#"select finished_at as "at!", coalesce(error, '') as "error!"
           from job_runs where job = $1 and outcome = 'failed'
             and ($2::timestamptz is null or finished_at > $2)
           order by finished_at desc limit 1"#,
        BACKUP_JOB,
        last_backup.as_ref().map(|done| done.at)
    )
    .fetch_optional(pool)
    .await?;
    let failed_since = failed_since.map(|row| JobFailure {
        at: row.at,
        error: row.error,
    });
    let last_drill = sqlx::query!(
        r#"select finished_at as "at!", detail ->> 'file' as file, error
           from job_runs where job = $1 and outcome is not null
           order by finished_at desc limit 1"#,
        DRILL_JOB
    )
    .fetch_optional(pool)
    .await?
    .map(|row| DrillDone {
        at: row.at,
        file: row.file,
        error: row.error,
    });
    let now = chrono::Utc::now();
    Ok(BackupStatus {
        backup_overdue: last_backup
            .as_ref()
            .is_none_or(|done| now - done.at > chrono::TimeDelta::hours(26)),
        drill_overdue: last_drill.as_ref().is_none_or(|drill| {
            drill.error.is_some() || now - drill.at > chrono::TimeDelta::days(8)
        }),
        last_backup,
        failed_since,
        last_drill,
    })
}

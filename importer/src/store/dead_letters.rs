//! Rejected lines, kept once each, and refused sources logged as blocked content.

use app::at_rest;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::Position;
use crate::validate::Rejection;

/// How much of a rejected line is kept in its dead letter.
const DEAD_LETTER_RAW_BYTES: usize = 16 * 1024;

/// A rejected line as it will be kept (sealed, see `app::at_rest`: it may hold a date of
/// birth).
#[derive(Debug)]
pub(super) struct DeadLetter {
    at: Position,
    pub(super) rejection: Rejection,
    raw: Vec<u8>,
    truncated: bool,
    /// Of the whole line as read, so that reading a file again stores no second copy.
    sha256: Vec<u8>,
}

impl DeadLetter {
    /// `at` is where the rejected `line` starts.
    pub(super) fn new(at: Position, rejection: Rejection, line: &[u8]) -> Self {
        Self {
            at,
            rejection,
            raw: line[..line.len().min(DEAD_LETTER_RAW_BYTES)].to_vec(),
            truncated: line.len() > DEAD_LETTER_RAW_BYTES,
            sha256: Sha256::digest(line).to_vec(),
        }
    }
}

/// Stores rejected lines not stored before, and logs what the source policy refused as blocked
/// content.
pub(super) async fn insert_dead_letters(
    tx: &mut PgConnection,
    file_name: &str,
    letters: &[DeadLetter],
) -> sqlx::Result<()> {
    if letters.is_empty() {
        return Ok(());
    }
    let line_numbers: Vec<i64> = letters.iter().map(|d| d.at.line_number + 1).collect();
    let offsets: Vec<i64> = letters.iter().map(|d| d.at.byte_offset).collect();
    let reasons: Vec<&str> = letters.iter().map(|d| d.rejection.reason.code()).collect();
    let details: Vec<&str> = letters
        .iter()
        .map(|d| d.rejection.detail.as_str())
        .collect();
    let raws = letters
        .iter()
        .map(|d| at_rest::seal_line(&d.raw))
        .collect::<Result<Vec<String>, _>>()?;
    let truncated: Vec<bool> = letters.iter().map(|d| d.truncated).collect();
    let hashes: Vec<&[u8]> = letters.iter().map(|d| d.sha256.as_slice()).collect();
    let blocked: Vec<Option<&str>> = letters
        .iter()
        .map(|d| d.rejection.blocked.as_ref().map(|b| b.source.as_str()))
        .collect();
    let rules: Vec<Option<&str>> = letters
        .iter()
        .map(|d| d.rejection.blocked.as_ref().and_then(|b| b.rule.as_deref()))
        .collect();
    let versions: Vec<Option<i32>> = letters
        .iter()
        .map(|d| d.rejection.blocked.as_ref().map(|b| b.policy_version))
        .collect();
    sqlx::query!(
        "with input as (
             select * from unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                  $7::bool[], $8::bytea[], $9::text[], $10::text[],
                                  $11::int[])
                 as u(line_number, byte_offset, reason, detail, raw_line_sealed, raw_truncated,
                      raw_sha256, blocked_source, rule, policy_version)
         ),
         stored as (
             insert into dead_letters (file_name, line_number, byte_offset, reason, detail,
                                       raw_line_sealed, raw_truncated, raw_sha256)
             select $1, line_number, byte_offset, reason, detail, raw_line_sealed, raw_truncated,
                    raw_sha256
             from input
             on conflict on constraint dead_letters_line_key do nothing
             returning byte_offset
         )
         insert into blocked_content_log (source, reason, file_name, line_number, rule, policy_version)
         select input.blocked_source, input.reason, $1, input.line_number, input.rule,
                input.policy_version
         from input join stored using (byte_offset)
         where input.blocked_source is not null",
        file_name,
        &line_numbers,
        &offsets,
        &reasons as &[&str],
        &details as &[&str],
        &raws,
        &truncated,
        &hashes as &[&[u8]],
        &blocked as &[Option<&str>],
        &rules as &[Option<&str>],
        &versions as &[Option<i32>],
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

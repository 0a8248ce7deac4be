//! The kinds of entries in the audit trail, and who makes them.

use serde::{Deserialize, Serialize};

/// Who made an audit row, as stored in `actions_audit.actor_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(sqlx::Type, utoipa::ToSchema))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "text", rename_all = "lowercase")
)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A person, or a program with one of their (or a service account's) API tokens.
    User,
    /// The importer, storing what the phone assistant wrote.
    Importer,
    /// The server itself or its administration commands.
    System,
    /// Nobody logged in, e.g. a failed login.
    Anonymous,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Importer => "importer",
            Self::System => "system",
            Self::Anonymous => "anonymous",
        }
    }
}

/// What an audit row records. The machine names are stored in `actions_audit.action_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The importer changed a call's data (a corrected line for the same call).
    Edit,
    StatusChange,
    Assign,
    Note,
    Login,
    LoginFailed,
    Logout,
    /// An admin ended a user's sessions.
    SessionsEnded,
    UserCreated,
    UserChanged,
    TokenCreated,
    TokenRevoked,
    /// The retention path removed the oldest audit rows.
    AuditPruned,
    /// An admin changed what agents see of callers' personal data.
    MaskingChanged,
    /// Someone revealed a masked field of a call, giving a reason.
    FieldRevealed,
    /// A reveal was refused: the person had reached the hourly limit.
    RevealRefused,
    /// An admin exported (part of) the audit log.
    AuditExported,
    /// The diffs of a call's audit rows were erased (`actions_audit_erase_diffs`).
    DiffsErased,
    /// A run of the retention purge (or its dry run) ended; the diff holds its counts.
    RetentionPurged,
    /// An admin exported a call's or a caller's data (Art. 15/20), with a reason.
    DsgvoExported,
    /// An admin erased a call or a caller (Art. 17); the diff holds counts and the reason.
    DsgvoErased,
    /// An admin restricted a call (Sperrvermerk, Art. 18), with a reason.
    CallRestricted,
    /// An admin lifted a call's restriction.
    RestrictionLifted,
    /// An admin set a legal hold on a restricted call: kept past the retention period.
    LegalHoldSet,
    /// An admin ended a call's legal hold.
    LegalHoldEnded,
    /// An admin started or changed the draft of the source policy.
    PolicyDrafted,
    /// A version of the source policy was approved and became active.
    PolicyApproved,
    /// An admin rejected the draft of the source policy.
    PolicyRejected,
    /// An admin started a draft from an older version (a rollback).
    PolicyRolledBack,
    /// An admin allowed or forbade the only admin to approve their own drafts.
    SelfApprovalChanged,
    /// An admin exported the compliance report (JSON or PDF).
    ComplianceReportExported,
    /// `server keys rotate` brought the stored dates of birth under the active data key.
    DataKeysRotated,
    /// `server backup restore` restored a backup; the purge and the erasures made after it
    /// followed at once.
    BackupRestored,
    /// A request to the LLM endpoint for a call, sent or refused; the diff names the ledger
    /// row and the outcome, never the text.
    LlmRequest,
    /// Someone accepted a call's LLM suggestion: its category and urgency became the call's.
    SuggestionAccepted,
    /// An admin changed the LLM help's settings (automatic mode, categories).
    LlmSettingsChanged,
    /// An admin added, switched or removed a priority rule; the diff names the rule (never a
    /// VIP number) and how many open calls were re-evaluated.
    PriorityRulesChanged,
    /// An open urgent call waited longer than the escalation time: marked, and assigned to the
    /// person on duty if nobody had it.
    Escalated,
    /// An admin changed the escalation time or the person on duty.
    EscalationSettingsChanged,
    /// An admin changed the repeat callers' window; the diff says how many open calls it
    /// folded or unfolded.
    RepeatSettingsChanged,
}

impl AuditAction {
    pub const ALL: [Self; 40] = [
        Self::Edit,
        Self::StatusChange,
        Self::Assign,
        Self::Note,
        Self::Login,
        Self::LoginFailed,
        Self::Logout,
        Self::SessionsEnded,
        Self::UserCreated,
        Self::UserChanged,
        Self::TokenCreated,
        Self::TokenRevoked,
        Self::AuditPruned,
        Self::MaskingChanged,
        Self::FieldRevealed,
        Self::RevealRefused,
        Self::AuditExported,
        Self::DiffsErased,
        Self::RetentionPurged,
        Self::DsgvoExported,
        Self::DsgvoErased,
        Self::CallRestricted,
        Self::RestrictionLifted,
        Self::LegalHoldSet,
        Self::LegalHoldEnded,
        Self::PolicyDrafted,
        Self::PolicyApproved,
        Self::PolicyRejected,
        Self::PolicyRolledBack,
        Self::SelfApprovalChanged,
        Self::ComplianceReportExported,
        Self::DataKeysRotated,
        Self::BackupRestored,
        Self::LlmRequest,
        Self::SuggestionAccepted,
        Self::LlmSettingsChanged,
        Self::PriorityRulesChanged,
        Self::Escalated,
        Self::EscalationSettingsChanged,
        Self::RepeatSettingsChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::StatusChange => "status_change",
            Self::Assign => "assign",
            Self::Note => "note",
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Logout => "logout",
            Self::SessionsEnded => "sessions_ended",
            Self::UserCreated => "user_created",
            Self::UserChanged => "user_changed",
            Self::TokenCreated => "token_created",
            Self::TokenRevoked => "token_revoked",
            Self::AuditPruned => "audit_pruned",
            Self::MaskingChanged => "masking_changed",
            Self::FieldRevealed => "field_revealed",
            Self::RevealRefused => "reveal_refused",
            Self::AuditExported => "audit_exported",
            Self::DiffsErased => "diffs_erased",
            Self::RetentionPurged => "retention_purged",
            Self::DsgvoExported => "dsgvo_exported",
            Self::DsgvoErased => "dsgvo_erased",
            Self::CallRestricted => "call_restricted",
            Self::RestrictionLifted => "restriction_lifted",
            Self::LegalHoldSet => "legal_hold_set",
            Self::LegalHoldEnded => "legal_hold_ended",
            Self::PolicyDrafted => "policy_drafted",
            Self::PolicyApproved => "policy_approved",
            Self::PolicyRejected => "policy_rejected",
            Self::PolicyRolledBack => "policy_rolled_back",
            Self::SelfApprovalChanged => "self_approval_changed",
            Self::ComplianceReportExported => "compliance_report_exported",
            Self::DataKeysRotated => "data_keys_rotated",
            Self::BackupRestored => "backup_restored",
            Self::LlmRequest => "llm_request",
            Self::SuggestionAccepted => "suggestion_accepted",
            Self::LlmSettingsChanged => "llm_settings_changed",
            Self::PriorityRulesChanged => "priority_rules_changed",
            Self::Escalated => "escalated",
            Self::EscalationSettingsChanged => "escalation_settings_changed",
            Self::RepeatSettingsChanged => "repeat_settings_changed",
        }
    }
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for AuditAction {
    type Err = super::ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|action| action.as_str() == s)
            .ok_or_else(|| super::ParseEnumError {
                kind: "audit action",
                value: s.to_owned(),
            })
    }
}

/// Read from the `text` column `actions_audit.action_type`; an unknown word is a decode error.
#[cfg(feature = "backend")]
impl sqlx::Type<sqlx::Postgres> for AuditAction {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <String as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

#[cfg(feature = "backend")]
impl<'r> sqlx::Decode<'r, sqlx::Postgres> for AuditAction {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(<&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?.parse()?)
    }
}

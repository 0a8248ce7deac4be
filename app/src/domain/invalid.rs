//! Why a value was refused: one code per rule, shared by the server and the browser. The UI says
//! it in the chosen language (`i18n`); the REST API answers with the code and the English text.

use serde::{Deserialize, Serialize};

/// The bounds the rules below check, in one place for the checks and for the texts.
pub mod limits {
    use std::ops::RangeInclusive;

    /// Characters of a search text.
    pub const SEARCH_MAX_CHARS: usize = 200;
    /// Characters of a status change's comment.
    pub const COMMENT_MAX_CHARS: usize = 1000;
    /// Characters of a note.
    pub const NOTE_MAX_CHARS: usize = 4000;
    /// Calls one bulk action may change.
    pub const BULK_MAX_CALLS: usize = 500;
    /// Calls one page of the list or the API may hold.
    pub const CALLS_PER_PAGE: RangeInclusive<usize> = 1..=200;
    /// Minutes an urgent call may wait open before it is escalated.
    pub const ESCALATION_MINUTES: RangeInclusive<i32> = 1..=1440;
    /// Minutes from one call of a repeat caller to the next that fold them into one row
    /// (0 folds nothing).
    pub const REPEAT_WINDOW_MINUTES: RangeInclusive<i32> = 0..=1440;
    /// Characters of a person's name.
    pub const ACCOUNT_NAME_CHARS: RangeInclusive<usize> = 1..=200;
    /// Characters of a password.
    pub const PASSWORD_CHARS: RangeInclusive<usize> = 12..=128;
    /// Characters of an API token's name.
    pub const TOKEN_NAME_CHARS: RangeInclusive<usize> = 1..=100;
    /// Reveals of masked fields one person may make an hour, as an admin may set it.
    pub const REVEALS_PER_HOUR: RangeInclusive<u16> = 1..=1000;
    /// Characters of the reason given for a reveal or a data-protection action (export,
    /// erasure, restriction, legal hold).
    pub const REASON_CHARS: RangeInclusive<usize> = 3..=500;
}

/// A rule a request broke. The serialised name (`note_too_long`) is the stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    SearchTooLong,
    /// A text holds the character NUL, which no text column can store.
    NulCharacter,
    CommentTooLong,
    NoteEmpty,
    NoteTooLong,
    TooManyCalls,
    AssigneeInactive,
    AssigneeUnknown,
    AccountNameLength,
    EmailInvalid,
    EmailTaken,
    PasswordTooShort,
    PasswordTooLong,
    LastAdmin,
    AccountUnknown,
    TokenNameLength,
    TokenForInactiveAccount,
    TokenForAnotherPerson,
    RevealsPerHourRange,
    RevealReasonLength,
    StatusUnknown,
    DateMalformed,
    RangeReversed,
    AssigneeMalformed,
    SortUnknown,
    PageMalformed,
    PageSizeRange,
    VersionMalformed,
    /// The reason of a data-protection action is missing, too short or too long.
    ReasonLength,
    /// Not a phone number in E.164 (`+49301234567`).
    NumberMalformed,
    /// The call is under a legal hold and may not be erased until it ends.
    LegalHold,
    /// The call is restricted (Sperrvermerk): nobody may change it.
    CallRestricted,
    /// A legal hold must end after today.
    HoldEndsInPast,
    /// The call has no number, so it has no caller whose calls could be taken together.
    CallerAnonymous,
    /// Only a restricted call may be held past the retention period.
    HoldNeedsRestriction,
    /// A policy draft must be approved by an admin who neither wrote it nor changed it last.
    FourEyes,
    /// Only the draft of the source policy can be changed, approved or rejected.
    PolicyNotDraft,
    /// There is a draft already: approve or reject it before starting another.
    PolicyDraftExists,
    /// The source policy's operations matrix does not allow this for the call's source.
    PolicyRefused,
    /// The shadow test looks back 1 to 30 days.
    ShadowDays,
    /// A compliance report covers at most 366 days.
    ReportPeriod,
    /// A PII rule of the source policy blocks what the note holds (e.g. an account number).
    NotePiiBlocked,
    /// A policy may not keep calls for a shorter period than the server is configured to
    /// (`RETENTION_DAYS`): that setting must come down first.
    PolicyRetentionBelowServer,
    /// The LLM help's categories: 1 to 30 distinct names of 1 to 40 characters.
    CategoriesInvalid,
    /// The suggestion to accept is not one of this call's, or brought none.
    SuggestionUnknown,
    /// The suggestion's category is no longer on the practice's list.
    CategoryUnknown,
    /// A userIdent has 1 to 64 letters, digits, dots, dashes or underscores.
    UserIdentMalformed,
    /// A priority rule's label has 1 to 100 characters.
    RuleLabelLength,
    /// A priority rule's value has 1 to 200 characters, a keyword at least one letter or digit.
    RuleValueLength,
    /// A VIP number that cannot be read as a phone number.
    RuleNumberUnreadable,
    /// A pattern that is not a regular expression (or one too large).
    RulePatternInvalid,
    /// There is a rule of this kind with this value already.
    RuleDuplicate,
    /// There is no priority rule with this id.
    RuleUnknown,
    /// The escalation time is a whole number of minutes within [`limits::ESCALATION_MINUTES`].
    EscalationMinutes,
    /// The repeat callers' window is a whole number of minutes within
    /// [`limits::REPEAT_WINDOW_MINUTES`].
    RepeatWindow,
}

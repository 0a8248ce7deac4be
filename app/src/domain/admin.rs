//! What the admin area shows: accounts, sessions, API tokens and the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{ActorKind, AuditAction, Role};

/// A user as admins manage them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub is_active: bool,
    /// Locked for at least one client address after too many failed logins, until this time.
    pub locked_until: Option<DateTime<Utc>>,
    /// Can log in with a password (otherwise only through the identity provider).
    pub has_password: bool,
    /// An account for a program: never logs in, acts only through its API tokens.
    pub is_service: bool,
    /// Linked to a person at the practice's identity provider.
    pub oidc_linked: bool,
    /// Until when an identity from the provider may be linked to this (admin) account.
    pub oidc_link_allowed_until: Option<DateTime<Utc>>,
    /// Sessions that have not ended.
    pub sessions: i64,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The userIdent of this user's requests to the LLM endpoint; `None`: the practice's.
    pub llm_ident: Option<String>,
}

/// A browser's login that has not ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user_id: i64,
    pub user_name: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: String,
}

/// Where an API token acts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(sqlx::Type, utoipa::ToSchema))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "token_scope", rename_all = "lowercase")
)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// The REST API under `/api/v1`.
    #[default]
    Api,
    /// The Prometheus metrics at `/metrics`, and nothing else.
    Metrics,
    /// The live check of the source policy (`POST /api/v1/compliance/check`), and nothing else.
    Compliance,
}

impl TokenScope {
    pub const ALL: [Self; 3] = [Self::Api, Self::Metrics, Self::Compliance];

    /// The name in the database, the token form and `server token create --scope`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Metrics => "metrics",
            Self::Compliance => "compliance",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.code() == code)
    }
}

/// An API token, without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub user_id: i64,
    pub user_name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// After this the token no longer works.
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Which audit rows to show or export. Days are calendar days in Europe/Berlin, both included.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub user_id: Option<i64>,
    pub action: Option<AuditAction>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl AuditFilter {
    /// Reads the filter from URL parameters (`user`, `action`, `from`, `to`; empty means not
    /// set); values that do not parse are ignored, as a hand-edited link should still open
    /// the log.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            user_id: param(&get, "user").ok().flatten(),
            action: param(&get, "action").ok().flatten(),
            from: param(&get, "from").ok().flatten(),
            to: param(&get, "to").ok().flatten(),
        }
    }

    /// Like [`Self::from_params`], but a value that does not parse is an error naming the
    /// parameter (for programs, which should learn about their mistakes).
    pub fn try_from_params(get: impl Fn(&str) -> Option<String>) -> Result<Self, &'static str> {
        Ok(Self {
            user_id: param(&get, "user")?,
            action: param(&get, "action")?,
            from: param(&get, "from")?,
            to: param(&get, "to")?,
        })
    }

    /// The filter as URL parameters, without the leading `?`.
    pub fn to_query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(user) = self.user_id {
            query.append_pair("user", &user.to_string());
        }
        if let Some(action) = self.action {
            query.append_pair("action", action.as_str());
        }
        if let Some(from) = self.from {
            query.append_pair("from", &from.to_string());
        }
        if let Some(to) = self.to {
            query.append_pair("to", &to.to_string());
        }
        query.finish()
    }
}

fn param<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    key: &'static str,
) -> Result<Option<T>, &'static str> {
    match get(key).filter(|value| !value.trim().is_empty()) {
        Some(value) => value.trim().parse().map(Some).map_err(|_| key),
        None => Ok(None),
    }
}

/// One audit row as the log shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub position: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: ActorKind,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: AuditAction,
    pub call_id: Option<i64>,
    /// Compact JSON.
    pub diff: String,
    /// For a revealed field: the reason given.
    pub reason: Option<String>,
    /// The row's link in the audit chain (hex), for checking an export independently.
    pub row_hash: String,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogPage {
    pub records: Vec<AuditRecord>,
    /// The position to continue from for older rows, when there are more.
    pub older: Option<i64>,
}

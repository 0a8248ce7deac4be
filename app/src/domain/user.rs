//! The people who use Anrufe, and what they may do.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use super::ParseEnumError;

/// What a user may do. Stored as the PostgreSQL enum `user_role`.
///
/// Agents read and change calls; admins may also manage users, tokens, settings and read the
/// audit trail. Every check happens on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "backend", derive(sqlx::Type))]
#[cfg_attr(
    feature = "backend",
    sqlx(type_name = "user_role", rename_all = "SCREAMING_SNAKE_CASE")
)]
pub enum Role {
    Agent,
    Admin,
}

impl Role {
    pub const ALL: [Self; 2] = [Self::Agent, Self::Admin];

    /// The stable machine name (`AGENT`, `ADMIN`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agent => "AGENT",
            Self::Admin => "ADMIN",
        }
    }

    /// Whether this role includes everything `required` may do.
    pub fn allows(self, required: Self) -> bool {
        self >= required
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ParseEnumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseEnumError {
                kind: "role",
                value: s.to_owned(),
            })
    }
}

/// The user a request is made by, once the server has checked the session or token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admin_may_do_what_an_agent_may_but_not_the_other_way_round() {
        assert!(Role::Admin.allows(Role::Agent));
        assert!(Role::Admin.allows(Role::Admin));
        assert!(Role::Agent.allows(Role::Agent));
        assert!(!Role::Agent.allows(Role::Admin));
    }

    #[test]
    fn roles_parse_from_their_machine_names_in_any_case() {
        assert_eq!("admin".parse::<Role>(), Ok(Role::Admin));
        assert_eq!(" AGENT ".parse::<Role>(), Ok(Role::Agent));
        assert!("root".parse::<Role>().is_err());
    }
}

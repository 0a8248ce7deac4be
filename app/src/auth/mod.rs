//! Who is making a request: accounts and passwords, browser sessions and API tokens.
//! Every change here is audited like a change to a call.
//!
//! The server puts the [`SessionUser`](crate::domain::SessionUser) it found for a request into
//! the request's extensions; anonymous requests have none.

pub mod accounts;
pub mod oidc;
mod password;
pub mod secret;
pub mod sessions;
pub mod tokens;

pub use accounts::{AccountError, LOCKOUT_AFTER, LoginError, LoginFrom};

/// The address of the client a request comes from: the peer's, or behind a trusted proxy the
/// address the proxy forwarded. The server puts it into every request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub std::net::IpAddr);
pub use sessions::SessionPolicy;

/// Whether the server offers login through the practice's identity provider.
#[derive(Clone, Copy, Debug, Default)]
pub struct OidcOffered(pub bool);

/// Session settings the server functions need (login sets the cookie).
#[derive(Clone, Copy, Debug, Default)]
pub struct SessionSettings {
    pub policy: SessionPolicy,
    /// Served over TLS: the cookie is `Secure` and `__Host-` prefixed.
    pub secure: bool,
}

impl SessionSettings {
    /// The session cookie's name.
    pub fn cookie_name(self) -> &'static str {
        if self.secure {
            "__Host-anrufe_session"
        } else {
            "anrufe_session"
        }
    }

    /// The `Set-Cookie` value that hands a new session to the browser: invisible to scripts,
    /// not sent with cross-site requests other than top-level navigation, and discarded by the
    /// browser when the session would end anyway.
    pub fn cookie(self, token: &str) -> String {
        let max_age = cookie::time::Duration::seconds(
            i64::try_from(self.policy.absolute.as_secs()).unwrap_or(i64::MAX),
        );
        self.build(token.to_owned(), max_age)
    }

    /// The `Set-Cookie` value that removes the session cookie (logout).
    pub fn removal_cookie(self) -> String {
        self.build(String::new(), cookie::time::Duration::ZERO)
    }

    fn build(self, value: String, max_age: cookie::time::Duration) -> String {
        cookie::Cookie::build((self.cookie_name(), value))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(cookie::SameSite::Lax)
            .max_age(max_age)
            .build()
            .to_string()
    }

    /// The session token among a request's cookies, if any.
    pub fn token(self, headers: &http::HeaderMap) -> Option<String> {
        crate::cookies::value(headers, self.cookie_name()).filter(|token| !token.is_empty())
    }
}

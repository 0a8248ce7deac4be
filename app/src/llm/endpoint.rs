//! The one place requests may go: the practice's llmservice endpoint,
//! `http://{TOMEDO_HOST}:{TOMEDO_PORT}/{TOMEDO_DB}/llmservice/{userIdent}/v1/chat/completions`.
//! It is built from the server's configuration alone; nothing of a request or of call data
//! ever becomes part of the URL but a [`UserIdent`], which is one path segment by construction.

use std::fmt;

use url::Url;

/// The model asked when `USER_MODEL` is not set.
pub const DEFAULT_MODEL: &str = "gemini-2.5-flash";

/// A user's `userIdent` in the endpoint's path: 1 to 64 letters, digits, dots, dashes or
/// underscores (the database holds the same rule), so it can never leave its segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserIdent(String);

impl UserIdent {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for UserIdent {
    type Err = String;

    fn from_str(ident: &str) -> Result<Self, Self::Err> {
        let valid = (1..=64).contains(&ident.len())
            && ident
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            && ident != "."
            && ident != "..";
        if valid {
            Ok(Self(ident.to_owned()))
        } else {
            Err(format!(
                "a userIdent has 1 to 64 letters, digits, dots, dashes or underscores, not {ident:?}"
            ))
        }
    }
}

impl fmt::Display for UserIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The endpoint's configuration: host, port, database name, model and the practice's default
/// `userIdent`.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// `http://host:port/db/llmservice/`, checked once when configured.
    base: Url,
    pub model: String,
    pub default_ident: UserIdent,
}

impl Endpoint {
    /// The endpoint of a tomedo server. The host is a name or an address, the database one
    /// path segment.
    pub fn new(
        host: &str,
        port: u16,
        db: &str,
        model: &str,
        default_ident: UserIdent,
    ) -> Result<Self, String> {
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !host_ok {
            return Err(format!(
                "TOMEDO_HOST {host:?} is not a host name or address"
            ));
        }
        let db_ok = !db.is_empty()
            && db != "."
            && db != ".."
            && db
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !db_ok {
            return Err(format!(
                "TOMEDO_DB {db:?} must be one path segment of letters, digits, dots, dashes or \
                 underscores"
            ));
        }
        let model = model.trim();
        if model.is_empty() || model.len() > 200 || model.chars().any(char::is_control) {
            return Err("USER_MODEL needs 1 to 200 characters, none a control character".into());
        }
        let base = Url::parse(&format!("http://{host}:{port}/{db}/llmservice/"))
            .map_err(|error| format!("TOMEDO_HOST {host:?} and TOMEDO_PORT {port}: {error}"))?;
        Ok(Self {
            base,
            model: model.to_owned(),
            default_ident,
        })
    }

    /// The chat completions URL for `ident`.
    pub fn url(&self, ident: &UserIdent) -> Url {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .expect("an http URL has a path")
            .pop_if_empty()
            .extend([ident.as_str(), "v1", "chat", "completions"]);
        url
    }

    /// `host:port`, the one origin requests go to.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident(text: &str) -> UserIdent {
        text.parse().expect("a valid ident")
    }

    #[test]
    fn the_url_is_the_tomedo_path_with_the_ident_as_one_segment() {
        let endpoint = Endpoint::new("tomedo.praxis", 8080, "praxis_db", "m", ident("empfang"))
            .expect("a valid endpoint");
        assert_eq!(
            endpoint.url(&ident("dr.weber")).as_str(),
            "http://tomedo.praxis:8080/praxis_db/llmservice/dr.weber/v1/chat/completions"
        );
        assert_eq!(endpoint.origin(), "http://tomedo.praxis:8080");
    }

    #[test]
    fn nothing_that_could_leave_its_segment_is_an_ident_or_a_database() {
        for bad in [
            "",
            "..",
            ".",
            "a/b",
            "a?b",
            "a#b",
            "a b",
            "%2e%2e",
            "ä",
            &"x".repeat(65),
        ] {
            assert!(bad.parse::<UserIdent>().is_err(), "{bad:?}");
        }
        for bad in ["", "..", "a/b", "db?x=1"] {
            assert!(
                Endpoint::new("h", 1, bad, "m", ident("a")).is_err(),
                "{bad:?}"
            );
        }
        for bad in ["", "user@evil", "h/x", "h?x"] {
            assert!(
                Endpoint::new(bad, 1, "db", "m", ident("a")).is_err(),
                "{bad:?}"
            );
        }
    }
}

//! Reading cookies from a request, for the session and the language.

/// The value of the cookie `name` among a request's `Cookie` headers (HTTP/2 may split the
/// cookies over several headers).
pub fn value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .flatten()
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

#[cfg(test)]
mod tests {
    use http::{HeaderMap, HeaderValue, header::COOKIE};

    use super::value;

    #[test]
    fn a_cookie_is_found_in_any_of_the_cookie_headers() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("theme=dark"));
        headers.append(COOKIE, HeaderValue::from_static("x=1; anrufe_lang=en"));
        assert_eq!(value(&headers, "anrufe_lang").as_deref(), Some("en"));
        assert_eq!(value(&headers, "theme").as_deref(), Some("dark"));
        assert_eq!(value(&headers, "other"), None);
    }
}

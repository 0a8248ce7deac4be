//! The page someone sees who opens a part of the site their role does not reach (an agent
//! opening the admin area): the app's own page, in their language, with the way back.

use app::{AppError, i18n::Lang};
use axum::{
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// What the page may load: its stylesheet and icon, nothing else (no script at all).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// A 403 page in the language the person chose (German unless they chose another).
pub fn page(headers: &HeaderMap) -> Response {
    let lang = Lang::of_request(headers);
    let t = lang.texts();
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Anrufe</title>
<link rel="icon" href="{icon}" type="image/svg+xml">
<link rel="stylesheet" href="/pkg/anrufe.css">
</head>
<body>
<main class="no-access">
<section class="state state-error" role="alert">
<h1>{title}</h1>
<p>{reason}</p>
<p><a href="/">{back}</a></p>
</section>
</main>
</body>
</html>
"#,
        code = lang.code(),
        icon = app::ICON_PATH,
        title = t.no_access,
        reason = t.error(&AppError::Forbidden),
        back = t.to_call_list,
    );
    (
        StatusCode::FORBIDDEN,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        ],
        Html(html),
    )
        .into_response()
}

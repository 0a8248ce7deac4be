//! The Content Security Policy, defined once: pages get it with the nonce of their inline
//! hydration script, every other response without one.

use std::sync::LazyLock;

/// The policy for a response. Scripts only from this site (the WASM bundle may be compiled,
/// nothing may be `eval`ed), inline scripts only with this page's `nonce`, no plugins, no
/// framing, no foreign `<base>`, forms only to this site.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let Some(nonce) = nonce else {
        return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; \
                form-action 'none'"
            .to_owned();
    };
    // `cargo leptos watch` reloads the page over a WebSocket on its own port.
    static RELOAD: LazyLock<&str> = LazyLock::new(|| {
        if std::env::var_os("LEPTOS_WATCH").is_some() {
            " ws:"
        } else {
            ""
        }
    });
    let reload = *RELOAD;
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

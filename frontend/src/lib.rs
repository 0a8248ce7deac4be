//! Hydrates the server-rendered page and then marks `<body data-hydrated>`, so browser
//! tests can wait for interactivity instead of sleeping.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = leptos::prelude::document().body() {
        // Only a test hook: a page that cannot set it still works.
        let _ = body.set_attribute("data-hydrated", "");
    }
}

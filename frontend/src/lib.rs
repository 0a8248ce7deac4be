//! Hydrates the server-rendered page and then marks `<body data-hydrated>`, so browser
//! tests can wait for interactivity instead of sleeping.
//!
//! Hydration is asynchronous: a page of the admin area is a lazy route whose WASM chunk is
//! fetched first (see `app::pages::admin::tabs`); the call list hydrates at once.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        // Only a test hook: a page that cannot set it still works.
        let _ = body.set_attribute("data-hydrated", "");
    });
}

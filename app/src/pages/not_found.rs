//! The page for an address the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_texts;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_texts();
    view! {
        <section class="state state-empty">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_text}</p>
            <A href="/">{t.to_call_list}</A>
        </section>
    }
}

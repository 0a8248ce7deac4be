//! The page for an address the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="state state-empty">
            <h1>"Seite nicht gefunden"</h1>
            <p>"Diese Adresse gibt es in Anrufe nicht."</p>
            <A href="/">"Zur Anrufliste"</A>
        </section>
    }
}

//! Paging through the list by position (keyset), so the last page is as fast as the first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::{CallPage, CallQuery, PageAt};

#[component]
pub fn Pager(query: CallQuery, page: CallPage) -> impl IntoView {
    let link = |label: &'static str, at: Option<PageAt>| match at {
        Some(at) => view! { <A href=query.page_href(at)>{label}</A> }.into_any(),
        None => view! { <span class="disabled" aria-disabled="true">{label}</span> }.into_any(),
    };
    let has_previous = page.previous.is_some();
    let has_next = page.next.is_some();
    view! {
        <nav class="pager" aria-label="Seiten">
            {link("« Erste Seite", has_previous.then_some(PageAt::First))}
            {link("‹ Zurück", page.previous.map(PageAt::Before))}
            {link("Weiter ›", page.next.map(PageAt::After))}
            {link("Letzte Seite »", has_next.then_some(PageAt::Last))}
        </nav>
    }
}

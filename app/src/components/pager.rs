//! Paging through the list by position (keyset), so the last page is as fast as the first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    domain::{CallPage, CallQuery, PageAt},
    i18n::use_texts,
};

#[component]
pub fn Pager(query: CallQuery, page: CallPage) -> impl IntoView {
    let t = use_texts();
    let link = |label: &'static str, at: Option<PageAt>| match at {
        Some(at) => view! { <A href=query.page_href(at)>{label}</A> }.into_any(),
        None => view! { <span class="disabled" aria-disabled="true">{label}</span> }.into_any(),
    };
    let has_previous = page.previous.is_some();
    let has_next = page.next.is_some();
    view! {
        <nav class="pager" aria-label=t.pages>
            {link(t.first_page, has_previous.then_some(PageAt::First))}
            {link(t.previous_page, page.previous.map(PageAt::Before))}
            {link(t.next_page, page.next.map(PageAt::After))}
            {link(t.last_page, has_next.then_some(PageAt::Last))}
        </nav>
    }
}

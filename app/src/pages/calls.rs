//! The calls table: what the front desk looks at all day.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    AppError,
    api::calls::list_calls,
    components::{CallsTable, StatusFilter},
    domain::{CallQuery, CallStatus},
};

#[component]
pub fn CallsPage() -> impl IntoView {
    let query_map = use_query_map();
    let status = Memo::new(move |_| {
        query_map
            .read()
            .get("status")
            .and_then(|value| value.parse::<CallStatus>().ok())
    });
    let calls = Resource::new(
        move || CallQuery {
            status: status.get(),
        },
        list_calls,
    );

    view! {
        <header class="page-header">
            <h1>"Anrufe"</h1>
            <StatusFilter selected=status />
        </header>
        <Transition fallback=|| view! { <p class="state">"Anrufe werden geladen …"</p> }>
            {move || Suspend::new(async move {
                match calls.await {
                    Ok(page) => view! { <CallsTable page status=status.get_untracked() /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LoadError(error: AppError) -> impl IntoView {
    view! {
        <section class="state state-error" role="alert">
            <h2>"Die Anrufe konnten nicht geladen werden."</h2>
            <p>{error.to_string()}</p>
        </section>
    }
}

//! Buttons that narrow the table to one status. The choice lives in the URL (`?status=DONE`),
//! so a filtered view can be bookmarked and survives a reload.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::domain::CallStatus;

#[component]
pub fn StatusFilter(selected: Memo<Option<CallStatus>>) -> impl IntoView {
    let options = std::iter::once((None, "Alle")).chain(
        CallStatus::ALL
            .into_iter()
            .map(|status| (Some(status), status.label_de())),
    );
    let navigate = use_navigate();

    view! {
        <div class="segmented" role="group" aria-label="Status">
            {options
                .map(|(status, label)| {
                    let navigate = navigate.clone();
                    let href = status.map_or_else(|| "/".to_owned(), |s| format!("/?status={s}"));
                    view! {
                        <button
                            type="button"
                            aria-pressed=move || (selected.get() == status).to_string()
                            on:click=move |_| navigate(&href, Default::default())
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

//! Actions on all selected calls at once.

use leptos::prelude::*;

use crate::{
    components::Desk,
    domain::{CallStatus, UserSummary},
};

#[component]
pub fn BulkBar(users: Signal<Vec<UserSummary>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let count = move || desk.selection.with(|s| s.len());
    let any_selected = move || count() > 0;
    let on_assign = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value != "keep" {
            desk.bulk_assign(value.parse().ok());
        }
    };
    view! {
        <Show when=any_selected>
            <div class="bulk-bar" role="region" aria-label="Auswahl">
                <span>{move || format!("{} ausgewählt", count())}</span>
                {CallStatus::ALL.into_iter().map(|status| view! {
                    <button type="button" on:click=move |_| desk.bulk_status(status)>
                        {format!("→ {}", status.label_de())}
                    </button>
                }).collect_view()}
                <label>
                    <span class="visually-hidden">"Zuweisen an"</span>
                    <select on:change=on_assign prop:value="keep">
                        <option value="keep">"Zuweisen an …"</option>
                        <option value="">"— niemand —"</option>
                        {move || users.get().into_iter().map(|user| view! {
                            <option value=user.id>{user.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="button-quiet"
                    on:click=move |_| desk.selection.update(|s| s.clear())>"Auswahl aufheben"</button>
            </div>
        </Show>
    }
}

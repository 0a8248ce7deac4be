//! Actions on all selected calls at once.

use leptos::prelude::*;

use crate::{
    components::Desk,
    domain::{CallStatus, UserSummary},
    i18n::use_texts,
};

#[component]
pub fn BulkBar(users: Signal<Vec<UserSummary>>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
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
            <div class="bulk-bar" role="region" aria-label=t.selection>
                <span>{move || (t.selected)(count())}</span>
                {CallStatus::ALL.into_iter().map(|status| view! {
                    <button type="button" on:click=move |_| desk.bulk_status(status)>
                        {format!("→ {}", t.status(status))}
                    </button>
                }).collect_view()}
                <label>
                    <span class="visually-hidden">{t.assign_to}</span>
                    <select on:change=on_assign prop:value="keep">
                        <option value="keep">{t.assign_to_choose}</option>
                        <option value="">{t.nobody}</option>
                        {move || users.get().into_iter().map(|user| view! {
                            <option value=user.id>{user.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="button-quiet"
                    on:click=move |_| desk.selection.update(|s| s.clear())>{t.clear_selection}</button>
            </div>
        </Show>
    }
}

//! Personal data the server masked for this user: what may be shown of it, and revealing the
//! whole value with a reason (audited on the server).

use std::collections::HashMap;

use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::calls::reveal_field,
    domain::{MASK, MaskedValue, PiiField},
    i18n::use_texts,
};

/// A masked value in the table: the partial hint, or a placeholder.
#[component]
pub fn MaskedText(value: MaskedValue) -> impl IntoView {
    let t = use_texts();
    view! {
        <span class="masked" title=t.masked_hint>
            {value.hint.unwrap_or_else(|| MASK.to_owned())}
        </span>
    }
}

/// The values revealed in one open drawer. It outlives the drawer's refetches, which a reveal
/// itself causes so that the drawer's audit list shows it.
#[derive(Clone, Copy, Default)]
pub struct Revealed(RwSignal<HashMap<PiiField, String>>);

impl Revealed {
    /// How many fields are revealed; tracked, so a reveal can trigger a refetch.
    pub fn count(self) -> usize {
        self.0.with(HashMap::len)
    }
}

/// A masked field in the drawer, with a button that asks for a reason and then shows the value.
/// Needs a [`Revealed`] in context.
#[component]
pub fn RevealField(call_id: i64, value: MaskedValue) -> impl IntoView {
    let t = use_texts();
    let field = value.field;
    let store = expect_context::<Revealed>().0;
    let revealed = move || store.with(|values| values.get(&field).cloned());
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input_id = format!("reveal-{}", field.as_str());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let given = reason.get_untracked();
        spawn_local(async move {
            match reveal_field(call_id, field, given).await {
                Ok(value) => {
                    asking.set(false);
                    error.set(None);
                    let shown = value.unwrap_or_else(|| "—".to_owned());
                    store.update(|values| {
                        values.insert(field, shown);
                    });
                }
                Err(failure) => error.set(Some(t.error(&failure))),
            }
        });
    };
    let hint = value.hint.clone();
    view! {
        {move || match revealed() {
            Some(value) => view! { <span class="revealed">{value}</span> }.into_any(),
            None => view! {
                <MaskedText value=MaskedValue { field, hint: hint.clone() } />
                <button
                    type="button"
                    class="button-quiet reveal"
                    hidden=move || asking.get()
                    on:click=move |_| asking.set(true)
                >
                    {t.reveal}
                </button>
            }.into_any(),
        }}
        <Show when=move || asking.get()>
            <form class="reveal-form" on:submit=on_submit>
                <label for=input_id.clone()>{t.reveal_reason}</label>
                <input
                    id=input_id.clone()
                    type="text"
                    required
                    minlength="3"
                    maxlength="500"
                    autofocus
                    placeholder=t.reveal_reason_placeholder
                    bind:value=reason
                />
                {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                <div class="form-buttons">
                    <button type="submit">{t.reveal}</button>
                    <button type="button" class="button-quiet" on:click=move |_| asking.set(false)>
                        {t.cancel}
                    </button>
                </div>
            </form>
        </Show>
    }
}

//! The LLM help's settings: the automatic mode and the practice's categories.

use leptos::prelude::*;

use super::{LoadFailed, use_notice};
use crate::{
    api::llm::{load_llm_settings, save_llm_settings},
    i18n::use_llm_texts,
    llm::LlmSettings,
};

#[component]
pub fn LlmView() -> impl IntoView {
    let l = use_llm_texts();
    let current = Resource::new(|| (), |()| load_llm_settings());
    view! {
        <h2>{l.settings_heading}</h2>
        <p class="muted">{l.settings_intro}</p>
        <Transition fallback=move || view! { <p class="state">{crate::i18n::use_texts().loading}</p> }>
            {move || current.get().map(|result| match result {
                Ok(settings) => view! { <LlmForm settings /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn LlmForm(settings: LlmSettings) -> impl IntoView {
    let l = use_llm_texts();
    let notice = use_notice();
    let auto_mode = RwSignal::new(settings.auto_mode);
    let categories = RwSignal::new(settings.categories.join("\n"));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = LlmSettings {
            auto_mode: auto_mode.get_untracked(),
            categories: categories
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        notice.run(
            save_llm_settings(settings),
            move |_| l.saved.to_owned(),
            || {},
        );
    };
    view! {
        <form class="admin-form stacked" on:submit=on_submit>
            <label class="choice">
                <input
                    type="checkbox"
                    name="auto_mode"
                    prop:checked=move || auto_mode.get()
                    on:change=move |ev| auto_mode.set(event_target_checked(&ev))
                />
                {l.auto_mode}
            </label>
            <label class="field">
                {l.categories}
                <textarea
                    name="categories"
                    rows="8"
                    prop:value=move || categories.get()
                    on:input=move |ev| categories.set(event_target_value(&ev))
                ></textarea>
                <span class="muted">{l.categories_help}</span>
            </label>
            <button type="submit">{l.save}</button>
        </form>
    }
}

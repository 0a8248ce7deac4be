//! The repeat callers' window, below the escalation settings: within how many minutes of the
//! one before an open call from the same number folds into one row (`crate::repeat`).

use leptos::prelude::*;

use super::{LoadFailed, use_notice};
use crate::{
    api::repeat::{get_repeat_settings, save_repeat_settings},
    domain::limits,
    i18n::{use_repeat_texts, use_texts},
    repeat::RepeatSettings,
};

#[component]
pub fn RepeatSettingsView() -> impl IntoView {
    let t = use_texts();
    let r = use_repeat_texts();
    let settings = Resource::new(|| (), |()| get_repeat_settings());
    view! {
        <h3>{r.settings_heading}</h3>
        <p class="muted">{r.settings_intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || settings.get().map(|result| match result {
                Ok(current) => view! { <RepeatForm current /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn RepeatForm(current: RepeatSettings) -> impl IntoView {
    let r = use_repeat_texts();
    let notice = use_notice();
    let minutes = RwSignal::new(current.window_minutes.to_string());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Text that is no whole number is sent as -1, which the server refuses with its reason.
        let settings = RepeatSettings {
            window_minutes: minutes.get_untracked().trim().parse().unwrap_or(-1),
        };
        notice.run(
            save_repeat_settings(settings),
            move |saved| (r.saved)(saved.window_minutes),
            || {},
        );
    };
    view! {
        <form class="admin-form" on:submit=on_submit>
            <label>
                {r.window_minutes}
                <input
                    name="window_minutes"
                    type="number"
                    inputmode="numeric"
                    required
                    min=*limits::REPEAT_WINDOW_MINUTES.start()
                    max=*limits::REPEAT_WINDOW_MINUTES.end()
                    prop:value=move || minutes.get()
                    on:input=move |ev| minutes.set(event_target_value(&ev))
                />
            </label>
            <button type="submit">{r.save}</button>
        </form>
    }
}

//! What agents see of a caller's personal data.

use leptos::prelude::*;

use super::{LoadFailed, use_notice};
use crate::{
    api::admin::{masking, set_masking},
    domain::{MaskLevel, MaskingSettings, PiiField, limits},
    i18n::use_texts,
};

#[component]
pub fn MaskingView() -> impl IntoView {
    let t = use_texts();
    let current = Resource::new(|| (), |()| masking());
    view! {
        <h2>{t.admin_masking}</h2>
        <p class="muted">{t.masking_intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || current.get().map(|result| match result {
                Ok(settings) => view! { <MaskingForm settings /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn MaskingForm(settings: MaskingSettings) -> impl IntoView {
    let t = use_texts();
    let notice = use_notice();
    let policy = RwSignal::new(settings.policy);
    let per_hour = RwSignal::new(settings.reveals_per_hour.to_string());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The browser checks the range; a value it let through that is still out of range is
        // sent as 0 and refused by the server with its message.
        let reveals_per_hour = per_hour.get_untracked().trim().parse().unwrap_or(0);
        let settings = MaskingSettings {
            policy: policy.get_untracked(),
            reveals_per_hour,
        };
        notice.run(
            set_masking(settings),
            move |()| t.masking_saved.to_owned(),
            || {},
        );
    };
    let fields = PiiField::ALL.map(|field| {
        let choices = MaskLevel::ALL.map(|level| {
            view! {
                <label class="choice">
                    <input
                        type="radio"
                        name=field.as_str()
                        value=level.as_str()
                        prop:checked=move || policy.with(|p| p.level(field) == level)
                        on:change=move |_| policy.update(|p| p.set(field, level))
                    />
                    {t.mask_level(level)}
                    {(level == MaskLevel::Partial).then(|| view! {
                        <span class="muted">" (" {(t.partial_example)(field)} ")"</span>
                    })}
                </label>
            }
        });
        view! {
            <fieldset>
                <legend>{t.pii_field(field)}</legend>
                {choices}
            </fieldset>
        }
    });
    view! {
        <form class="admin-form masking" on:submit=on_submit>
            {fields}
            <label class="field">
                {t.reveals_per_hour}
                <input
                    type="number"
                    name="reveals_per_hour"
                    min=*limits::REVEALS_PER_HOUR.start()
                    max=*limits::REVEALS_PER_HOUR.end()
                    required
                    prop:value=move || per_hour.get()
                    on:input=move |ev| per_hour.set(event_target_value(&ev))
                />
                <span class="muted">{t.reveals_per_hour_hint}</span>
            </label>
            <button type="submit">{t.save}</button>
        </form>
    }
}

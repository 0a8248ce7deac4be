//! What agents see of a caller's personal data.

use leptos::prelude::*;

use super::{LoadFailed, use_notice};
use crate::{
    api::admin::{masking, set_masking},
    domain::{MaskLevel, MaskingPolicy, PiiField},
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
                Ok(policy) => view! { <MaskingForm policy /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn MaskingForm(policy: MaskingPolicy) -> impl IntoView {
    let t = use_texts();
    let notice = use_notice();
    let policy = RwSignal::new(policy);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.run(
            set_masking(policy.get_untracked()),
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
            <button type="submit">{t.save}</button>
        </form>
    }
}

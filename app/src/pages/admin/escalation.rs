//! The escalation settings, below the priority rules: after how many minutes an open urgent call
//! is escalated, and who then gets it (`crate::rules::escalation`).

use leptos::prelude::*;

use super::{LoadFailed, use_notice};
use crate::{
    api::{
        rules::{get_escalation_settings, save_escalation_settings},
        users::assignable_users,
    },
    domain::{UserSummary, limits},
    i18n::{use_escalation_texts, use_texts},
    rules::EscalationSettings,
};

#[component]
pub fn EscalationSettingsView() -> impl IntoView {
    let t = use_texts();
    let e = use_escalation_texts();
    let settings = Resource::new(|| (), |()| get_escalation_settings());
    let users = Resource::new(|| (), |()| assignable_users());
    view! {
        <h3>{e.settings_heading}</h3>
        <p class="muted">{e.settings_intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || match (settings.get(), users.get()) {
                (Some(Ok(current)), Some(Ok(users))) => {
                    view! { <EscalationForm current users /> }.into_any()
                }
                (Some(Err(error)), _) | (_, Some(Err(error))) => {
                    view! { <LoadFailed error /> }.into_any()
                }
                _ => ().into_any(),
            }}
        </Transition>
    }
}

#[component]
fn EscalationForm(current: EscalationSettings, users: Vec<UserSummary>) -> impl IntoView {
    let e = use_escalation_texts();
    let notice = use_notice();
    let minutes = RwSignal::new(current.after_minutes.to_string());
    let on_duty = RwSignal::new(current.on_duty);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Text that is no whole number is sent as 0, which the server refuses with its reason.
        let settings = EscalationSettings {
            after_minutes: minutes.get_untracked().trim().parse().unwrap_or(0),
            on_duty: on_duty.get_untracked(),
        };
        notice.run(
            save_escalation_settings(settings),
            move |saved| (e.saved)(saved.after_minutes),
            || {},
        );
    };
    let options = users
        .into_iter()
        .map(|user| {
            let selected = current.on_duty == Some(user.id);
            view! { <option value=user.id selected=selected>{user.name}</option> }
        })
        .collect_view();
    view! {
        <form class="admin-form" on:submit=on_submit>
            <label>
                {e.after_minutes}
                <input
                    name="after_minutes"
                    type="number"
                    inputmode="numeric"
                    required
                    min=*limits::ESCALATION_MINUTES.start()
                    max=*limits::ESCALATION_MINUTES.end()
                    prop:value=move || minutes.get()
                    on:input=move |ev| minutes.set(event_target_value(&ev))
                />
            </label>
            <label>
                {e.on_duty}
                <select
                    name="on_duty"
                    on:change=move |ev| on_duty.set(event_target_value(&ev).parse().ok())
                >
                    <option value="" selected=current.on_duty.is_none()>{e.nobody}</option>
                    {options}
                </select>
            </label>
            <button type="submit">{e.save}</button>
        </form>
    }
}

//! The shadow test in the PII rules tab: the working copy's rules over the stored concerns of
//! the last days, counted by what they would do, with calls to look at.

use leptos::{prelude::*, task::spawn_local};

use super::Working;
use crate::{
    api::compliance::shadow_test,
    compliance::shadow::{SHADOW_DAYS, ShadowReport},
    domain::format_berlin,
    i18n::{use_compliance_texts, use_texts},
};

#[component]
pub fn Shadow(working: Working) -> impl IntoView {
    let t = use_texts();
    let c = use_compliance_texts();
    let days = RwSignal::new("7".to_owned());
    let outcome = RwSignal::new(None::<Result<ShadowReport, String>>);
    let running = RwSignal::new(false);
    let run = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // The browser checks the range; anything else is sent as 0 and refused with its message.
        let days = days.get_untracked().trim().parse().unwrap_or(0);
        let rules = working.document.with_untracked(|d| d.pii_rules.clone());
        running.set(true);
        spawn_local(async move {
            let result = shadow_test(rules, days).await;
            outcome.set(Some(result.map_err(|error| t.error(&error))));
            running.set(false);
        });
    };
    view! {
        <h3>{c.shadow}</h3>
        <p class="muted">{c.shadow_hint}</p>
        <form class="admin-form" on:submit=run>
            <label class="field">
                {c.shadow_days}
                <input
                    type="number"
                    name="shadow_days"
                    min=*SHADOW_DAYS.start()
                    max=*SHADOW_DAYS.end()
                    required
                    prop:value=move || days.get()
                    on:input=move |ev| days.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" disabled=move || running.get()>{c.shadow_run}</button>
        </form>
        {move || outcome.get().map(|outcome| match outcome {
            Ok(report) => view! { <Report report /> }.into_any(),
            Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
        })}
    }
}

#[component]
fn Report(report: ShadowReport) -> impl IntoView {
    let c = use_compliance_texts();
    let summary = (c.shadow_result)(
        report.scanned,
        report.blocked,
        report.redacted,
        report.warned,
    );
    let examples = (!report.examples.is_empty()).then(|| {
        view! {
            <ul class="shadow-examples">
                {report.examples.into_iter().map(|example| view! {
                    <li>
                        <a href=format!("/?call={}", example.call_id)>{example.call_id}</a>
                        " · " {format_berlin(example.received_at)}
                        " · " {example.rule}
                        " (" {(c.severity_name)(example.severity)} ")"
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <p class="shadow-result" aria-live="polite">{summary}</p>
        {examples}
    }
}

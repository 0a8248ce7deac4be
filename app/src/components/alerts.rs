//! What needs the desk's attention beyond the page it looks at (`crate::rules::DeskAlerts`):
//! the banner of escalated calls, and a browser notification for each new escalation once
//! the person has allowed them. Neither names the caller.

use std::collections::HashSet;

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsValue;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use crate::{
    i18n::{EscalationTexts, use_escalation_texts},
    rules::{DeskAlerts, EscalatedCall},
};

#[component]
pub fn EscalationBanner(
    #[prop(into)] alerts: Signal<Option<DeskAlerts>>,
    /// Opens the detail drawer for a call.
    on_open: Callback<i64>,
) -> impl IntoView {
    let e = use_escalation_texts();
    // `None` until read in the browser, or where there are no notifications.
    let permission = RwSignal::new(None::<NotificationPermission>);
    // The escalations of the last answer; `None` before the first, which notifies of nothing:
    // the banner shows those.
    let known = StoredValue::new(None::<HashSet<i64>>);
    Effect::new(move |_| {
        permission.set(notifications().then(Notification::permission));
        let Some(alerts) = alerts.get() else {
            return;
        };
        let now = chrono::Utc::now();
        if let Some(known) = known.get_value()
            && permission.get_untracked() == Some(NotificationPermission::Granted)
        {
            for call in alerts.escalated.iter().filter(|c| !known.contains(&c.id)) {
                notify(e, waiting_minutes(call, now));
            }
        }
        known.set_value(Some(alerts.escalated.iter().map(|c| c.id).collect()));
    });
    let ask = move |_| {
        spawn_local(async move {
            if let Ok(promise) = Notification::request_permission() {
                // The answer is read back below; a refusal is a permission too.
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            }
            permission.set(Some(Notification::permission()));
        });
    };
    move || {
        let alerts = alerts.get().filter(|alerts| !alerts.escalated.is_empty())?;
        let now = chrono::Utc::now();
        let more = alerts.escalated.len().saturating_sub(NAMED);
        let calls = alerts
            .escalated
            .iter()
            .take(NAMED)
            .map(|call| {
                let id = call.id;
                let waiting = (e.waiting)(waiting_minutes(call, now));
                view! {
                    <li>
                        <button type="button" class="button-small" on:click=move |_| on_open.run(id)>
                            {e.open_call} " · " {waiting}
                        </button>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="escalation-banner" aria-label=e.escalated>
                <p aria-live="polite">
                    <strong>{(e.banner)(alerts.escalated.len(), alerts.after_minutes)}</strong>
                </p>
                <ul>{calls}</ul>
                {(more > 0).then(|| view! { <a href=OPEN_URGENT_FIRST>{(e.more)(more)}</a> })}
                <Show when=move || permission.get() == Some(NotificationPermission::Default)>
                    <button type="button" class="button-quiet" on:click=ask>
                        {e.allow_notifications}
                    </button>
                </Show>
            </section>
        })
    }
}

/// Escalated calls the banner offers to open, the oldest; the others are a link away.
const NAMED: usize = 5;
/// The open calls, most urgent first: where the ones the banner does not name are.
const OPEN_URGENT_FIRST: &str = "/?status=NEW,IN_PROGRESS&sort=priority";

fn waiting_minutes(call: &EscalatedCall, now: chrono::DateTime<chrono::Utc>) -> i64 {
    (now - call.received_at).num_minutes().max(0)
}

/// Whether this browser has notifications at all (not every one does, e.g. on some phones).
fn notifications() -> bool {
    web_sys::js_sys::Reflect::has(&window(), &JsValue::from_str("Notification")).unwrap_or(false)
}

fn notify(e: &EscalationTexts, minutes: i64) {
    let options = NotificationOptions::new();
    options.set_body(&(e.notification_body)(minutes));
    // One notification for all escalations at once: a new one replaces the last.
    options.set_tag("anrufe-escalation");
    // A notification the browser refuses to show is no reason to disturb the desk.
    let _ = Notification::new_with_options(e.notification_title, &options);
}

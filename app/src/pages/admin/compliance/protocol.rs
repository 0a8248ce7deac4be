//! The blocked-content log, newest first, filtered by days: what the source policy refused,
//! with rule, operation, version and who; never the content. Policy changes are in the audit
//! log („Protokoll“ tab of the admin area) with their own action kinds.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::{LoadFailed, date_field};
use crate::{
    api::compliance::blocked_content,
    compliance::blocked::BlockedEntry,
    domain::format_berlin,
    i18n::{use_compliance_texts, use_texts},
    pages::admin::AdminTable,
};

#[component]
pub fn Protocol() -> impl IntoView {
    let t = use_texts();
    let c = use_compliance_texts();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let range = RwSignal::new((None, None));
    let entries = Resource::new(move || range.get(), |(from, to)| blocked_content(from, to));
    let day = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        range.set((day(from.get_untracked()), day(to.get_untracked())));
    };
    view! {
        <form class="admin-form inline" on:submit=show>
            {date_field(from, c.from)}
            {date_field(to, c.to)}
            <button type="submit">{c.show}</button>
        </form>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || entries.get().map(|result| match result {
                Ok(entries) if entries.is_empty() => {
                    view! { <p class="state state-empty">{c.no_blocked}</p> }.into_any()
                }
                Ok(entries) => view! { <Entries entries /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Entries(entries: Vec<BlockedEntry>) -> impl IntoView {
    let c = use_compliance_texts();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let place = match (&entry.file_name, entry.line_number) {
                (Some(file), Some(line)) => Some(format!("{file}:{line}")),
                _ => None,
            };
            let detail = [
                entry.rule.clone(),
                entry.operation.clone(),
                place,
                entry.actor.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
            let version = entry
                .policy_version
                .map(|v| format!("v{v}"))
                .unwrap_or_default();
            view! {
                <tr>
                    <td class="nowrap">{format_berlin(entry.occurred_at)}</td>
                    <td><code>{entry.source}</code></td>
                    <td><code>{entry.reason}</code></td>
                    <td>{detail}</td>
                    <td>{version}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable columns=vec![c.when, c.source, c.reason, c.detail, c.version]>{rows}</AdminTable>
    }
}

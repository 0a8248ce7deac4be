//! *Protokoll*: the policy changes (from the audit chain) and the blocked-content log, newest
//! first, for the days chosen, each to download as CSV or JSON. Never the content of a call.

use chrono::NaiveDate;
use leptos::prelude::*;

use super::{LoadFailed, date_field};
use crate::{
    api::{
        REST_PREFIX,
        compliance::{blocked_content, policy_changes},
    },
    compliance::{blocked::BlockedEntry, policy_log::PolicyLogEntry},
    domain::format_berlin,
    i18n::{use_compliance_texts, use_texts},
    pages::admin::AdminTable,
};

type Days = (Option<NaiveDate>, Option<NaiveDate>);

#[component]
pub fn Protocol() -> impl IntoView {
    let c = use_compliance_texts();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let days = RwSignal::new((None, None));
    // Each „Anzeigen“ reads the logs again, also for the same days: new entries may have come.
    let asked = RwSignal::new(0_u32);
    let day = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
    let show = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        days.set((day(from.get_untracked()), day(to.get_untracked())));
        asked.update(|n| *n += 1);
    };
    let shown = move || (days.get(), asked.get());
    let changes = Resource::new(shown, |((from, to), _)| policy_changes(from, to));
    let blocked = Resource::new(shown, |((from, to), _)| blocked_content(from, to));
    view! {
        <form class="admin-form inline" on:submit=show>
            {date_field(from, c.from)}
            {date_field(to, c.to)}
            <button type="submit">{c.show}</button>
        </form>
        <h3>{c.policy_changes}</h3>
        <Downloads path="policy-audit" file="anrufe-richtlinie" days />
        <Transition fallback=loading>
            {move || changes.get().map(|result| match result {
                Ok(entries) if entries.is_empty() => {
                    view! { <p class="state state-empty">{c.no_policy_changes}</p> }.into_any()
                }
                Ok(entries) => view! { <Changes entries /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
        <h3>{c.blocked_content}</h3>
        <Downloads path="blocked-content" file="anrufe-blockierte-inhalte" days />
        <Transition fallback=loading>
            {move || blocked.get().map(|result| match result {
                Ok(entries) if entries.is_empty() => {
                    view! { <p class="state state-empty">{c.no_blocked}</p> }.into_any()
                }
                Ok(entries) => view! { <Blocked entries /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

fn loading() -> impl IntoView {
    view! { <p class="state">{use_texts().loading}</p> }
}

/// Links to the log at `path` under the REST API for the days shown, as CSV and as JSON: the
/// browser downloads what the server reads, for the same days, as `file`.
#[component]
fn Downloads(path: &'static str, file: &'static str, days: RwSignal<Days>) -> impl IntoView {
    let c = use_compliance_texts();
    let href = move |format: &'static str| {
        move || {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("format", format);
            let (from, to) = days.get();
            for (key, day) in [("from", from), ("to", to)] {
                if let Some(day) = day {
                    query.append_pair(key, &day.to_string());
                }
            }
            format!("{REST_PREFIX}/compliance/{path}?{}", query.finish())
        }
    };
    let json_name = format!("{file}.json");
    view! {
        <p class="export">
            {c.download}": "
            <a href=href("csv") rel="external" download>"CSV"</a>
            " · "
            <a href=href("json") rel="external" download=json_name>"JSON"</a>
        </p>
    }
}

#[component]
fn Changes(entries: Vec<PolicyLogEntry>) -> impl IntoView {
    let t = use_texts();
    let c = use_compliance_texts();
    let rows = entries
        .into_iter()
        .map(|entry| {
            let who = entry.actor.unwrap_or_else(|| c.system.to_owned());
            let details = details_text(&entry.details);
            let version = entry.version.map(|v| format!("v{v}")).unwrap_or_default();
            view! {
                <tr>
                    <td class="nowrap">{format_berlin(entry.occurred_at)}</td>
                    <td>{who}</td>
                    <td>{t.audit_action_name(entry.action)}</td>
                    <td>{version}</td>
                    <td>{details}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable columns=vec![c.when, c.who, c.action, c.version, c.details]>{rows}</AdminTable>
    }
}

/// A policy change's details for people: the approved content's hash (shortened), whether it
/// was self-approved, where a rollback started, the single-admin setting. The downloads hold
/// the details in full.
fn details_text(details: &str) -> String {
    let c = use_compliance_texts();
    let Ok(details) = serde_json::from_str::<serde_json::Value>(details) else {
        return details.to_owned();
    };
    let mut parts = Vec::new();
    if let Some(hash) = details["content_hash"].as_str() {
        let short: String = hash.chars().take(12).collect();
        parts.push(format!("{} {short}…", c.content_hash));
    }
    if details["self_approved"] == true {
        parts.push(c.self_approved.to_owned());
    }
    if let Some(from) = details["from"].as_i64() {
        parts.push((c.started_from)(from));
    }
    match details["allow"].as_bool() {
        Some(true) => parts.push(c.self_approval_allowed.to_owned()),
        Some(false) => parts.push(c.self_approval_forbidden.to_owned()),
        None => {}
    }
    parts.join(" · ")
}

#[component]
fn Blocked(entries: Vec<BlockedEntry>) -> impl IntoView {
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

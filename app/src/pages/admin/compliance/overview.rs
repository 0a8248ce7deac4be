//! The overview: tiles for the active version, the allowed sources, today's refusals and the
//! compliance score, the auditor checklist with each item's state, and the report to download.

use leptos::prelude::*;

use super::{approver, date_field};
use crate::{
    api::REST_PREFIX,
    compliance::{
        checklist::{checklist, score},
        version::PolicyVersion,
    },
    domain::{BERLIN, format_berlin},
    i18n::use_compliance_texts,
};

#[component]
pub fn Overview(active: PolicyVersion, blocked_today: i64) -> impl IntoView {
    let c = use_compliance_texts();
    let items = checklist(&active);
    let score = score(&items);
    let sources: Vec<String> = active
        .document
        .sources
        .iter()
        .filter(|source| source.active)
        .map(|source| source.name.clone())
        .collect();
    let hash = active
        .content_hash
        .as_deref()
        .map(|hash| hash.chars().take(12).collect::<String>())
        .unwrap_or_default();
    let decided = active.decided_at.map(format_berlin).unwrap_or_default();
    view! {
        <div class="tiles">
            <div class="tile">
                <span class="tile-label">{c.active_version}</span>
                <strong class="tile-value">{active.version}</strong>
                <span class="muted">{(c.version_line)(active.version, &approver(&active))}</span>
                <span class="muted">{decided}" · "<code>{hash}</code></span>
            </div>
            <div class="tile">
                <span class="tile-label">{c.allowed_sources}</span>
                <strong class="tile-value">{sources.len()}</strong>
                <span class="muted">{sources.join(", ")}</span>
            </div>
            <div class="tile">
                <span class="tile-label">{c.blocked_today}</span>
                <strong class="tile-value">{blocked_today}</strong>
            </div>
            <div class="tile">
                <span class="tile-label">{c.score}</span>
                <strong class="tile-value">{format!("{score} %")}</strong>
            </div>
        </div>
        <h3>{c.checklist}</h3>
        <ul class="checklist">
            {items.into_iter().map(|(item, met)| view! {
                <li class=if met { "check-met" } else { "check-missing" }>
                    <span class="check-state">{if met { c.met } else { c.missing }}</span>
                    {(c.item)(item)}
                </li>
            }).collect_view()}
        </ul>
        <Report />
    }
}

/// The compliance report of a period (the last 30 days unless changed) as PDF or JSON: plain
/// links, so the browser downloads what the server renders and audits.
#[component]
fn Report() -> impl IntoView {
    let c = use_compliance_texts();
    let today = chrono::Utc::now().with_timezone(&BERLIN).date_naive();
    let from = RwSignal::new((today - chrono::Days::new(29)).to_string());
    let to = RwSignal::new(today.to_string());
    let href = move |format: &str| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("format", format);
        for (key, value) in [("from", from.get()), ("to", to.get())] {
            if !value.is_empty() {
                query.append_pair(key, &value);
            }
        }
        format!("{REST_PREFIX}/compliance/report?{}", query.finish())
    };
    view! {
        <h3>{c.report}</h3>
        <p class="muted">{c.report_hint}</p>
        <div class="admin-form inline">
            {date_field(from, c.from)}
            {date_field(to, c.to)}
            <a class="button-link" href=move || href("pdf") download>{c.report_pdf}</a>
            <a class="button-link secondary" href=move || href("json") download>{c.report_json}</a>
        </div>
    }
}

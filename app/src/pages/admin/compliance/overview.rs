//! The overview: tiles for the active version, the allowed sources, today's refusals and the
//! compliance score, and the auditor checklist with each item's state.

use leptos::prelude::*;

use super::approver;
use crate::{
    compliance::{
        checklist::{checklist, score},
        version::PolicyVersion,
    },
    domain::format_berlin,
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
    }
}

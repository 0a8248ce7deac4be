//! The compliance area (seed 003 §4.3): overview with the auditor checklist, sources and the
//! operations matrix, PII rules with a live tester, versions with four-eyes approval, and the
//! blocked-content log. Edits change a working copy of the policy; saving makes it the draft,
//! which another admin approves.

mod overview;
mod protocol;
mod rules;
mod shadow;
mod sources;
mod versions;

use leptos::prelude::*;

use super::{LoadFailed, use_notice};
use crate::{
    api::compliance::{ComplianceState, load_compliance, save_policy_draft},
    compliance::{
        policy::PolicyDocument,
        version::{PolicyVersion, VersionState},
    },
    i18n::{use_compliance_texts, use_texts},
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Overview,
    Sources,
    Rules,
    Versions,
    Protocol,
}

/// The policy being edited: the draft's content, or the active version's when there is no
/// draft, and whether it has changed since it was loaded.
#[derive(Clone, Copy)]
struct Working {
    document: RwSignal<PolicyDocument>,
    changed: RwSignal<bool>,
}

impl Working {
    fn edit(self, change: impl FnOnce(&mut PolicyDocument)) {
        self.document.update(change);
        self.changed.set(true);
    }
}

#[component]
pub fn ComplianceView() -> impl IntoView {
    let t = use_texts();
    let c = use_compliance_texts();
    let state = Resource::new(|| (), |()| load_compliance());
    let reload = Callback::new(move |()| state.refetch());
    // Outside the reloaded part, so saving or approving keeps the tab one is on.
    let tab = RwSignal::new(Tab::Overview);
    view! {
        <h2>{c.tab}</h2>
        <p class="muted">{c.intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || state.get().map(|result| match result {
                Ok(state) => view! { <Area state reload tab /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Area(state: ComplianceState, reload: Callback<()>, tab: RwSignal<Tab>) -> impl IntoView {
    let c = use_compliance_texts();
    let draft = state
        .versions
        .iter()
        .find(|version| version.state == VersionState::Draft)
        .cloned();
    let active = state
        .versions
        .iter()
        .find(|version| version.active)
        .cloned();
    let start = draft
        .as_ref()
        .or(active.as_ref())
        .map(|version| version.document.clone());
    let Some((active, start)) = active.zip(start) else {
        return view! { <p class="state state-error">{use_texts().error_internal}</p> }.into_any();
    };
    let working = Working {
        document: RwSignal::new(start),
        changed: RwSignal::new(false),
    };
    let tabs = [
        (Tab::Overview, c.overview),
        (Tab::Sources, c.sources),
        (Tab::Rules, c.rules),
        (Tab::Versions, c.versions),
        (Tab::Protocol, c.protocol),
    ];
    let draft_version = draft.as_ref().map(|version| version.version);
    let editing = move || match draft_version {
        Some(version) => (c.editing_draft)(version),
        None => c.editing_active.to_owned(),
    };
    let shows = move |wanted: Tab| move || tab.get() == wanted;
    view! {
        <div class="compliance-tabs" role="tablist" aria-label=c.tab>
            {tabs.into_iter().map(|(which, label)| view! {
                <button
                    type="button"
                    role="tab"
                    aria-selected=move || (tab.get() == which).to_string()
                    on:click=move |_| tab.set(which)
                >{label}</button>
            }).collect_view()}
        </div>
        <Show when=shows(Tab::Overview)>
            <overview::Overview active=active.clone() blocked_today=state.blocked_today />
        </Show>
        <Show when=move || matches!(tab.get(), Tab::Sources | Tab::Rules)>
            <p class="muted">{editing}</p>
        </Show>
        <Show when=shows(Tab::Sources)>
            <sources::Sources working />
        </Show>
        <Show when=shows(Tab::Rules)>
            <rules::Rules working />
        </Show>
        <Show when=move || matches!(tab.get(), Tab::Sources | Tab::Rules)>
            <SaveDraft working reload />
        </Show>
        <Show when=shows(Tab::Versions)>
            <versions::Versions
                versions=state.versions.clone()
                me=state.me
                allow_self_approval=state.allow_self_approval
                reload
            />
        </Show>
        <Show when=shows(Tab::Protocol)>
            <protocol::Protocol />
        </Show>
    }
    .into_any()
}

/// Saves the working copy as the draft.
#[component]
fn SaveDraft(working: Working, reload: Callback<()>) -> impl IntoView {
    let c = use_compliance_texts();
    let notice = use_notice();
    let save = move |_| {
        notice.run(
            save_policy_draft(working.document.get_untracked()),
            move |version| (c.draft_saved)(version),
            move || reload.run(()),
        );
    };
    view! {
        <div class="save-bar">
            <Show when=move || working.changed.get()>
                <span class="muted">{c.unsaved}</span>
            </Show>
            <button type="button" on:click=save disabled=move || !working.changed.get()>
                {c.save_draft}
            </button>
        </div>
    }
}

/// A day to filter by, as the browser's date field shows it (`YYYY-MM-DD` in the signal).
fn date_field(signal: RwSignal<String>, caption: &'static str) -> impl IntoView {
    view! {
        <label class="field">
            {caption}
            <input
                type="date"
                prop:value=move || signal.get()
                on:input=move |ev| signal.set(event_target_value(&ev))
            />
        </label>
    }
}

/// Who approved a version, for people.
fn approver(version: &PolicyVersion) -> String {
    version
        .decided_by
        .clone()
        .unwrap_or_else(|| use_compliance_texts().by_system.to_owned())
}

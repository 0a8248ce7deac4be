//! Every version with who drafted, changed and decided it and what it changed against the
//! version it started from; the draft's approval (four eyes) and rejection, rollback of an
//! approved version, and the single-admin setting.

use leptos::prelude::*;

use super::{approver, use_notice};
use crate::{
    api::compliance::{approve_policy, reject_policy, roll_back_policy, set_self_approval},
    compliance::version::{PolicyVersion, VersionState, diff},
    domain::format_berlin,
    i18n::use_compliance_texts,
    pages::admin::AdminTable,
};

#[component]
pub fn Versions(
    versions: Vec<PolicyVersion>,
    me: i64,
    allow_self_approval: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let c = use_compliance_texts();
    let notice = use_notice();
    let rows = versions
        .iter()
        .map(|version| {
            let before = version
                .based_on
                .and_then(|based_on| versions.iter().find(|v| v.version == based_on));
            let changes = before.map(|before| diff(&before.document, &version.document));
            view! { <VersionRow version=version.clone() changes me reload /> }
        })
        .collect_view();
    let self_approval = RwSignal::new(allow_self_approval);
    view! {
        <AdminTable columns=vec![c.version, c.state, c.author, c.decided, c.changes, ""]>
            {rows}
        </AdminTable>
        <label class="choice">
            <input
                type="checkbox"
                prop:checked=move || self_approval.get()
                on:change=move |ev| {
                    let allow = event_target_checked(&ev);
                    self_approval.set(allow);
                    notice.run(set_self_approval(allow), move |()| c.self_approval_saved.to_owned(), || {});
                }
            />
            {c.self_approval}
        </label>
    }
}

#[component]
fn VersionRow(
    version: PolicyVersion,
    changes: Option<Vec<crate::compliance::version::Change>>,
    me: i64,
    reload: Callback<()>,
) -> impl IntoView {
    let c = use_compliance_texts();
    let notice = use_notice();
    let number = version.version;
    let mut state = (c.state_name)(version.state).to_owned();
    if version.active {
        state = format!("{state} · {}", c.active);
    }
    if version.self_approved {
        state = format!("{state} · {}", c.self_approved);
    }
    let author = match (&version.author, &version.last_editor) {
        (Some(author), Some(editor)) if author != editor => format!("{author} / {editor}"),
        (Some(author), _) => author.clone(),
        (None, _) => c.by_system.to_owned(),
    };
    let decided = version
        .decided_at
        .map(|at| format!("{} · {}", format_berlin(at), approver(&version)));
    let changes = match changes {
        Some(changes) if changes.is_empty() => c.no_changes.to_owned(),
        Some(changes) => changes
            .iter()
            .map(|change| (c.change)(change))
            .collect::<Vec<_>>()
            .join("; "),
        None => String::new(),
    };
    let own = version.author_id == Some(me) || version.last_editor_id == Some(me);
    let note = RwSignal::new(String::new());
    let actions = match version.state {
        VersionState::Draft => view! {
            <div class="version-actions">
                {own.then(|| view! { <p class="muted">{c.own_draft}</p> })}
                <button type="button" on:click=move |_| notice.run(
                    approve_policy(number),
                    move |_| (c.approved)(number),
                    move || reload.run(()),
                )>{c.approve}</button>
                <input
                    type="text"
                    aria-label=c.reject_note
                    placeholder=c.reject_note
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                />
                <button type="button" class="button-quiet" on:click=move |_| notice.run(
                    reject_policy(number, note.get_untracked()),
                    move |()| (c.rejected)(number),
                    move || reload.run(()),
                )>{c.reject}</button>
            </div>
        }
        .into_any(),
        VersionState::Approved if !version.active => view! {
            <button type="button" class="button-quiet" on:click=move |_| notice.run(
                roll_back_policy(number),
                move |draft| (c.rolled_back)(draft),
                move || reload.run(()),
            )>{c.roll_back}</button>
        }
        .into_any(),
        VersionState::Approved | VersionState::Rejected => {
            view! { <span class="muted">{version.decision_note.clone()}</span> }.into_any()
        }
    };
    view! {
        <tr class:version-active=version.active>
            <td>{number}</td>
            <td>{state}</td>
            <td>{author}</td>
            <td class="nowrap">{decided}</td>
            <td>{changes}</td>
            <td>{actions}</td>
        </tr>
    }
}

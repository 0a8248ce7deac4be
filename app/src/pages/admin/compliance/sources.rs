//! The allowed sources and their operations matrix, edited in the working copy: sources added
//! and removed, each switch of the matrix. Training has no switch: it is shown locked as
//! forbidden.

use leptos::prelude::*;

use super::Working;
use crate::{
    compliance::policy::{Operation, Operations, Permission, Source, is_source_id},
    i18n::use_compliance_texts,
    pages::admin::AdminTable,
};

#[component]
pub fn Sources(working: Working) -> impl IntoView {
    let c = use_compliance_texts();
    let count = move || working.document.with(|document| document.sources.len());
    view! {
        <AdminTable columns=vec![
            c.source_name, c.source_id, c.legal_basis, c.active, c.lookup, c.llm, c.export, c.training,
            "",
        ]>
            <For each=move || 0..count() key=|index| *index let:index>
                <SourceRow working index />
            </For>
        </AdminTable>
        <AddSource working />
    }
}

/// A new source for the working copy: active, with the default matrix (lookup allowed, export
/// with a justification, the LLM not).
#[component]
fn AddSource(working: Working) -> impl IntoView {
    let c = use_compliance_texts();
    let name = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    let legal_basis = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_id = id.get_untracked().trim().to_owned();
        let taken = working
            .document
            .with_untracked(|d| d.sources.iter().any(|source| source.id == new_id));
        let refused = if name.get_untracked().trim().is_empty() {
            Some(c.source_name_missing)
        } else if !is_source_id(&new_id) {
            Some(c.source_id_hint)
        } else if taken {
            Some(c.source_id_taken)
        } else {
            None
        };
        problem.set(refused);
        if refused.is_some() {
            return;
        }
        let source = Source {
            id: new_id,
            name: name.get_untracked().trim().to_owned(),
            legal_basis: legal_basis.get_untracked().trim().to_owned(),
            notes: String::new(),
            active: true,
            operations: Operations::DEFAULT,
        };
        working.edit(|d| d.put_source(source));
        for field in [name, id, legal_basis] {
            field.set(String::new());
        }
    };
    let field = move |signal: RwSignal<String>, caption: &'static str| {
        view! {
            <label class="field">
                {caption}
                <input
                    type="text"
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <h3>{c.add_source}</h3>
        <form class="admin-form inline new-source" on:submit=add>
            {field(name, c.source_name)}
            {field(id, c.source_id)}
            {field(legal_basis, c.legal_basis)}
            <button type="submit">{c.add_source}</button>
        </form>
        <p class=move || if problem.get().is_some() { "state state-error" } else { "muted" } role="status">
            {move || problem.get().unwrap_or(c.source_id_hint)}
        </p>
    }
}

#[component]
fn SourceRow(working: Working, index: usize) -> impl IntoView {
    let c = use_compliance_texts();
    let read = move |f: fn(&Source) -> String| {
        move || {
            working
                .document
                .with(|d| d.sources.get(index).map(f).unwrap_or_default())
        }
    };
    let active = move || {
        working
            .document
            .with(|d| d.sources.get(index).is_some_and(|source| source.active))
    };
    let cell = move |operation: Operation, label: &'static str| {
        let permission = move || {
            working.document.with(|d| {
                d.sources
                    .get(index)
                    .and_then(|source| source.operations.get(operation))
            })
        };
        let set = move |change: fn(&mut Permission, bool), on: bool| {
            working.edit(|d| {
                if let Some(permission) = d
                    .sources
                    .get_mut(index)
                    .and_then(|source| source.operations.get_mut(operation))
                {
                    change(permission, on);
                }
            });
        };
        view! {
            <td class="matrix-cell">
                <label>
                    <input
                        type="checkbox"
                        aria-label=label
                        prop:checked=move || permission().is_some_and(|p| p.allowed)
                        on:change=move |ev| set(|p, on| p.allowed = on, event_target_checked(&ev))
                    />
                </label>
                <label class="muted justification">
                    <input
                        type="checkbox"
                        prop:checked=move || permission().is_some_and(|p| p.needs_justification)
                        on:change=move |ev| {
                            set(|p, on| p.needs_justification = on, event_target_checked(&ev));
                        }
                    />
                    {c.with_justification}
                </label>
            </td>
        }
    };
    view! {
        <tr>
            <td>{read(|s| s.name.clone())}</td>
            <td><code>{read(|s| s.id.clone())}</code></td>
            <td>
                <input
                    type="text"
                    aria-label=c.legal_basis
                    prop:value=read(|s| s.legal_basis.clone())
                    on:change=move |ev| {
                        let text = event_target_value(&ev);
                        working.edit(|d| {
                            if let Some(source) = d.sources.get_mut(index) {
                                source.legal_basis = text;
                            }
                        });
                    }
                />
            </td>
            <td>
                <input
                    type="checkbox"
                    aria-label=c.active
                    prop:checked=active
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        working.edit(|d| {
                            if let Some(source) = d.sources.get_mut(index) {
                                source.active = on;
                            }
                        });
                    }
                />
            </td>
            {cell(Operation::Lookup, c.lookup)}
            {cell(Operation::Llm, c.llm)}
            {cell(Operation::Export, c.export)}
            <td class="matrix-locked">
                <span class="locked">{c.training_forbidden}</span>
            </td>
            <td>
                <button
                    type="button"
                    class="button-small button-quiet"
                    on:click=move |_| working.edit(|d| {
                        if index < d.sources.len() {
                            d.sources.remove(index);
                        }
                    })
                >
                    {c.remove}
                </button>
            </td>
        </tr>
    }
}

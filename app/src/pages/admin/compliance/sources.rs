//! The allowed sources and their operations matrix, edited in the working copy. Training has
//! no switch: it is shown locked as forbidden.

use leptos::prelude::*;

use super::Working;
use crate::{
    compliance::policy::{Operation, Permission, Source},
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
        ]>
            <For each=move || 0..count() key=|index| *index let:index>
                <SourceRow working index />
            </For>
        </AdminTable>
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
        </tr>
    }
}

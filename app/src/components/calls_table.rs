//! The table of calls with the columns of the blueprint. Rows are keyed by call and version,
//! so a live update inserts and replaces rows without disturbing the others.

use leptos::prelude::*;

use crate::{
    components::{Desk, masked::MaskedText},
    domain::{CallListItem, CallStatus, PiiField, Priority, format_berlin, format_berlin_relative},
    i18n::{use_escalation_texts, use_llm_texts, use_repeat_texts, use_rights_texts, use_texts},
};

#[component]
pub fn CallsTable(
    #[prop(into)] items: Signal<Vec<CallListItem>>,
    /// Opens the detail drawer for a call.
    on_open: Callback<i64>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
    let all_selected = move || {
        let selection = desk.selection.get();
        items.with(|items| !items.is_empty() && items.iter().all(|c| selection.contains(&c.id)))
    };
    let toggle_all = move |_| {
        let select = !all_selected();
        desk.selection.update(|selection| {
            for call in items.get_untracked() {
                if select {
                    selection.insert(call.id);
                } else {
                    selection.remove(&call.id);
                }
            }
        });
    };
    view! {
        <div class="table-scroll">
            <table class="calls">
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <input
                                type="checkbox"
                                aria-label=t.select_all
                                prop:checked=all_selected
                                on:change=toggle_all
                            />
                        </th>
                        <th scope="col">{t.col_time}</th>
                        <th scope="col">{t.col_caller}</th>
                        <th scope="col">{t.col_concern}</th>
                        <th scope="col">{t.col_date_of_birth}</th>
                        <th scope="col">{t.col_source_priority}</th>
                        <th scope="col">{t.col_status}</th>
                        <th scope="col">{t.col_assignee}</th>
                        <th scope="col">{t.col_updated}</th>
                        <th scope="col"><span class="visually-hidden">{t.actions}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || items.get()
                        key=|call| {
                            (call.id, call.version, call.updated_at, call.repeats, call.suggestion.clone())
                        }
                        let(call)
                    >
                        <CallRow call on_open />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CallRow(call: CallListItem, on_open: Callback<i64>) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
    let e = use_escalation_texts();
    let r = use_repeat_texts();
    let id = call.id;
    let urgent = call.priority == Priority::Urgent;
    // A status asked for shows at once, until the reload brings the row as the server has it.
    let (version, own_status) = (call.version, call.status);
    let asked = move || desk.asked_status(id, version);
    let status = move || asked().unwrap_or(own_status);
    let done = move || status() == CallStatus::Done;
    let now = chrono::Utc::now();
    let relative = |at| format_berlin_relative(at, now, t.today_at, t.yesterday_at);
    let name = match call.mask_of(PiiField::CallerName) {
        Some(masked) => Some(view! { <MaskedText value=masked.clone() /> }.into_any()),
        None => call
            .caller_name
            .get()
            .clone()
            .map(|name| view! { <span class="caller-name">{name}</span> }.into_any()),
    };
    let number = match call.mask_of(PiiField::CallerNumber) {
        Some(masked) => Some(view! { <MaskedText value=masked.clone() /> }.into_any()),
        None => call.caller_number.get().clone().map(|number| {
            let href = format!("tel:{}", number.e164());
            view! {
                <a class="caller-number" href=href on:click=|ev| ev.stop_propagation()>
                    {number.display().to_owned()}
                </a>
            }
            .into_any()
        }),
    };
    let caller = if name.is_none() && number.is_none() {
        view! { <span class="muted">{t.anonymous}</span> }.into_any()
    } else {
        view! { {name} {number} }.into_any()
    };
    let date_of_birth = match call.mask_of(PiiField::DateOfBirth) {
        Some(masked) => Some(view! { <MaskedText value=masked.clone() /> }.into_any()),
        None => call
            .date_of_birth
            .get()
            .map(|d| d.format("%d.%m.%Y").to_string().into_any()),
    };
    let selected = move || desk.selection.with(|s| s.contains(&id));
    let toggle = move |_| {
        desk.selection.update(|s| {
            if !s.remove(&id) {
                s.insert(id);
            }
        });
    };
    let done_call = call.clone();
    let hint = suggestion_hint(&call);
    view! {
        <tr
            class:urgent=urgent
            class:pinned=call.awaits_someone()
            class:escalated=call.escalated
            class:fresh=move || desk.fresh.with(|f| f.contains(&id))
            class:focused=move || desk.focused.get() == Some(id)
            class:selected=selected
            class:restricted=call.restricted
            class:asked=move || asked().is_some()
            data-status=move || status().as_str()
            data-id=id
            tabindex="-1"
            on:focus=move |_| desk.focused.set(Some(id))
            on:click=move |_| on_open.run(id)
        >
            <td class="select" on:click=|ev| ev.stop_propagation()>
                <input
                    type="checkbox"
                    aria-label=t.select_row
                    prop:checked=selected
                    on:change=toggle
                />
            </td>
            <td class="nowrap" title=format_berlin(call.received_at)>
                {relative(call.received_at)}
            </td>
            <td class="caller">
                {caller}
                {(call.repeats > 1).then(|| view! {
                    <span class="badge badge-repeats" title=(r.badge_title)(call.repeats)>
                        {(r.badge)(call.repeats)}
                    </span>
                })}
            </td>
            <td class="topic">
                {call.topic.clone().unwrap_or_default()}
                {call.category.clone().map(|category| view! { <span class="category">{category}</span> })}
                {hint}
            </td>
            <td class="nowrap">{date_of_birth}</td>
            <td>
                <span class="source">{call.source_name.clone()}</span>
                <span class=format!("badge priority-{}", call.priority.as_str())>
                    {t.priority(call.priority)}
                </span>
                {call.red_flag.then(|| view! {
                    <span class="badge badge-red-flag" title=e.red_flag_title>{e.red_flag}</span>
                })}
            </td>
            <td>
                <span class=move || format!("badge status-{}", status().as_str().to_lowercase())>
                    {move || t.status(status())}
                </span>
                {call.restricted.then(|| view! {
                    <span class="badge badge-restricted">{use_rights_texts().badge}</span>
                })}
                {move || (call.escalated && !done()).then(|| view! {
                    <span class="badge badge-escalated">{e.escalated}</span>
                })}
            </td>
            <td>{assignee(call.assignee_name.clone())}</td>
            <td class="nowrap muted" title=format_berlin(call.updated_at)>
                {relative(call.updated_at)}
            </td>
            <td class="row-actions" on:click=|ev| ev.stop_propagation()>
                <button
                    type="button"
                    class="button-small"
                    disabled=move || done() || call.restricted
                    title=t.mark_done_hint
                    on:click=move |_| desk.set_status(&done_call, CallStatus::Done)
                >
                    {t.status(CallStatus::Done)}
                </button>
            </td>
        </tr>
    }
}

/// The newest LLM suggestion, while the call does not have it yet: a quiet line, plain text.
fn suggestion_hint(call: &CallListItem) -> Option<impl IntoView + use<>> {
    let hint = call.suggestion.as_ref()?;
    let taken = call.category.as_ref() == Some(&hint.category) && call.priority == hint.urgency;
    if taken {
        return None;
    }
    let t = use_texts();
    let l = use_llm_texts();
    let text = (l.hint)(&hint.category, t.priority(hint.urgency));
    Some(view! { <span class="llm-hint" title=l.hint_title>{text}</span> })
}

fn assignee(name: Option<String>) -> AnyView {
    match name {
        None => view! { <span class="muted">"—"</span> }.into_any(),
        Some(name) => {
            let initials: String = name
                .split_whitespace()
                .filter_map(|part| part.chars().next())
                .take(2)
                .collect();
            view! {
                <span class="assignee">
                    <span class="avatar" aria-hidden="true">{initials}</span>
                    {name}
                </span>
            }
            .into_any()
        }
    }
}

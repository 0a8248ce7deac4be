//! The table of calls with the columns of the blueprint.

use leptos::prelude::*;

use crate::domain::{CallListItem, CallPage, CallStatus, Priority, format_berlin};

#[component]
pub fn CallsTable(page: CallPage, status: Option<CallStatus>) -> impl IntoView {
    if page.items.is_empty() {
        let message = match status {
            Some(status) => format!("Keine Anrufe mit Status „{}“.", status.label_de()),
            None => "Noch keine Anrufe eingegangen.".to_owned(),
        };
        return view! {
            <section class="state state-empty">
                <p>{message}</p>
            </section>
        }
        .into_any();
    }
    let shown = page.items.len();
    let total = page.total;
    view! {
        <p class="table-meta" aria-live="polite">
            {format!("{shown} von {total} Anrufen")}
        </p>
        <div class="table-scroll">
            <table class="calls">
                <thead>
                    <tr>
                        <th scope="col">"Zeitpunkt"</th>
                        <th scope="col">"Name / Nummer"</th>
                        <th scope="col">"Anliegen"</th>
                        <th scope="col">"Geburtsdatum"</th>
                        <th scope="col">"Quelle / Priorität"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Zugewiesen an"</th>
                        <th scope="col">"Letzte Änderung"</th>
                    </tr>
                </thead>
                <tbody>{page.items.into_iter().map(|call| view! { <CallRow call /> }).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn CallRow(call: CallListItem) -> impl IntoView {
    let urgent = call.priority == Priority::Urgent;
    let caller = match (&call.caller_name, &call.caller_number) {
        (None, None) => view! { <span class="muted">"Anonym"</span> }.into_any(),
        (name, number) => view! {
            <span class="caller-name">{name.clone()}</span>
            {number.clone().map(|number| {
                let href = format!("tel:{}", number.e164());
                view! { <a class="caller-number" href=href>{number.display().to_owned()}</a> }
            })}
        }
        .into_any(),
    };
    view! {
        <tr class:urgent=urgent data-status=call.status.as_str()>
            <td class="nowrap">{format_berlin(call.received_at)}</td>
            <td class="caller">{caller}</td>
            <td class="topic">{call.topic.unwrap_or_default()}</td>
            <td class="nowrap">{call.date_of_birth.map(|d| d.format("%d.%m.%Y").to_string())}</td>
            <td>
                <span class="source">{call.source}</span>
                <span class=format!("badge priority-{}", call.priority.as_str())>
                    {call.priority.label_de()}
                </span>
            </td>
            <td>
                <span class=format!("badge status-{}", call.status.as_str().to_lowercase())>
                    {call.status.label_de()}
                </span>
            </td>
            <td>{assignee(call.assignee_name)}</td>
            <td class="nowrap muted">{format_berlin(call.updated_at)}</td>
        </tr>
    }
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

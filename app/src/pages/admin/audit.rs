//! The audit log: every change, login and reveal, filtered by person, action and days, and
//! exported as CSV or JSON. The filter and the page live in the URL.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Form},
    hooks::use_query_map,
};

use super::{AdminTable, LoadFailed};
use crate::{
    api::admin::{ADMIN_PATH, AUDIT_EXPORT_PATH, accounts, audit_log},
    domain::{AuditAction, AuditFilter, AuditLogPage, AuditRecord, format_berlin},
    i18n::use_texts,
};

#[component]
pub fn AuditView() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(|q| AuditFilter::from_params(|key| q.get(key))));
    let before = Memo::new(move |_| query.with(|q| q.get("before")?.parse::<i64>().ok()));
    let page = Resource::new(
        move || (filter.get(), before.get()),
        |(filter, before)| audit_log(filter, before),
    );
    let export = move |format: &str| {
        let filter = filter.get().to_query();
        let separator = if filter.is_empty() { "" } else { "&" };
        format!("{AUDIT_EXPORT_PATH}?format={format}{separator}{filter}")
    };
    view! {
        <h2>{t.admin_audit}</h2>
        <AuditFilterForm filter />
        <p class="export">
            {t.export}": "
            <a href=move || export("csv") rel="external" download>"CSV"</a>
            " · "
            <a href=move || export("json") rel="external" download>"JSON"</a>
        </p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) if page.records.is_empty() => {
                    view! { <p class="state state-empty">{t.no_audit_rows}</p> }.into_any()
                }
                Ok(page) => {
                    let paged = before.get_untracked().is_some();
                    view! { <AuditTable page filter=filter.get_untracked() paged /> }.into_any()
                }
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn AuditFilterForm(filter: Memo<AuditFilter>) -> impl IntoView {
    let t = use_texts();
    let people = Resource::new(|| (), |()| accounts());
    let current = filter.get_untracked();
    let action_options = AuditAction::ALL.map(|action| {
        view! {
            <option value=action.as_str() selected=current.action == Some(action)>
                {t.audit_action_name(action)}
            </option>
        }
    });
    let chosen_user = current.user_id;
    view! {
        <Form method="GET" action=format!("{ADMIN_PATH}/audit") attr:class="admin-form filters-inline">
            <label>
                {t.audit_person}
                <select name="user">
                    <option value="">{t.all}</option>
                    <Suspense>
                        {move || people.get().and_then(Result::ok).map(|people| {
                            people.into_iter().map(|person| view! {
                                <option value=person.id selected=chosen_user == Some(person.id)>
                                    {person.name}
                                </option>
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label>
                {t.audit_action}
                <select name="action">
                    <option value="">{t.all}</option>
                    {action_options}
                </select>
            </label>
            <label>
                {t.from}
                <input type="date" name="from" value=current.from.map(|d| d.to_string()) />
            </label>
            <label>
                {t.to}
                <input type="date" name="to" value=current.to.map(|d| d.to_string()) />
            </label>
            <button type="submit">{t.apply}</button>
        </Form>
    }
}

#[component]
fn AuditTable(
    page: AuditLogPage,
    filter: AuditFilter,
    /// Showing older rows, not the newest.
    paged: bool,
) -> impl IntoView {
    let t = use_texts();
    let older = page.older.map(|position| {
        let filter = filter.to_query();
        let separator = if filter.is_empty() { "" } else { "&" };
        format!("{ADMIN_PATH}/audit?{filter}{separator}before={position}")
    });
    view! {
        <AdminTable columns=vec![
            "#",
            t.audit_time,
            t.audit_by,
            t.audit_action,
            t.call_title,
            t.audit_change,
        ]>
            {page.records.into_iter().map(|record| view! { <AuditRow record /> }).collect_view()}
        </AdminTable>
        <nav class="pager" aria-label=t.pages>
            {paged.then(|| view! {
                <A href=format!("{ADMIN_PATH}/audit?{}", filter.to_query())>{t.newest_entries}</A>
            })}
            {older.map(|href| view! { <A href=href>{t.older_entries}</A> })}
        </nav>
    }
}

#[component]
fn AuditRow(record: AuditRecord) -> impl IntoView {
    let t = use_texts();
    let actor = record
        .actor_name
        .clone()
        .unwrap_or_else(|| t.actor_kind(record.actor_kind).to_owned());
    let action = t.audit_action_name(record.action);
    view! {
        <tr title=record.row_hash>
            <td class="mono">{record.position}</td>
            <td class="nowrap">{format_berlin(record.occurred_at)}</td>
            <td>{actor}</td>
            <td>{action}</td>
            <td>{record.call_id.map(|id| view! { <a href=format!("/?call={id}")>{id}</a> })}</td>
            <td class="mono">
                {record.diff}
                {record.reason.map(|reason| view! { <span class="reason">" — "{t.reveal_reason}": "{reason}</span> })}
            </td>
        </tr>
    }
}

//! Quick filters, status, search, time range and order. All of it lives in the URL: the quick
//! filters and the status are links, the rest is a GET form the router submits in place, so
//! every view can be bookmarked and works before the page is interactive.

use leptos::prelude::*;
use leptos_router::components::{A, Form};

use crate::{
    domain::{CallQuery, CallSort, CallStatus, OPEN_STATUSES, TimeRange},
    i18n::use_texts,
};

/// The `id` of the search box, focused by the `/` key.
pub const SEARCH_INPUT_ID: &str = "search";

#[component]
pub fn FilterBar(
    query: Memo<CallQuery>,
    /// The logged-in user's id, for "Meine" (read from a resource: only inside `Suspense`).
    me: Signal<Option<i64>>,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="filters" aria-label=t.filters>
            <div class="quick-filters" role="group" aria-label=t.quick_filters>
                <QuickFilter query label=t.today active=|q| q.range == Some(TimeRange::Today)
                    toggle=|q, on| q.range = on.then_some(TimeRange::Today) />
                <QuickFilter query label=t.last_hour active=|q| q.range == Some(TimeRange::LastHour)
                    toggle=|q, on| q.range = on.then_some(TimeRange::LastHour) />
                <QuickFilter query label=t.open active=CallQuery::is_open_only
                    toggle=|q, on| q.statuses = if on { OPEN_STATUSES.to_vec() } else { Vec::new() } />
                <Suspense>
                    <MineFilter query me />
                </Suspense>
            </div>
            <StatusLinks query />
            <SearchForm query />
        </nav>
    }
}

#[component]
fn QuickFilter(
    query: Memo<CallQuery>,
    label: &'static str,
    active: fn(&CallQuery) -> bool,
    toggle: fn(&mut CallQuery, bool),
) -> impl IntoView {
    let is_active = move || query.with(active);
    let href = move || {
        let mut next = query.get();
        let on = !active(&next);
        toggle(&mut next, on);
        next.href()
    };
    view! {
        <A href=href attr:class="chip" attr:aria-pressed=move || is_active().to_string()>
            {label}
        </A>
    }
}

/// The calls assigned to the logged-in user.
#[component]
fn MineFilter(query: Memo<CallQuery>, me: Signal<Option<i64>>) -> impl IntoView {
    let t = use_texts();
    let is_active = move || me.get().is_some() && query.with(|q| q.assignee) == me.get();
    let href = move || {
        let assignee = if is_active() { None } else { me.get() };
        CallQuery {
            assignee,
            ..query.get()
        }
        .href()
    };
    view! {
        <A href=href attr:class="chip" attr:aria-pressed=move || is_active().to_string()>
            {t.mine}
        </A>
    }
}

#[component]
fn StatusLinks(query: Memo<CallQuery>) -> impl IntoView {
    let t = use_texts();
    let options = std::iter::once((None, t.all)).chain(
        CallStatus::ALL
            .into_iter()
            .map(|status| (Some(status), t.status(status))),
    );
    view! {
        <div class="segmented" role="group" aria-label=t.col_status>
            {options
                .map(|(status, label)| {
                    let statuses: Vec<CallStatus> = status.into_iter().collect();
                    let selected = {
                        let statuses = statuses.clone();
                        move || query.with(|q| q.statuses == statuses)
                    };
                    let href = move || {
                        CallQuery { statuses: statuses.clone(), ..query.get() }.href()
                    };
                    view! {
                        <A href=href attr:aria-pressed=move || selected().to_string()>{label}</A>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn SearchForm(query: Memo<CallQuery>) -> impl IntoView {
    let t = use_texts();
    // Every value follows the URL, so a search keeps the status and range chosen by link.
    let param = move |key: &'static str| {
        move || {
            query.with(|q| {
                q.to_params()
                    .into_iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, value)| value)
                    .unwrap_or_default()
            })
        }
    };
    let relative = move || match query.with(|q| q.range) {
        Some(TimeRange::Today) => "today",
        Some(TimeRange::LastHour) => "hour",
        _ => "",
    };
    view! {
        <Form method="GET" action="/" noscroll=true>
            <div class="search-form">
                <input type="hidden" name="status" prop:value=param("status") />
                <input type="hidden" name="range" prop:value=relative />
                <input type="hidden" name="assignee" prop:value=param("assignee") />
                <label class="search">
                    <span class="visually-hidden">{t.search}</span>
                    <input
                        id=SEARCH_INPUT_ID
                        type="search"
                        name="q"
                        prop:value=param("q")
                        placeholder=t.search_placeholder
                        maxlength=crate::domain::limits::SEARCH_MAX_CHARS
                        autocomplete="off"
                    />
                </label>
                <label>
                    {t.from}
                    <input type="date" name="from" prop:value=param("from") />
                </label>
                <label>
                    {t.to}
                    <input type="date" name="to" prop:value=param("to") />
                </label>
                <label>
                    <span class="visually-hidden">{t.sort_order}</span>
                    <select name="sort" prop:value=move || query.with(|q| q.sort.as_str())>
                        {CallSort::ALL
                            .into_iter()
                            .map(|sort| view! {
                                <option
                                    value=sort.as_str()
                                    selected=move || query.with(|q| q.sort == sort)
                                >
                                    {t.sort(sort)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit">{t.apply}</button>
            </div>
        </Form>
    }
}

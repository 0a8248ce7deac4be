//! The calls table: what the front desk looks at all day. The view (filters, page, open
//! call) lives in the URL; the list follows live updates without a reload.

use std::{collections::HashSet, time::Duration};

use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};
use serde::{Deserialize, Serialize};

use crate::{
    AppError,
    api::{
        auth::{current_user, login_href},
        calls::list_calls,
        kpi::get_desk_tiles,
        rules::get_desk_alerts,
        users::assignable_users,
    },
    components::{
        AccountMenu, BulkBar, CallsTable, Desk, DeskTilesRow, DrawerProps, EscalationBanner,
        FilterBar, Pager, ToastArea, go_to, lazy_drawer, use_shortcuts,
    },
    domain::{CallListItem, CallPage, CallQuery, PageAt, Role, SearchField, Total},
    i18n::{LanguageSwitch, Texts, use_texts},
    live::provide_live,
};

#[component]
pub fn CallsPage() -> impl IntoView {
    let query_map = use_query_map();
    let query =
        Memo::new(move |_| query_map.with(|map| CallQuery::from_params(|key| map.get(key))));
    let at = Memo::new(move |_| query_map.with(|map| PageAt::from_params(|key| map.get(key))));
    let open_call = Memo::new(move |_| query_map.with(|map| map.get("call")?.parse::<i64>().ok()));
    let t = use_texts();
    let live = provide_live();
    let desk = Desk::new(t);
    provide_context(desk);

    // Each page comes with the view it was asked for: while a new view loads, the URL already
    // names it but the table still shows the last one.
    let calls = Resource::new(
        move || (query.get(), at.get(), live.tick.get(), desk.reload.get()),
        |(query, at, _, _)| async move {
            let view = ListView {
                href: query.page_href(at),
                pins: at == PageAt::First && query.is_everyday(),
            };
            Ok::<_, AppError>((view, list_calls(query, at).await?))
        },
    );
    let alerts = Resource::new(
        move || (live.tick.get(), desk.reload.get()),
        |_| get_desk_alerts(),
    );
    let alerts = Signal::derive(move || alerts.get().and_then(Result::ok));
    let tiles = Resource::new(
        move || (live.tick.get(), desk.reload.get()),
        |_| get_desk_tiles(),
    );
    let tiles = Signal::derive(move || tiles.get().and_then(Result::ok));
    let me = Resource::new(|| (), |()| current_user());
    let my_id = Signal::derive(move || me.get().and_then(Result::ok).map(|user| user.id));
    let is_admin = Signal::derive(move || {
        me.get()
            .and_then(Result::ok)
            .is_some_and(|user| user.role.allows(Role::Admin))
    });
    let users = LocalResource::new(assignable_users);
    let users = Signal::derive(move || users.get().and_then(Result::ok).unwrap_or_default());
    // The rows once the page is loaded: on the first page of the unfiltered or „Offen“ view,
    // the red-flag calls nobody has taken come first.
    let rows = Signal::derive(move || {
        let (view, page) = calls.get()?.ok()?;
        let pinned = match alerts.get() {
            Some(alerts) if view.pins => alerts.pinned,
            _ => Vec::new(),
        };
        Some((view, pinned_first(pinned, page.items)))
    });
    let items = screenful_first(rows);
    track_rows(desk, rows);
    Effect::new(move |_| {
        if let Some(Err(AppError::Unauthenticated)) = calls.get() {
            login_again();
        }
    });

    let navigate = use_navigate();
    let show_call = move |call: Option<i64>| {
        let mut params = query_map.get_untracked();
        match call {
            Some(id) => params.replace("call", id.to_string()),
            None => {
                params.remove("call");
            }
        }
        let href = format!("/{}", params.to_query_string());
        navigate(
            &href,
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    };
    let open = Callback::new({
        let show_call = show_call.clone();
        move |id| show_call(Some(id))
    });
    let close = Callback::new(move |()| show_call(None));
    Effect::new(move |_| use_shortcuts(desk, open, close));
    // The drawer is drawn in the browser only, once the page is hydrated: its code is a chunk
    // fetched then, and a page that opens with `?call=` shows it a moment later.
    let drawer_shown = RwSignal::new(false);
    Effect::new(move |_| drawer_shown.set(true));

    view! {
        <header class="page-header">
            <h1>"Anrufe"</h1>
            <LiveIndicator online=live.online />
            <LanguageSwitch />
            <Suspense>
                {move || me.get().and_then(Result::ok).map(|user| view! { <AccountMenu user /> })}
            </Suspense>
        </header>
        <Suspense>
            <EscalationBanner alerts on_open=open />
            <DeskTilesRow tiles />
        </Suspense>
        <FilterBar query me=my_id />
        <BulkBar users />
        <Transition fallback=move || view! { <p class="state">{t.loading_calls}</p> }>
            {move || calls.get().map(|result| match result {
                Ok((_, page)) => view! { <ListState page query=query.get_untracked() /> }.into_any(),
                Err(error) => view! { <LoadError error /> }.into_any(),
            })}
            <div hidden=move || items.with(Vec::is_empty)>
                <CallsTable items on_open=open />
            </div>
            {move || calls.get().and_then(Result::ok).map(|(_, page)| {
                view! { <Pager query=query.get_untracked() page /> }
            })}
        </Transition>
        <Suspense>
            {move || open_call.get().filter(|_| drawer_shown.get()).map(|id| Suspend::new(lazy_drawer(DrawerProps {
                id,
                users,
                is_admin,
                on_open: open,
                on_close: close,
            })))}
        </Suspense>
        <ToastArea />
    }
}

/// The session has ended (timeout, logout elsewhere, deactivated): log in again and come back
/// to this view.
fn login_again() {
    let location = window().location();
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    go_to(&login_href(&here));
}

/// `pinned`, then the calls of `items` not among them.
fn pinned_first(pinned: Vec<CallListItem>, items: Vec<CallListItem>) -> Vec<CallListItem> {
    let ids: HashSet<i64> = pinned.iter().map(|call| call.id).collect();
    let rest = items.into_iter().filter(|call| !ids.contains(&call.id));
    pinned.into_iter().chain(rest).collect()
}

/// The view a page of calls was asked for, as much of it as the table needs. (Not the
/// `CallQuery` itself: decoding that in the browser adds about 10 KB to the bundle.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct ListView {
    /// The view's address: the same for every reload of the view, another for any other view.
    href: String,
    /// Whether the red-flag calls nobody has taken come first: on the first page of an
    /// everyday view ([`CallQuery::is_everyday`]).
    pins: bool,
}

/// Rows drawn in the frame a new view arrives: a screenful (rows are 52 px high; a 2560×1440
/// screen shows 25 of them, a 1920×1080 one 18). Building and laying out the rows is most of
/// what a search costs in the browser, so the rest of the page waits for the next frame.
const FIRST_ROWS: usize = 25;

/// The rows the table draws: all of them for the view drawn last (a live update or a reload
/// changes a few rows at once), a screenful for another view and the rest of its page right
/// after that frame is painted. The server draws a screenful too, so hydration matches.
fn screenful_first(
    rows: Signal<Option<(ListView, Vec<CallListItem>)>>,
) -> Signal<Vec<CallListItem>> {
    let drawn = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(href) = rows.with(|rows| rows.as_ref().map(|(view, _)| view.href.clone())) else {
            return;
        };
        if drawn.with_untracked(|drawn| drawn.as_ref() != Some(&href)) {
            request_animation_frame(move || {
                set_timeout(move || drawn.set(Some(href)), Duration::ZERO);
            });
        }
    });
    Signal::derive(move || {
        rows.with(|rows| {
            let Some((view, items)) = rows else {
                return Vec::new();
            };
            let all = drawn.with(|drawn| drawn.as_ref() == Some(&view.href));
            let shown = if all {
                items.len()
            } else {
                FIRST_ROWS.min(items.len())
            };
            items[..shown].to_vec()
        })
    })
}

/// Keeps the desk's rows in step with the list and marks calls that arrived live. Only a
/// reload of the same view marks: the rows of a new search, filter or page are what was asked
/// for, not new arrivals.
fn track_rows(desk: Desk, rows: Signal<Option<(ListView, Vec<CallListItem>)>>) {
    Effect::new(move |previous: Option<Option<ListView>>| {
        let previous = previous.flatten();
        let Some((view, items)) = rows.get() else {
            return previous;
        };
        let before: HashSet<i64> = desk
            .rows
            .with_untracked(|rows| rows.iter().map(|c| c.id).collect());
        let same_view = previous.as_ref() == Some(&view) && !before.is_empty();
        // New since the last refresh, or marked before and still shown: a later change
        // (another call, an escalation) must not take a new call's mark away.
        let fresh = if same_view {
            let marked = desk.fresh.get_untracked();
            items
                .iter()
                .map(|c| c.id)
                .filter(|id| !before.contains(id) || marked.contains(id))
                .collect()
        } else {
            HashSet::new()
        };
        desk.fresh.set(fresh);
        desk.forget_answered(&items);
        desk.rows.set(items);
        Some(view)
    });
}

/// The count line above the table, or the empty state.
#[component]
fn ListState(page: CallPage, query: CallQuery) -> impl IntoView {
    let t = use_texts();
    let searched = query
        .search
        .as_ref()
        .map(|_| searched_line(t, &page.searched));
    if page.items.is_empty() {
        let message = empty_message(t, &query);
        return view! {
            <section class="state state-empty">
                <p>{message}</p>
                {searched.map(|line| view! { <p class="muted searched">{line}</p> })}
            </section>
        }
        .into_any();
    }
    let shown = page.items.len();
    let Total { count, exact } = page.total;
    let total = if exact {
        (t.count_exact)(shown, count)
    } else {
        (t.count_estimated)(shown, count)
    };
    view! {
        <p class="table-meta" aria-live="polite">
            {total}
            {searched.map(|line| view! { " · " <span class="searched">{line}</span> })}
        </p>
    }
    .into_any()
}

/// Which fields a search looked in, or that it could look in none (they are masked).
fn searched_line(t: &Texts, fields: &[SearchField]) -> String {
    if fields.is_empty() {
        return t.search_masked.to_owned();
    }
    let names: Vec<&str> = fields.iter().map(|field| t.search_field(*field)).collect();
    (t.searched_in)(&names.join(", "))
}

fn empty_message(t: &Texts, query: &CallQuery) -> String {
    if let Some(search) = &query.search {
        return (t.empty_search)(search);
    }
    match (query.range, query.statuses.as_slice()) {
        (Some(_), _) => t.empty_range.to_owned(),
        (None, [status]) => (t.empty_status)(t.status(*status)),
        (None, []) => t.empty_all.to_owned(),
        (None, _) => t.empty_open.to_owned(),
    }
}

#[component]
fn LiveIndicator(online: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    view! {
        <span class="live" class:live-online=move || online.get() role="status">
            {move || if online.get() { t.live } else { t.offline }}
        </span>
    }
}

#[component]
fn LoadError(error: AppError) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="state state-error" role="alert">
            <h2>{t.load_failed}</h2>
            <p>{t.error(&error)}</p>
        </section>
    }
}

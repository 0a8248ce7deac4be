//! The sessions that have not ended, and ending a person's sessions.

use leptos::prelude::*;

use super::{AdminTable, LoadFailed, use_notice};
use crate::{
    api::admin::{end_sessions, sessions},
    domain::{SessionInfo, format_berlin},
    i18n::use_texts,
};

#[component]
pub fn SessionsView() -> impl IntoView {
    let t = use_texts();
    let reload = RwSignal::new(0_u32);
    let list = Resource::new(move || reload.get(), |_| sessions());
    let refresh = move || reload.update(|n| *n += 1);
    view! {
        <h2>{t.admin_sessions}</h2>
        <p class="muted">{t.sessions_intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || list.get().map(|result| match result {
                Ok(sessions) if sessions.is_empty() => {
                    view! { <p class="state state-empty">{t.no_sessions}</p> }.into_any()
                }
                Ok(sessions) => view! { <SessionTable sessions refresh /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn SessionTable(
    sessions: Vec<SessionInfo>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let notice = use_notice();
    let rows = sessions
        .into_iter()
        .map(|session| {
            let user_id = session.user_id;
            let end = move |_| notice.run(end_sessions(user_id), t.sessions_ended, refresh);
            view! {
                <tr>
                    <td>{session.user_name}</td>
                    <td class="nowrap">{format_berlin(session.created_at)}</td>
                    <td class="nowrap">{format_berlin(session.last_seen_at)}</td>
                    <td class="nowrap">{format_berlin(session.expires_at)}</td>
                    <td class="user-agent">{session.user_agent}</td>
                    <td class="row-actions">
                        <button type="button" class="button-quiet" on:click=end>{t.end_sessions}</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable columns=vec![
            t.field_name,
            t.session_started,
            t.session_last_seen,
            t.session_ends,
            t.session_browser,
            t.actions,
        ]>
            {rows}
        </AdminTable>
    }
}

//! Users and roles: who may log in, as what; adding people; deactivating them.

use leptos::prelude::*;

use super::{AdminTable, LoadFailed, use_notice};
use crate::{
    api::{
        admin::{AddUser, accounts, allow_oidc_link, end_sessions, set_active, set_role},
        auth::login_options,
        llm::set_llm_ident,
    },
    domain::{Account, Role, format_berlin},
    i18n::{use_llm_texts, use_texts},
};

#[component]
pub fn UsersView() -> impl IntoView {
    let t = use_texts();
    let notice = use_notice();
    let reload = RwSignal::new(0_u32);
    let list = Resource::new(move || reload.get(), |_| accounts());
    let oidc = Resource::new(|| (), |()| login_options());
    let refresh = move || reload.update(|n| *n += 1);
    let add = ServerAction::<AddUser>::new();
    Effect::new(move |_| match add.value().get() {
        Some(Ok(_)) => {
            notice.0.set(Some(Ok(t.user_added.to_owned())));
            refresh();
        }
        Some(Err(error)) => notice.failed(&error),
        None => {}
    });
    view! {
        <h2>{t.admin_users}</h2>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || list.get().map(|result| match result {
                Ok(accounts) => {
                    let oidc = oidc.get().and_then(Result::ok).unwrap_or(false);
                    view! { <AccountTable accounts oidc refresh /> }.into_any()
                }
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
        <h3>{t.add_user}</h3>
        <ActionForm action=add attr:class="admin-form">
            <label>{t.field_name}<input name="name" required maxlength="200" /></label>
            <label>{t.email}<input name="email" type="email" required autocomplete="off" /></label>
            <label>
                {t.role}
                <select name="role">
                    {Role::ALL.map(|role| view! {
                        <option value=role.as_str() selected=role == Role::Agent>{t.role_name(role)}</option>
                    })}
                </select>
            </label>
            <label>
                {t.first_password}
                <input name="password" type="password" required minlength="12" autocomplete="new-password" />
            </label>
            <button type="submit">{t.add_user}</button>
        </ActionForm>
    }
}

#[component]
fn AccountTable(
    accounts: Vec<Account>,
    /// Whether people log in through the practice's identity provider too.
    oidc: bool,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let l = use_llm_texts();
    let notice = use_notice();
    let rows = accounts
        .into_iter()
        .map(|account| {
            let Account {
                id, name, email, role, is_active, is_service, oidc_linked, oidc_link_allowed_until,
                locked_until, sessions, last_seen_at, llm_ident, ..
            } = account;
            // An admin account is linked to the provider only with another admin's leave.
            let may_link = oidc && role == Role::Admin && is_active && !oidc_linked;
            let allowed_until = oidc_link_allowed_until.filter(|until| *until > chrono::Utc::now());
            let allow_link = move |_| {
                notice.run(allow_oidc_link(id), move |()| t.oidc_link_allowed.to_owned(), refresh);
            };
            let on_role = move |ev: leptos::ev::Event| {
                let Ok(role) = event_target_value(&ev).parse::<Role>() else { return };
                notice.run(set_role(id, role), move |()| t.role_changed.to_owned(), refresh);
            };
            let toggle = move |_| {
                notice.run(
                    set_active(id, !is_active),
                    move |()| if is_active { t.user_deactivated } else { t.user_activated }.to_owned(),
                    refresh,
                );
            };
            let end = move |_| {
                notice.run(end_sessions(id), t.sessions_ended, refresh);
            };
            let state = match (is_active, locked_until) {
                (false, _) => t.deactivated.to_owned(),
                (true, Some(until)) => (t.locked_until)(&format_berlin(until)),
                (true, None) => t.active.to_owned(),
            };
            let role_label = format!("{} {name}", t.role);
            let ident_label = format!("{} {name}", l.ident);
            let on_ident = move |ev: leptos::ev::Event| {
                let ident = event_target_value(&ev);
                notice.run(set_llm_ident(id, ident), move |()| l.saved.to_owned(), refresh);
            };
            view! {
                <tr class:inactive=!is_active>
                    <td>
                        {name.clone()}
                        {is_service.then(|| view! { <span class="muted">" · "{t.service_account}</span> })}
                    </td>
                    <td>{email}</td>
                    <td>
                        <select aria-label=role_label on:change=on_role>
                            {Role::ALL.map(|option| view! {
                                <option value=option.as_str() selected=option == role>{t.role_name(option)}</option>
                            })}
                        </select>
                    </td>
                    <td>{state}</td>
                    <td>
                        <input class="ident" aria-label=ident_label placeholder="—" title=l.ident_help
                            maxlength="64" value=llm_ident.unwrap_or_default() on:change=on_ident />
                    </td>
                    <td>
                        {sessions}
                        {last_seen_at.map(|at| view! { <span class="muted">" · "{format_berlin(at)}</span> })}
                    </td>
                    <td class="row-actions">
                        <button type="button" class="button-quiet" disabled=sessions == 0 on:click=end>
                            {t.end_sessions}
                        </button>
                        <button type="button" class="button-quiet" on:click=toggle>
                            {if is_active { t.deactivate } else { t.activate }}
                        </button>
                        {may_link.then(|| match allowed_until {
                            Some(until) => view! {
                                <span class="muted row-note">{(t.oidc_link_allowed_until)(&format_berlin(until))}</span>
                            }.into_any(),
                            None => view! {
                                <button type="button" class="button-quiet" title=t.oidc_link_hint on:click=allow_link>
                                    {t.allow_oidc_link}
                                </button>
                            }.into_any(),
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable columns=vec![
            t.field_name,
            t.email,
            t.role,
            t.account_state,
            l.ident,
            t.admin_sessions,
            t.actions,
        ]>
            {rows}
        </AdminTable>
    }
}

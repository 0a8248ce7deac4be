//! API tokens: each acts as a user for the REST API. Made here, shown once, revoked here.

use leptos::prelude::*;

use super::{AdminTable, LoadFailed, use_notice};
use crate::{
    api::{
        admin::{CreateToken, accounts, revoke_token, tokens},
        auth::current_user,
    },
    domain::{TokenInfo, TokenScope, format_berlin},
    i18n::use_texts,
};

#[component]
pub fn TokensView() -> impl IntoView {
    let t = use_texts();
    let notice = use_notice();
    let reload = RwSignal::new(0_u32);
    let list = Resource::new(move || reload.get(), |_| tokens());
    let people = Resource::new(|| (), |()| accounts());
    let me = Resource::new(|| (), |()| current_user());
    let refresh = move || reload.update(|n| *n += 1);
    let create = ServerAction::<CreateToken>::new();
    let secret = RwSignal::new(None::<String>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(token)) => {
            secret.set(Some(token));
            notice.0.set(None);
            refresh();
        }
        Some(Err(error)) => notice.failed(&error),
        None => {}
    });
    view! {
        <h2>{t.admin_tokens}</h2>
        <p class="muted">{t.tokens_intro}</p>
        {move || secret.get().map(|secret| view! {
            <div class="secret" role="status">
                <p><strong>{t.token_shown_once}</strong></p>
                <input class="mono" readonly aria-label=t.admin_tokens prop:value=secret
                    on:focus=|ev| select_all(&ev) />
            </div>
        })}
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || list.get().map(|result| match result {
                Ok(tokens) if tokens.is_empty() => {
                    view! { <p class="state state-empty">{t.no_tokens}</p> }.into_any()
                }
                Ok(tokens) => view! { <TokenTable tokens refresh /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
        <h3>{t.create_token}</h3>
        <ActionForm action=create attr:class="admin-form">
            <label>
                {t.token_name}
                <input name="name" required maxlength="100" placeholder=t.token_name_placeholder />
            </label>
            <label>
                {t.token_acts_as}
                <select name="user_id" required>
                    <Suspense>
                        {move || me.get().and_then(Result::ok).map(|me| view! {
                            <option value=me.id>{t.token_self}" ("{me.name}")"</option>
                        })}
                        {move || people.get().and_then(Result::ok).map(|people| {
                            people.into_iter().filter(|person| person.is_active && person.is_service).map(|person| view! {
                                <option value=person.id>{person.name}" ("{t.service_account}")"</option>
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label>
                {t.token_scope}
                <select name="scope" required>
                    {TokenScope::ALL.map(|scope| view! {
                        <option value=scope.code()>{t.token_scope_name(scope)}</option>
                    })}
                </select>
            </label>
            <button type="submit">{t.create_token}</button>
        </ActionForm>
    }
}

fn select_all(ev: &leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev
        .target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

#[component]
fn TokenTable(
    tokens: Vec<TokenInfo>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let notice = use_notice();
    let rows = tokens
        .into_iter()
        .map(|token| {
            let id = token.id;
            let revoke = move |_| {
                let sure = window()
                    .confirm_with_message(t.revoke_token_confirm)
                    .unwrap_or(false);
                if sure {
                    notice.run(revoke_token(id), move |()| t.token_revoked.to_owned(), refresh);
                }
            };
            let expired = token.expires_at <= chrono::Utc::now();
            let state = match token.revoked_at {
                Some(at) => (t.revoked_at)(&format_berlin(at)),
                None if expired => (t.expired_at)(&format_berlin(token.expires_at)),
                None => (t.valid_until)(&format_berlin(token.expires_at)),
            };
            let active = token.revoked_at.is_none() && !expired;
            view! {
                <tr class:inactive=!active>
                    <td>{token.name}<span class="muted">" · "{t.token_scope_name(token.scope)}</span></td>
                    <td>{token.user_name}</td>
                    <td class="mono">{token.prefix}"…"</td>
                    <td class="nowrap">
                        {format_berlin(token.created_at)}
                        {token.created_by.map(|by| view! { <span class="muted">" · "{by}</span> })}
                    </td>
                    <td class="nowrap">
                        {token.last_used_at.map_or_else(|| t.never.to_owned(), format_berlin)}
                    </td>
                    <td>{state}</td>
                    <td class="row-actions">
                        {active.then(|| view! {
                            <button type="button" class="button-quiet" on:click=revoke>{t.revoke}</button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable columns=vec![
            t.token_name,
            t.token_acts_as,
            t.token_prefix,
            t.token_created,
            t.token_last_used,
            t.account_state,
            t.actions,
        ]>
            {rows}
        </AdminTable>
    }
}

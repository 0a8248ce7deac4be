//! The login page: e-mail address and password. Works before the page is interactive (a plain
//! form post); once hydrated, errors show in place and success loads the page asked for.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::{Login, local_target, login_options, oidc_login_href},
    components::go_to,
    i18n::{LanguageSwitch, use_texts},
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    #[cfg(feature = "ssr")]
    if crate::api::request_user().is_some() {
        leptos_axum::redirect(&local_target(Some(&next())));
    }
    let login = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(target)) = login.value().get() {
            go_to(&local_target(Some(&target)));
        }
    });
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <p class="form-error" role="alert">{t.error(&error)}</p> })
    };
    let pending = login.pending();
    let offered = Resource::new(|| (), |()| login_options());
    let oidc_failure = move || {
        query
            .with(|q| q.get("oidc"))
            .map(|code| view! { <p class="form-error" role="alert">{(t.oidc_failure)(&code)}</p> })
    };
    let sso = move || {
        offered.get().and_then(Result::ok).filter(|offered| *offered).map(|_| {
            view! {
                // A server route, not a page of the app: `rel="external"` keeps the router from
                // handling the click in the browser.
                <a class="button sso" rel="external" href=oidc_login_href(&local_target(Some(&next())))>
                    {t.sso_login}
                </a>
                <p class="login-or">{t.login_or}</p>
            }
        })
    };

    view! {
        <Title text=t.login_title />
        <section class="login">
            <header class="login-header">
                <h1>"Anrufe"</h1>
                <LanguageSwitch />
            </header>
            <h2>{t.login_title}</h2>
            <p>{t.login_intro}</p>
            {oidc_failure}
            <Suspense>{sso}</Suspense>
            <ActionForm action=login>
                <input type="hidden" name="next" prop:value=next />
                <label>
                    {t.email}
                    <input type="email" name="email" autocomplete="username" required autofocus />
                </label>
                <label>
                    {t.password}
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                {error}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { t.logging_in } else { t.log_in }}
                </button>
            </ActionForm>
        </section>
    }
}

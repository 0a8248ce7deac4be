//! The caller's rights in the drawer, for admins: export one call or every call of its
//! number as a JSON download, and erase them after a confirmation that names what goes.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    AppError,
    api::{
        REST_PREFIX,
        dsgvo::{ErasureScope, erase, erasure_preview},
    },
    components::{Desk, call_drawer::Frozen},
    domain::{CallListItem, ErasureReport, Invalid, limits},
    i18n::{use_rights_texts, use_texts},
};

/// A confirmation waiting for the admin: what would go.
#[derive(Clone)]
struct Pending {
    scope: ErasureScope,
    due: ErasureReport,
}

#[component]
pub fn CallerRights(call: CallListItem, on_erased: Callback<()>) -> impl IntoView {
    let t = use_texts();
    let r = use_rights_texts();
    let desk = expect_context::<Desk>();
    let id = call.id;
    let number = call.caller_number.get().clone();
    let display = number
        .as_ref()
        .map(|n| n.display().to_owned())
        .unwrap_or_default();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(None::<Pending>);

    // The reason, or the rule it breaks, said as the server would.
    let checked_reason = move || {
        let text = reason.get_untracked().trim().to_owned();
        if limits::REASON_CHARS.contains(&text.chars().count()) {
            error.set(None);
            Some(text)
        } else {
            error.set(Some(
                t.error(&AppError::invalid("reason", Invalid::ReasonLength)),
            ));
            None
        }
    };
    let export = move |path: String| {
        if let Some(text) = checked_reason() {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("reason", &text)
                .finish();
            let _ = window()
                .location()
                .assign(&format!("{REST_PREFIX}{path}?{query}"));
        }
    };
    let export_caller = number
        .as_ref()
        .map(|n| format!("/callers/{}/export", n.e164()));
    let ask = move |scope: ErasureScope| {
        if checked_reason().is_none() {
            return;
        }
        spawn_local(async move {
            match erasure_preview(id, scope).await {
                Ok(due) => pending.set(Some(Pending { scope, due })),
                Err(failure) => error.set(Some(t.error(&failure))),
            }
        });
    };
    let frozen = expect_context::<Frozen>().0;
    let confirm = move |scope: ErasureScope| {
        let text = reason.get_untracked();
        frozen.set(true);
        spawn_local(async move {
            match erase(id, scope, text).await {
                Ok(report) => {
                    on_erased.run(());
                    desk.notify((r.erased)(&report), None);
                    desk.refresh();
                }
                Err(failure) => {
                    frozen.set(false);
                    error.set(Some(t.error(&failure)));
                }
            }
        });
    };
    let has_number = number.is_some();
    view! {
        <section class="caller-rights" aria-labelledby="drawer-rights">
            <h3 id="drawer-rights">{r.title}</h3>
            <p class="muted">{r.intro}</p>
            <label>
                {r.reason}
                <input type="text" maxlength="500" prop:value=reason
                    on:input=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <div class="rights-buttons">
                <button type="button" on:click=move |_| export(format!("/calls/{id}/export"))>
                    {r.export_call}
                </button>
                {export_caller.map(|path| view! {
                    <button type="button" on:click=move |_| export(path.clone())>
                        {r.export_caller}
                    </button>
                })}
                <button type="button" class="button-danger" on:click=move |_| ask(ErasureScope::Call)>
                    {r.erase_call}
                </button>
                {has_number.then(|| view! {
                    <button type="button" class="button-danger"
                        on:click=move |_| ask(ErasureScope::Caller)>
                        {r.erase_caller}
                    </button>
                })}
            </div>
            {move || pending.get().map(|Pending { scope, due }| {
                let what = match scope {
                    ErasureScope::Call => (r.confirm_call)(&due),
                    ErasureScope::Caller => (r.confirm_caller)(&due, &display),
                };
                view! {
                    <div class="erasure-confirm" role="alertdialog" aria-labelledby="erasure-what">
                        <p id="erasure-what"><strong>{what}</strong></p>
                        <p>{r.never_back}</p>
                        <button type="button" class="button-danger" on:click=move |_| confirm(scope)>
                            {r.erase_for_good}
                        </button>
                        <button type="button" class="button-quiet" on:click=move |_| pending.set(None)>
                            {r.cancel}
                        </button>
                    </div>
                }
            })}
        </section>
    }
}

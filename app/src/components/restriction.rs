//! Restriction of processing in the drawer, for admins: restrict a call (or its caller's
//! calls) with a reason, lift it, and keep a restricted call past the retention period under a
//! legal hold with a reason and an end date.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    AppError,
    api::dsgvo::{ErasureScope, end_legal_hold, lift_restriction, restrict, set_legal_hold},
    components::Desk,
    domain::{Invalid, Restriction, limits},
    i18n::{use_rights_texts, use_texts},
};

#[component]
pub fn RestrictionControls(
    call_id: i64,
    has_number: bool,
    restriction: Option<Restriction>,
) -> impl IntoView {
    let t = use_texts();
    let r = use_rights_texts();
    let desk = expect_context::<Desk>();
    let reason = RwSignal::new(String::new());
    let until = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = move |message: String| {
        error.set(None);
        desk.notify(message, None);
        desk.refresh();
    };
    let fail = move |failure: AppError| error.set(Some(t.error(&failure)));
    let reason_ok = move || {
        let ok = limits::REASON_CHARS.contains(&reason.get_untracked().trim().chars().count());
        if !ok {
            fail(AppError::invalid("reason", Invalid::ReasonLength));
        }
        ok
    };
    let on_restrict = move |scope: ErasureScope| {
        if !reason_ok() {
            return;
        }
        let text = reason.get_untracked();
        spawn_local(async move {
            match restrict(call_id, scope, text).await {
                Ok(count) => done((r.restricted)(count)),
                Err(failure) => fail(failure),
            }
        });
    };
    let on_lift = move |scope: ErasureScope| {
        spawn_local(async move {
            match lift_restriction(call_id, scope).await {
                Ok(count) => done((r.lifted)(count)),
                Err(failure) => fail(failure),
            }
        });
    };
    let on_hold = move |_| {
        let Ok(date) = until.get_untracked().parse::<chrono::NaiveDate>() else {
            fail(AppError::invalid("until", Invalid::DateMalformed));
            return;
        };
        if !reason_ok() {
            return;
        }
        let text = reason.get_untracked();
        spawn_local(async move {
            match set_legal_hold(call_id, date, text).await {
                Ok(()) => done(r.hold_saved.to_owned()),
                Err(failure) => fail(failure),
            }
        });
    };
    let on_end_hold = move |_| {
        spawn_local(async move {
            match end_legal_hold(call_id).await {
                Ok(()) => done(r.hold_ended.to_owned()),
                Err(failure) => fail(failure),
            }
        });
    };
    let reason_input = view! {
        <label>
            {r.restriction_reason}
            <input type="text" maxlength="500" prop:value=reason
                on:input=move |ev| reason.set(event_target_value(&ev)) />
        </label>
    };
    let body = match restriction {
        None => view! {
            <p class="muted">{r.restriction_intro}</p>
            {reason_input}
            <div class="rights-buttons">
                <button type="button" on:click=move |_| on_restrict(ErasureScope::Call)>
                    {r.restrict_call}
                </button>
                {has_number.then(|| view! {
                    <button type="button" on:click=move |_| on_restrict(ErasureScope::Caller)>
                        {r.restrict_caller}
                    </button>
                })}
            </div>
        }
        .into_any(),
        Some(restriction) => {
            let hold = restriction.legal_hold.clone();
            view! {
                <div class="rights-buttons">
                    <button type="button" on:click=move |_| on_lift(ErasureScope::Call)>{r.lift}</button>
                    {has_number.then(|| view! {
                        <button type="button" on:click=move |_| on_lift(ErasureScope::Caller)>
                            {r.lift_caller}
                        </button>
                    })}
                </div>
                <h4>{r.hold_title}</h4>
                {match hold {
                    Some(hold) => view! {
                        <p>{(r.held_until)(&hold.until.format("%d.%m.%Y").to_string(), &hold.reason)}</p>
                        <button type="button" on:click=on_end_hold>{r.end_hold}</button>
                    }
                    .into_any(),
                    None => view! {
                        {reason_input}
                        <label>
                            {r.hold_until}
                            <input type="date" prop:value=until
                                on:input=move |ev| until.set(event_target_value(&ev)) />
                        </label>
                        <button type="button" on:click=on_hold>{r.hold_set}</button>
                    }
                    .into_any(),
                }}
            }
            .into_any()
        }
    };
    view! {
        <section class="caller-rights" aria-labelledby="drawer-restriction">
            <h3 id="drawer-restriction">{r.restriction_title}</h3>
            {body}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </section>
    }
}

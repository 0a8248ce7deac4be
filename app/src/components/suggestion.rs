//! The drawer's LLM help: the latest suggestion (plain text), accepting it with one click,
//! asking again, a clear sentence when the service is unreachable or refused, and for admins
//! the ledger of what was sent and answered.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    AppError,
    api::llm::{accept_suggestion, load_suggestion_panel, request_suggestion},
    components::{Desk, call_drawer::Fresh},
    domain::{CallListItem, format_berlin},
    i18n::{use_llm_texts, use_texts},
    llm::{LedgerEntry, Suggestion, SuggestionPanel},
};

#[component]
pub fn SuggestionBox(call: CallListItem, is_admin: Signal<bool>) -> impl IntoView {
    let l = use_llm_texts();
    let t = use_texts();
    let asked = RwSignal::new(0_u32);
    let asking = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let id = call.id;
    let fresh = expect_context::<Fresh>().0;
    let panel = Resource::new(
        move || (id, fresh.get(), asked.get()),
        |(id, ..)| load_suggestion_panel(id),
    );
    let ask = move |_| {
        asking.set(true);
        failure.set(None);
        spawn_local(async move {
            // What the endpoint or the policy said is in the ledger, which the panel shows.
            match request_suggestion(id).await {
                Ok(_) | Err(AppError::Llm(_)) => {}
                Err(error) => failure.set(Some(t.error(&error))),
            }
            asking.set(false);
            asked.update(|n| *n += 1);
        });
    };
    view! {
        <section class="suggestion" aria-labelledby="drawer-suggestion" aria-busy=move || asking.get().to_string()>
            <h3 id="drawer-suggestion">{l.heading}</h3>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
                {move || panel.get().map(|result| match result {
                    Ok(panel) => view! { <PanelBody panel call=call.clone() is_admin asking ask /> }.into_any(),
                    Err(error) => view! {
                        <p class="state-error" role="alert">{t.error(&error)}</p>
                    }.into_any(),
                })}
            </Transition>
            {move || failure.get().map(|text| view! { <p class="state-error" role="alert">{text}</p> })}
        </section>
    }
}

#[component]
fn PanelBody(
    panel: SuggestionPanel,
    call: CallListItem,
    is_admin: Signal<bool>,
    asking: RwSignal<bool>,
    ask: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let l = use_llm_texts();
    if !panel.configured && panel.latest.is_none() {
        return view! { <p class="muted">{l.not_configured}</p> }.into_any();
    }
    let SuggestionPanel {
        latest,
        last_failure,
        ledger,
        configured,
    } = panel;
    let label = if latest.is_some() { l.ask_again } else { l.ask };
    let accept = latest
        .clone()
        .map(|suggestion| view! { <Accept suggestion call=call.clone() /> });
    view! {
        {match latest {
            Some(suggestion) => view! { <Shown suggestion /> }.into_any(),
            None => view! { <p class="muted">{l.none_yet}</p> }.into_any(),
        }}
        {last_failure.and_then(|(outcome, detail)| outcome.failure(&detail)).map(|failure| view! {
            <p class="state-error" role="status">{l.error(&failure)}</p>
        })}
        <div class="suggestion-actions">
            {accept}
            {configured.then(|| view! {
                <button type="button" class="button-quiet" disabled=move || asking.get() on:click=ask>
                    {move || if asking.get() { l.asking } else { label }}
                </button>
            })}
        </div>
        {move || (is_admin.get() && !ledger.is_empty()).then(|| view! { <Ledger entries=ledger.clone() /> })}
    }
    .into_any()
}

/// A suggestion, as plain text.
#[component]
fn Shown(suggestion: Suggestion) -> impl IntoView {
    let l = use_llm_texts();
    let t = use_texts();
    let from = (l.from_model)(&suggestion.model, &format_berlin(suggestion.requested_at));
    view! {
        <p class="suggestion-summary">{suggestion.summary}</p>
        <dl class="fields">
            <dt>{l.category}</dt><dd>{suggestion.category}</dd>
            <dt>{l.urgency}</dt>
            <dd>{t.priority(suggestion.urgency)} <span class="muted">" — " {suggestion.reason}</span></dd>
        </dl>
        <p class="muted">{from}</p>
    }
}

/// The button that makes a suggestion the call's, or the mark that it is.
#[component]
fn Accept(suggestion: Suggestion, call: CallListItem) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let l = use_llm_texts();
    let taken =
        call.category.as_ref() == Some(&suggestion.category) && call.priority == suggestion.urgency;
    let (suggestion_id, version) = (suggestion.id, call.version);
    let accept = move |_| {
        spawn_local(async move {
            match accept_suggestion(call.id, version, suggestion_id).await {
                Ok(_) => {
                    desk.notify(l.accepted, None);
                    desk.refresh();
                }
                Err(error) => desk.fail(&error),
            }
        });
    };
    if taken {
        view! { <span class="muted">"✓ " {l.accepted}</span> }.into_any()
    } else {
        view! { <button type="button" on:click=accept>{l.accept}</button> }.into_any()
    }
}

/// The call's requests as sent and answered, for admins.
#[component]
fn Ledger(entries: Vec<LedgerEntry>) -> impl IntoView {
    let l = use_llm_texts();
    let count = entries.len();
    view! {
        <details class="llm-ledger">
            <summary>{l.ledger} " (" {count} ")"</summary>
            <ol>
                {entries.into_iter().map(|entry| {
                    let who = entry.requested_by.clone().unwrap_or_else(|| l.automatic.to_owned());
                    let measures = (l.measures)(entry.prompt_tokens, entry.completion_tokens, entry.latency_ms);
                    view! {
                        <li>
                            <p>
                                <strong>{(l.outcome)(entry.outcome)}</strong>
                                {(!entry.detail.is_empty()).then(|| view! { <span class="mono">" " {entry.detail.clone()}</span> })}
                                <span class="muted">
                                    " · " {format_berlin(entry.requested_at)} " · " {who} " · " {entry.model.clone()}
                                    {(!measures.is_empty()).then(|| format!(" · {measures}"))}
                                </span>
                            </p>
                            {match entry.prompt {
                                Some(prompt) => view! {
                                    <p class="muted">{l.sent}</p>
                                    <pre class="mono">{prompt}</pre>
                                }.into_any(),
                                None => view! { <p class="muted">{l.nothing_sent}</p> }.into_any(),
                            }}
                            {entry.answer.map(|answer| view! {
                                <p class="muted">{l.answer}</p>
                                <pre class="mono">{answer}</pre>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </details>
    }
}

//! The detail drawer: every field of a call, the importer's warnings, status history, notes,
//! audit trail and the raw payload, with the actions on the call.

use leptos::{html, prelude::*, task::spawn_local};

use crate::{
    api::calls::{add_call_note, get_call_detail},
    components::{
        Desk,
        caller_rights::CallerRights,
        masked::{RevealField, Revealed},
        restriction::RestrictionControls,
        suggestion::SuggestionBox,
    },
    domain::{CallDetail, CallListItem, CallStatus, PiiField, UserSummary, format_berlin},
    i18n::{use_llm_texts, use_repeat_texts, use_rights_texts, use_rules_texts, use_texts},
    live::use_live,
    repeat::RepeatedCall,
};

/// Set while the drawer's call is being erased: the drawer stops fetching it.
#[derive(Clone, Copy, Default)]
pub struct Frozen(pub RwSignal<bool>);

/// When the drawer's parts fetch their call again: at reloads and live updates, not while it is
/// being erased.
#[derive(Clone, Copy)]
pub struct Fresh(pub Memo<(u64, u64)>);

/// The `id`s of the assignee picker and the note box, focused by the `a` and `n` keys.
pub const ASSIGN_SELECT_ID: &str = "drawer-assign";
pub const NOTE_INPUT_ID: &str = "drawer-note";

/// What the page hands the drawer; see [`CallDrawer`].
pub struct DrawerProps {
    pub id: i64,
    pub users: Signal<Vec<UserSummary>>,
    pub is_admin: Signal<bool>,
    pub on_open: Callback<i64>,
    pub on_close: Callback<()>,
}

/// The drawer, with its code in a WASM chunk of its own (`cargo leptos build --split`): the
/// browser fetches it when the first call is opened, so the call list comes up without it.
#[lazy]
pub fn lazy_drawer(props: DrawerProps) -> AnyView {
    let DrawerProps {
        id,
        users,
        is_admin,
        on_open,
        on_close,
    } = props;
    view! { <CallDrawer id users is_admin on_open on_close /> }.into_any()
}

/// `users` are the choices of the assignee picker, loaded once by the page.
#[component]
fn CallDrawer(
    id: i64,
    users: Signal<Vec<UserSummary>>,
    /// Whether the viewer is an admin, who may also export and erase the call.
    is_admin: Signal<bool>,
    /// Shows another call in the drawer (one of a run of repeat calls).
    on_open: Callback<i64>,
    on_close: Callback<()>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
    let live = use_live();
    let revealed = Revealed::default();
    provide_context(revealed);
    let frozen = Frozen::default();
    provide_context(frozen);
    // Reloads and live updates fetch the call again, unless it is being erased: then it is
    // gone before the drawer closes, and fetching it would only find nothing.
    let fresh = Memo::new(move |previous: Option<&(u64, u64)>| {
        if frozen.0.get() {
            previous.copied().unwrap_or_default()
        } else {
            (desk.reload.get(), live.tick.get())
        }
    });
    provide_context(Fresh(fresh));
    let detail = Resource::new(
        move || (id, fresh.get(), revealed.count()),
        |(id, ..)| get_call_detail(id),
    );
    view! {
        <aside class="drawer" role="dialog" aria-modal="false" aria-labelledby="drawer-title">
            <header class="drawer-header">
                <h2 id="drawer-title">{t.call_title} " " {id}</h2>
                <button type="button" class="button-quiet" on:click=move |_| on_close.run(())
                    aria-label=t.close>"✕"</button>
            </header>
            <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
                {move || detail.get().map(|result| match result {
                    Ok(detail) => {
                        view! { <DrawerBody detail users is_admin on_open on_close /> }.into_any()
                    }
                    Err(error) => view! {
                        <p class="state state-error" role="alert">{t.error(&error)}</p>
                    }.into_any(),
                })}
            </Transition>
        </aside>
    }
}

#[component]
fn DrawerBody(
    detail: CallDetail,
    users: Signal<Vec<UserSummary>>,
    is_admin: Signal<bool>,
    on_open: Callback<i64>,
    on_close: Callback<()>,
) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
    let r = use_rights_texts();
    let CallDetail {
        call,
        event_id,
        imported_at,
        warnings,
        status_history,
        notes,
        audit,
        raw_payload,
        priority_rule,
        restriction,
        repeats,
    } = detail;
    let status_buttons = CallStatus::ALL
        .into_iter()
        .map(|status| {
            let call = call.clone();
            view! {
                <button
                    type="button"
                    aria-pressed=(call.status == status).to_string()
                    on:click=move |_| desk.set_status(&call, status)
                >
                    {t.status(status)}
                </button>
            }
        })
        .collect_view();
    let assign_call = call.clone();
    let on_assign = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        desk.assign(&assign_call, value.parse().ok());
    };
    let current_assignee = call.assignee_id;
    let rights_call = call.clone();
    // Nobody may change a restricted call: admins see it without the actions.
    let restricted = call.restricted;
    Effect::new(move |_| {
        if let Some(target) = desk.pending_focus.get() {
            desk.pending_focus.set(None);
            crate::components::focus_element(target);
        }
    });
    view! {
        {restriction.as_ref().map(|restriction| {
            let by = restriction.by.clone().unwrap_or_else(|| "—".to_owned());
            view! {
                <p class="restriction-banner" role="status">
                    {(r.restricted_since)(&format_berlin(restriction.since), &by)}
                    " " {restriction.reason.clone()}
                    {restriction.legal_hold.as_ref().map(|hold| view! {
                        <br />
                        {(r.held_until)(&hold.until.format("%d.%m.%Y").to_string(), &hold.reason)}
                    })}
                </p>
            }
        })}
        {(!restricted).then(|| view! {
        <section class="drawer-actions" aria-label=t.actions>
                <div class="segmented" role="group" aria-label=t.set_status>{status_buttons}</div>
                <label>
                    {t.col_assignee}
                    <select id=ASSIGN_SELECT_ID on:change=on_assign>
                        <option value="" selected=current_assignee.is_none()>{t.nobody}</option>
                        {move || users.get().into_iter().map(|user| view! {
                            <option value=user.id selected=current_assignee == Some(user.id)>
                                {user.name}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            </section>
        })}
        <section aria-labelledby="drawer-data">
            <h3 id="drawer-data">{t.details}</h3>
            <dl class="fields">
                <dt>{t.field_received}</dt><dd>{format_berlin(call.received_at)}</dd>
                <dt>{t.field_name}</dt>
                <dd>{personal(&call, PiiField::CallerName, call.caller_name.get().clone().unwrap_or_else(|| "—".into()))}</dd>
                <dt>{t.field_number}</dt>
                <dd>{personal(&call, PiiField::CallerNumber, call.caller_number.get().as_ref().map_or_else(|| t.anonymous.to_owned(), |n| n.display().to_owned()))}</dd>
                <dt>{t.col_date_of_birth}</dt>
                <dd>{personal(&call, PiiField::DateOfBirth, call.date_of_birth.get().map_or_else(|| "—".to_owned(), |d| d.format("%d.%m.%Y").to_string()))}</dd>
                <dt>{t.col_concern}</dt><dd>{call.topic.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t.field_priority}</dt>
                <dd>
                    {t.priority(call.priority)}
                    {priority_rule.map(|reason| view! {
                        <span class="muted priority-reason">" · "{use_rules_texts().reason(&reason)}</span>
                    })}
                </dd>
                <dt>{use_llm_texts().category}</dt><dd>{call.category.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>{t.field_source}</dt><dd>{call.source_name.clone()}</dd>
                <dt>{t.col_status}</dt><dd>{t.status(call.status)}</dd>
                <dt>{t.field_version}</dt><dd>{call.version}</dd>
                <dt>{t.field_event_id}</dt><dd class="mono">{event_id.into_inner().unwrap_or_else(|| crate::domain::MASK.to_owned())}</dd>
                <dt>{t.field_imported}</dt><dd>{format_berlin(imported_at)}</dd>
            </dl>
        </section>
        {(!repeats.is_empty()).then(|| view! { <RepeatList repeats on_open /> })}
        {(!warnings.get().is_empty()).then(|| view! {
            <section class="warnings" aria-labelledby="drawer-warnings">
                <h3 id="drawer-warnings">{t.import_warnings}</h3>
                <ul>
                    {warnings.get().iter().map(|w| view! {
                        <li><strong>{w.field.clone()}</strong>": "{w.detail.clone()}</li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!restricted).then(|| view! { <SuggestionBox call=call.clone() is_admin /> })}
        {(!restricted).then(|| view! { <NoteForm call_id=call.id /> })}
        <DrawerList id="drawer-notes" title=t.notes empty=notes.is_empty().then_some(t.no_notes)>
            <ul class="timeline">
                {notes.into_iter().map(|note| view! {
                    <li>
                        <p class="note-body">{note.body}</p>
                        <p class="muted">
                            {note.author.unwrap_or_else(|| t.not_signed_in.into())}
                            " · " {format_berlin(note.created_at)}
                        </p>
                    </li>
                }).collect_view()}
            </ul>
        </DrawerList>
        <DrawerList id="drawer-history" title=t.status_history
            empty=status_history.is_empty().then_some(t.status_unchanged)>
            <ul class="timeline">
                {status_history.into_iter().map(|entry| view! {
                    <li>
                        {t.status(entry.status)} " · " {format_berlin(entry.changed_at)}
                        " · " {entry.changed_by.unwrap_or_else(|| t.not_signed_in.into())}
                        {entry.comment.map(|c| view! { <span class="muted">" — " {c}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </DrawerList>
        <DrawerList id="drawer-audit" title=t.audit empty=audit.is_empty().then_some(t.no_audit)>
            <table class="audit">
                <thead><tr>
                    <th>{t.audit_time}</th><th>{t.audit_action}</th>
                    <th>{t.audit_by}</th><th>{t.audit_change}</th>
                </tr></thead>
                <tbody>
                    {audit.into_iter().map(|entry| view! {
                        <tr>
                            <td class="nowrap">{format_berlin(entry.occurred_at)}</td>
                            <td>{t.audit_action_name(entry.action)}</td>
                            <td>{entry.actor_name.unwrap_or_else(|| t.actor_kind(entry.actor_kind).to_owned())}</td>
                            <td class="mono">{entry.diff.into_inner()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </DrawerList>
        <details class="raw">
            <summary>{t.raw_payload}</summary>
            <pre class="mono">{raw_payload.into_inner()}</pre>
        </details>
        {move || is_admin.get().then(|| view! {
            <RestrictionControls call_id=rights_call.id has_number=rights_call.caller_number.get().is_some()
                restriction=restriction.clone() />
            <CallerRights call=rights_call.clone() on_erased=on_close />
        })}
    }
}

/// A field with personal data: its value, or, when masked for this user, the way to reveal it.
fn personal(call: &CallListItem, field: PiiField, shown: String) -> AnyView {
    match call.mask_of(field) {
        Some(value) => view! { <RevealField call_id=call.id value=value.clone() /> }.into_any(),
        None => shown.into_any(),
    }
}

/// The other open calls of the run this call belongs to (`crate::repeat`), each opening in the
/// drawer.
#[component]
fn RepeatList(repeats: Vec<RepeatedCall>, on_open: Callback<i64>) -> impl IntoView {
    let t = use_texts();
    let rt = use_repeat_texts();
    view! {
        <section class="repeats" aria-labelledby="drawer-repeats">
            <h3 id="drawer-repeats">{rt.others}</h3>
            <ul class="timeline">
                {repeats.into_iter().map(|other| view! {
                    <li>
                        <button type="button" class="button-small" on:click=move |_| on_open.run(other.id)>
                            {format_berlin(other.received_at)}
                        </button>
                        " · " {other.topic.unwrap_or_else(|| "—".into())}
                        <span class="muted">
                            " · " {t.priority(other.priority)} " · " {t.status(other.status)}
                        </span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A titled part of the drawer, or the sentence `empty` when it has nothing to list.
#[component]
fn DrawerList(
    id: &'static str,
    title: &'static str,
    empty: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <section aria-labelledby=id>
            <h3 id=id>{title}</h3>
            {match empty {
                Some(sentence) => view! { <p class="muted">{sentence}</p> }.into_any(),
                None => children().into_any(),
            }}
        </section>
    }
}

#[component]
fn NoteForm(call_id: i64) -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
    let input = NodeRef::<html::Textarea>::new();
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(textarea) = input.get() else { return };
        let note = textarea.value();
        spawn_local(async move {
            match add_call_note(call_id, note).await {
                Ok(_) => {
                    textarea.set_value("");
                    error.set(None);
                    desk.notify(t.note_saved, None);
                    desk.refresh();
                }
                Err(failure) => error.set(Some(t.error(&failure))),
            }
        });
    };
    view! {
        <form class="note-form" on:submit=on_submit>
            <label for=NOTE_INPUT_ID>{t.add_note}</label>
            <textarea id=NOTE_INPUT_ID node_ref=input rows="3" maxlength="4000"></textarea>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <button type="submit">{t.save_note}</button>
        </form>
    }
}

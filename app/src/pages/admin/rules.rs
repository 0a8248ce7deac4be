//! Priority rules: VIP numbers, keywords and patterns that set a call's priority at import
//! (`crate::rules`). Every change is saved at once and re-evaluates the open calls.

use leptos::prelude::*;

use super::{
    AdminTable, ChoiceSelect, LoadFailed, escalation::EscalationSettingsView,
    repeat::RepeatSettingsView, use_notice,
};
use crate::{
    api::rules::{
        add_priority_rule, priority_rules, remove_priority_rule, set_priority_rule_enabled,
    },
    domain::Priority,
    i18n::{use_rules_texts, use_texts},
    rules::{LABEL_MAX_CHARS, NewRule, PriorityRule, RuleKind, VALUE_MAX_CHARS},
};

#[component]
pub fn RulesView() -> impl IntoView {
    let t = use_texts();
    let r = use_rules_texts();
    let reload = RwSignal::new(0_u32);
    let list = Resource::new(move || reload.get(), |_| priority_rules());
    let refresh = move || reload.update(|n| *n += 1);
    view! {
        <h2>{r.tab}</h2>
        <p class="muted">{r.intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || list.get().map(|result| match result {
                Ok(rules) if rules.is_empty() => {
                    view! { <p class="state state-empty">{r.none}</p> }.into_any()
                }
                Ok(rules) => view! { <RuleTable rules refresh /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
        <h3>{r.add_heading}</h3>
        <AddRule refresh />
        <EscalationSettingsView />
        <RepeatSettingsView />
    }
}

#[component]
fn RuleTable(
    rules: Vec<PriorityRule>,
    refresh: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let r = use_rules_texts();
    let notice = use_notice();
    let rows = rules
        .into_iter()
        .map(|rule| {
            let id = rule.id;
            let toggle = move |ev: leptos::ev::Event| {
                let enabled = event_target_checked(&ev);
                notice.run(
                    set_priority_rule_enabled(id, enabled),
                    move |saved| (r.saved)(saved.calls_changed),
                    refresh,
                );
            };
            let remove = move |_| {
                let sure = window()
                    .confirm_with_message(r.remove_confirm)
                    .unwrap_or(false);
                if sure {
                    notice.run(
                        remove_priority_rule(id),
                        move |saved| (r.saved)(saved.calls_changed),
                        refresh,
                    );
                }
            };
            let toggle_label = format!("{}: {}", r.enabled, rule.label);
            view! {
                <tr class:inactive=!rule.enabled>
                    <td>{(r.kind_name)(rule.kind)}</td>
                    <td class=if rule.kind == RuleKind::Keyword { "" } else { "mono" }>{rule.value}</td>
                    <td>{rule.label}</td>
                    <td><span class=format!("badge priority-{}", rule.priority.as_str())>{t.priority(rule.priority)}</span></td>
                    <td>
                        <input type="checkbox" aria-label=toggle_label prop:checked=rule.enabled on:change=toggle />
                    </td>
                    <td class="row-actions">
                        <button type="button" class="button-quiet" on:click=remove>{r.remove}</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AdminTable columns=vec![r.kind, r.value, r.label, r.priority, r.enabled, r.actions]>
            {rows}
        </AdminTable>
    }
}

#[component]
fn AddRule(refresh: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let t = use_texts();
    let r = use_rules_texts();
    let notice = use_notice();
    let kind = RwSignal::new(RuleKind::Keyword);
    let value = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Urgent);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value_text = value.get_untracked();
        let label_text = label.get_untracked();
        // Words are their own label unless the admin names them.
        let label_text =
            if label_text.trim().is_empty() && kind.get_untracked() == RuleKind::Keyword {
                value_text.clone()
            } else {
                label_text
            };
        let rule = NewRule {
            kind: kind.get_untracked(),
            value: value_text,
            label: label_text,
            priority: priority.get_untracked(),
        };
        notice.run(
            add_priority_rule(rule),
            move |saved| (r.saved)(saved.calls_changed),
            move || {
                value.set(String::new());
                label.set(String::new());
                refresh();
            },
        );
    };
    view! {
        <form class="admin-form" on:submit=on_submit>
            <label>
                {r.kind}
                <ChoiceSelect
                    name="kind"
                    options=RuleKind::ALL.to_vec()
                    value=kind
                    code=RuleKind::as_str
                    text=r.kind_name
                />
            </label>
            <label>
                {r.value}
                <input
                    name="value"
                    required
                    maxlength=VALUE_MAX_CHARS
                    placeholder=move || (r.value_example)(kind.get())
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
            <label>
                {r.label}
                <input
                    name="label"
                    maxlength=LABEL_MAX_CHARS
                    required=move || kind.get() != RuleKind::Keyword
                    prop:value=move || label.get()
                    on:input=move |ev| label.set(event_target_value(&ev))
                />
            </label>
            <label>
                {r.priority}
                <ChoiceSelect
                    name="priority"
                    options=Priority::ALL.into_iter().rev().collect()
                    value=priority
                    code=Priority::as_str
                    text=move |option| t.priority(option)
                />
            </label>
            <button type="submit">{r.add}</button>
        </form>
    }
}

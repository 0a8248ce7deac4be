//! The PII rules of the working copy: severity and on/off per rule, removing and adding rules
//! (checked by the same compiler as on the server as they are typed), and the live tester.

use leptos::prelude::*;

use super::Working;
use crate::{
    compliance::pii::{PiiRule, PiiRules, RuleKind, Severity},
    i18n::use_compliance_texts,
    pages::admin::AdminTable,
};

#[component]
pub fn Rules(working: Working) -> impl IntoView {
    let c = use_compliance_texts();
    let count = move || working.document.with(|document| document.pii_rules.len());
    view! {
        <AdminTable columns=vec![c.rule_name, c.rule_kind, c.pattern, c.severity, c.active, ""]>
            <For each=move || 0..count() key=|index| *index let:index>
                <RuleRow working index />
            </For>
        </AdminTable>
        <NewRule working />
        <Tester working />
        <super::shadow::Shadow working />
    }
}

#[component]
fn RuleRow(working: Working, index: usize) -> impl IntoView {
    let c = use_compliance_texts();
    let rule = move || working.document.with(|d| d.pii_rules.get(index).cloned());
    let field = move |f: fn(&PiiRule) -> String| move || rule().map(|r| f(&r)).unwrap_or_default();
    let change = move |update: Box<dyn FnOnce(&mut PiiRule)>| {
        working.edit(|d| {
            if let Some(rule) = d.pii_rules.get_mut(index) {
                update(rule);
            }
        });
    };
    view! {
        <tr>
            <td>{field(|r| r.name.clone())}" "<span class="muted">"[" {field(|r| r.label.clone())} "]"</span></td>
            <td>{move || rule().map(|r| (c.kind_name)(r.kind))}</td>
            <td class="pattern"><code>{field(|r| r.pattern.clone())}</code></td>
            <td>
                <SeveritySelect
                    value=Signal::derive(move || rule().map_or(Severity::Warn, |r| r.severity))
                    on_change=Callback::new(move |severity| change(Box::new(move |r| r.severity = severity)))
                />
            </td>
            <td>
                <input
                    type="checkbox"
                    aria-label=c.active
                    prop:checked=move || rule().is_some_and(|r| r.active)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        change(Box::new(move |r| r.active = on));
                    }
                />
            </td>
            <td>
                <button type="button" class="button-small button-quiet" on:click=move |_| working.edit(|d| {
                    if index < d.pii_rules.len() {
                        d.pii_rules.remove(index);
                    }
                })>{c.remove}</button>
            </td>
        </tr>
    }
}

#[component]
fn SeveritySelect(value: Signal<Severity>, on_change: Callback<Severity>) -> impl IntoView {
    let c = use_compliance_texts();
    view! {
        <select
            aria-label=c.severity
            on:change=move |ev| {
                let code = event_target_value(&ev);
                if let Some(severity) = Severity::ALL.into_iter().find(|s| s.code() == code) {
                    on_change.run(severity);
                }
            }
        >
            {Severity::ALL.map(|severity| view! {
                <option value=severity.code() selected=move || value.get() == severity>
                    {(c.severity_name)(severity)}
                </option>
            })}
        </select>
    }
}

/// A form for a new rule; what it would make is compiled as it is typed, and the compiler's
/// message shown, so a broken rule cannot be added.
#[component]
fn NewRule(working: Working) -> impl IntoView {
    let c = use_compliance_texts();
    let name = RwSignal::new(String::new());
    let label = RwSignal::new(String::new());
    let kind = RwSignal::new(RuleKind::Regex);
    let pattern = RwSignal::new(String::new());
    let severity = RwSignal::new(Severity::Block);
    let rule = move || PiiRule {
        name: name.get().trim().to_owned(),
        label: label.get().trim().to_owned(),
        kind: kind.get(),
        pattern: pattern.get(),
        severity: severity.get(),
        active: true,
    };
    let problem = move || {
        let rule = rule();
        if rule.name.is_empty() && rule.pattern.is_empty() {
            return None;
        }
        let mut rules = working.document.with(|d| d.pii_rules.clone());
        rules.push(rule);
        PiiRules::compile(&rules)
            .err()
            .map(|error| error.to_string())
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if problem().is_none() {
            let rule = rule();
            working.edit(|d| d.pii_rules.push(rule));
            name.set(String::new());
            label.set(String::new());
            pattern.set(String::new());
        }
    };
    let text_input = move |signal: RwSignal<String>, caption: &'static str, field: &'static str| {
        view! {
            <label class="field">
                {caption}
                <input
                    type="text"
                    name=field
                    required
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <h3>{c.add_rule}</h3>
        <form class="admin-form new-rule" on:submit=add>
            {text_input(name, c.rule_name, "rule_name")}
            {text_input(label, c.rule_label, "rule_label")}
            <label class="field">
                {c.rule_kind}
                <select name="rule_kind" on:change=move |ev| {
                    kind.set(if event_target_value(&ev) == "keyword" { RuleKind::Keyword } else { RuleKind::Regex });
                }>
                    <option value="regex">{(c.kind_name)(RuleKind::Regex)}</option>
                    <option value="keyword">{(c.kind_name)(RuleKind::Keyword)}</option>
                </select>
            </label>
            {text_input(pattern, c.pattern, "rule_pattern")}
            <label class="field">
                {c.severity}
                <SeveritySelect value=severity.into() on_change=Callback::new(move |s| severity.set(s)) />
            </label>
            {move || problem().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <button type="submit" disabled=move || problem().is_some()>{c.add_rule}</button>
        </form>
    }
}

/// Sample text in, matches of the working copy's rules marked, as it is typed.
#[component]
fn Tester(working: Working) -> impl IntoView {
    let c = use_compliance_texts();
    let text = RwSignal::new(String::new());
    // Compiled and scanned once per change, for the marks and the count alike.
    let findings = Memo::new(move |_| {
        let sample = text.get();
        working.document.with(|d| {
            PiiRules::compile(&d.pii_rules)
                .map_or_else(|_| Vec::new(), |rules| rules.scan(&sample, None))
        })
    });
    let marked = move || {
        let sample = text.get();
        let mut parts = Vec::new();
        let mut at = 0;
        for finding in findings.get() {
            if finding.start < at {
                continue;
            }
            parts.push(view! { <span>{sample[at..finding.start].to_owned()}</span> }.into_any());
            let title = format!("{} · {}", finding.rule, (c.severity_name)(finding.severity));
            parts.push(
                view! {
                    <mark class=format!("pii-{}", finding.severity.code()) title=title>
                        {sample[finding.start..finding.end].to_owned()}
                    </mark>
                }
                .into_any(),
            );
            at = finding.end;
        }
        parts.push(view! { <span>{sample[at..].to_owned()}</span> }.into_any());
        parts
    };
    let count = move || findings.with(Vec::len);
    view! {
        <h3>{c.tester}</h3>
        <p class="muted">{c.tester_hint}</p>
        <textarea
            class="pii-sample"
            name="pii_sample"
            rows="4"
            aria-label=c.tester
            prop:value=move || text.get()
            on:input=move |ev| text.set(event_target_value(&ev))
        ></textarea>
        <p class="pii-count" aria-live="polite">
            {move || if count() == 0 { c.tester_none.to_owned() } else { (c.findings)(count()) }}
        </p>
        <p class="pii-marked">{marked}</p>
    }
}

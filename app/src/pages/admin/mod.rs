//! The admin area: users and roles, sessions, API tokens, masking, retention, priority rules,
//! compliance, the LLM help and the audit log. The server lets only admins reach these pages, and every server function behind
//! them checks the role again.

mod audit;
mod backups;
mod compliance;
mod escalation;
mod llm;
mod masking;
mod repeat;
mod report;
mod retention;
mod rules;
mod sessions;
mod tabs;
mod tokens;
mod users;

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::{
    components::{A, Outlet},
    hooks::use_location,
};

use audit::AuditView;
use compliance::ComplianceView;
use llm::LlmView;
use masking::MaskingView;
use report::ReportView;
use retention::RetentionView;
use rules::RulesView;
use sessions::SessionsView;
use tokens::TokensView;
use users::UsersView;

pub use tabs::{
    AuditTab, ComplianceTab, LlmTab, MaskingTab, ReportTab, RetentionTab, RulesTab, SessionsTab,
    TokensTab, UsersTab,
};

use crate::{
    AppError,
    api::{admin::ADMIN_PATH, auth::current_user},
    components::AccountMenu,
    i18n::{
        LanguageSwitch, use_compliance_texts, use_kpi_texts, use_llm_texts, use_retention_texts,
        use_rules_texts, use_texts,
    },
};

/// The outcome of the last action, shown at the top of the admin area until the next one.
#[derive(Clone, Copy)]
struct Notice(RwSignal<Option<Result<String, String>>>);

impl Notice {
    /// Runs a server function; on success says `done` (given the result) and calls `then`, on
    /// failure says what went wrong.
    fn run<T: 'static>(
        self,
        work: impl Future<Output = Result<T, AppError>> + 'static,
        done: impl FnOnce(T) -> String + 'static,
        then: impl FnOnce() + 'static,
    ) {
        let t = use_texts();
        spawn_local(async move {
            match work.await {
                Ok(value) => {
                    self.0.set(Some(Ok(done(value))));
                    then();
                }
                Err(error) => self.0.set(Some(Err(t.error(&error)))),
            }
        });
    }

    fn failed(self, error: &AppError) {
        self.0.set(Some(Err(use_texts().error(error))));
    }
}

fn use_notice() -> Notice {
    expect_context::<Notice>()
}

#[component]
pub fn AdminLayout() -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |()| current_user());
    let notice = Notice(RwSignal::new(None));
    provide_context(notice);
    let path = use_location().pathname;
    Effect::new(move |_| {
        path.track();
        notice.0.set(None);
    });
    let tabs = [
        (ADMIN_PATH.to_owned(), t.admin_users),
        (format!("{ADMIN_PATH}/sessions"), t.admin_sessions),
        (format!("{ADMIN_PATH}/tokens"), t.admin_tokens),
        (format!("{ADMIN_PATH}/masking"), t.admin_masking),
        (format!("{ADMIN_PATH}/retention"), use_retention_texts().tab),
        (format!("{ADMIN_PATH}/rules"), use_rules_texts().tab),
        (format!("{ADMIN_PATH}/report"), use_kpi_texts().report_tab),
        (
            format!("{ADMIN_PATH}/compliance"),
            use_compliance_texts().tab,
        ),
        (
            format!("{ADMIN_PATH}/llm"),
            use_llm_texts().settings_heading,
        ),
        (format!("{ADMIN_PATH}/audit"), t.admin_audit),
    ];
    view! {
        <Title text=t.admin_title />
        <header class="page-header">
            <h1><a href="/" class="home">"Anrufe"</a>" · "{t.admin_title}</h1>
            <LanguageSwitch />
            <Suspense>
                {move || me.get().and_then(Result::ok).map(|user| view! { <AccountMenu user /> })}
            </Suspense>
        </header>
        <nav class="admin-tabs" aria-label=t.admin_title>
            <a href="/">{t.to_call_list}</a>
            {tabs.into_iter().map(|(href, label)| view! {
                <A href=href exact=true>{label}</A>
            }).collect_view()}
        </nav>
        <div class="admin-notice" aria-live="polite">
            {move || notice.0.get().map(|outcome| match outcome {
                Ok(message) => view! { <p class="notice-ok">{message}</p> }.into_any(),
                Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
            })}
        </div>
        <section class="admin">
            <Outlet />
        </section>
    }
}

/// A table of the admin area: a header row of `columns`, and the rows as children.
#[component]
fn AdminTable(columns: Vec<&'static str>, children: Children) -> impl IntoView {
    view! {
        <table class="admin-table">
            <thead><tr>
                {columns.into_iter().map(|column| view! { <th scope="col">{column}</th> }).collect_view()}
            </tr></thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// A failed load, in place of the list.
#[component]
fn LoadFailed(error: AppError) -> impl IntoView {
    let t = use_texts();
    view! { <p class="state state-error" role="alert">{t.error(&error)}</p> }
}

/// A `<select>` over `options` kept in `value`: each option's form value is `code(option)`, its
/// text `text(option)`; the value `value` has at first is the one selected.
#[component]
fn ChoiceSelect<T, C, X>(
    name: &'static str,
    options: Vec<T>,
    value: RwSignal<T>,
    code: C,
    text: X,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
    C: Fn(T) -> &'static str + Copy + Send + Sync + 'static,
    X: Fn(T) -> &'static str + Send + Sync + 'static,
{
    let initial = value.get_untracked();
    let choices = options.clone();
    let on_change = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        if let Some(option) = choices
            .iter()
            .copied()
            .find(|option| code(*option) == chosen)
        {
            value.set(option);
        }
    };
    view! {
        <select name=name on:change=on_change>
            {options.into_iter().map(|option| view! {
                <option value=code(option) selected=option == initial>{text(option)}</option>
            }).collect_view()}
        </select>
    }
}

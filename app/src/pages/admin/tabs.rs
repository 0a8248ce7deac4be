//! The admin tabs as lazy routes. Built with `cargo leptos build --split` (as `scripts/run` and
//! `scripts/test` do), each tab's code is a WASM chunk of its own that the browser fetches when
//! an admin opens the tab: the front desk's first load carries none of the admin area.
//!
//! A tab loads its data when its view runs, once its chunk is there; on a page load the server
//! has rendered both already, and hydration waits for the chunk (`frontend`'s
//! `hydrate_from_async`).

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `Tab => View`: a route type `Tab` whose lazily loaded view is the component `View`.
macro_rules! lazy_tabs {
    ($($(#[$doc:meta])* $tab:ident => $view:ident,)*) => {$(
        $(#[$doc])*
        pub struct $tab;

        #[lazy_route]
        impl LazyRoute for $tab {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <super::$view /> }.into_any()
            }
        }
    )*};
}

lazy_tabs! {
    /// Users and roles, the tab `/admin` opens with.
    UsersTab => UsersView,
    /// Who is signed in where.
    SessionsTab => SessionsView,
    /// API tokens of the service accounts.
    TokensTab => TokensView,
    /// What each role sees of a caller.
    MaskingTab => MaskingView,
    /// Retention periods, the purge and the backups.
    RetentionTab => RetentionView,
    /// Priority rules, escalation and repeat callers.
    RulesTab => RulesView,
    /// The report of the last 30 days.
    ReportTab => ReportView,
    /// The data-protection officer's area.
    ComplianceTab => ComplianceView,
    /// The practice's LLM endpoint.
    LlmTab => LlmView,
    /// The audit log.
    AuditTab => AuditView,
}

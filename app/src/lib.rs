//! The Anrufe web app: the HTML shell, the routes, and everything the pages need.
//! Compiled twice: with `ssr` into the server, with `hydrate` into the WASM bundle.

pub mod api;
#[cfg(feature = "backend")]
pub mod at_rest;
#[cfg(feature = "backend")]
pub mod audit;
#[cfg(feature = "backend")]
pub mod auth;
#[cfg(feature = "backend")]
pub mod backup;
pub mod compliance;
mod components;
#[cfg(feature = "backend")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod csp;
#[cfg(feature = "backend")]
pub mod db;
pub mod domain;
#[cfg(feature = "backend")]
pub mod dsgvo;
mod error;
pub mod i18n;
pub mod kpi;
pub mod live;
pub mod llm;
#[cfg(feature = "backend")]
pub mod log_line;
#[cfg(feature = "backend")]
pub mod masking;
mod pages;
pub mod repeat;
#[cfg(feature = "backend")]
pub mod retention;
pub mod rules;
#[cfg(feature = "backend")]
pub mod service;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, StaticSegment,
    components::{ParentRoute, Route, Router, Routes},
};

pub use error::AppError;
use pages::admin;

/// The site's icon, a static file the same for everyone.
pub const ICON_PATH: &str = "/favicon.svg";

/// The HTML document around the app, rendered by the server in the request's language.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = i18n::Lang::current();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let policy = csp::content_security_policy(leptos::nonce::use_nonce().as_deref());
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <link rel="icon" href=ICON_PATH type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_lang();

    view! {
        <Stylesheet id="leptos" href="/pkg/anrufe.css" />
        <Title text="Anrufe" />
        <Router>
            <main>
                <Routes fallback=pages::NotFoundPage>
                    <Route path=StaticSegment("") view=pages::CallsPage />
                    <Route path=StaticSegment("login") view=pages::LoginPage />
                    <ParentRoute path=StaticSegment("admin") view=admin::AdminLayout>
                        <Route path=StaticSegment("") view={Lazy::<admin::UsersTab>::new()} />
                        <Route path=StaticSegment("sessions") view={Lazy::<admin::SessionsTab>::new()} />
                        <Route path=StaticSegment("tokens") view={Lazy::<admin::TokensTab>::new()} />
                        <Route path=StaticSegment("masking") view={Lazy::<admin::MaskingTab>::new()} />
                        <Route path=StaticSegment("retention") view={Lazy::<admin::RetentionTab>::new()} />
                        <Route path=StaticSegment("rules") view={Lazy::<admin::RulesTab>::new()} />
                        <Route path=StaticSegment("report") view={Lazy::<admin::ReportTab>::new()} />
                        <Route path=StaticSegment("compliance") view={Lazy::<admin::ComplianceTab>::new()} />
                        <Route path=StaticSegment("llm") view={Lazy::<admin::LlmTab>::new()} />
                        <Route path=StaticSegment("audit") view={Lazy::<admin::AuditTab>::new()} />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

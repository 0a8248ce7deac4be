//! Who is logged in, and the way out.

use leptos::prelude::*;

use crate::{
    api::admin::ADMIN_PATH,
    api::auth::{LOGIN_PATH, Logout},
    domain::{Role, SessionUser},
    i18n::use_texts,
};

/// The logged-in person's name, the way into the admin area for admins, and the logout button
/// (a form, so it works before hydration).
#[component]
pub fn AccountMenu(user: SessionUser) -> impl IntoView {
    let t = use_texts();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            go_to(LOGIN_PATH);
        }
    });
    view! {
        <div class="account">
            {user.role.allows(Role::Admin).then(|| view! {
                <a href=ADMIN_PATH class="admin-link">{t.admin_link}</a>
            })}
            <span title=user.email>{t.signed_in_as}" "<strong>{user.name}</strong></span>
            <ActionForm action=logout>
                <button type="submit" class="button-quiet">{t.log_out}</button>
            </ActionForm>
        </div>
    }
}

/// Loads `path` as a new page, so everything on it is rendered for the session as it is now
/// (after login, logout, or when the session has ended).
pub fn go_to(path: &str) {
    let _ = window().location().set_href(path);
}

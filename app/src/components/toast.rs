//! The message after an action, with Undo where the action can be undone.

use leptos::prelude::*;

use crate::{components::Desk, i18n::use_texts};

#[component]
pub fn ToastArea() -> impl IntoView {
    let desk = expect_context::<Desk>();
    let t = use_texts();
    view! {
        <div class="toast-area" role="status" aria-live="polite">
            {move || desk.toast.get().map(|toast| {
                let undo = toast.undo;
                view! {
                    <div class="toast" class:toast-error=toast.error>
                        <span>{toast.message}</span>
                        {undo.map(|undo| view! {
                            <button type="button" class="button-quiet" on:click=move |_| {
                                desk.toast.set(None);
                                desk.undo(undo.clone());
                            }>{t.undo}</button>
                        })}
                        <button type="button" class="button-quiet" aria-label=t.dismiss
                            on:click=move |_| desk.toast.set(None)>"✕"</button>
                    </div>
                }
            })}
        </div>
    }
}

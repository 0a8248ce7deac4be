//! Keyboard shortcuts of the calls page: j/k move, Enter opens, d done, a assign, n note,
//! / search, Esc closes. Ignored while typing in a field (except Esc).

use leptos::{ev, prelude::*, wasm_bindgen::JsCast, web_sys::HtmlElement};

use crate::{
    components::{ASSIGN_SELECT_ID, Desk, NOTE_INPUT_ID, SEARCH_INPUT_ID},
    domain::CallStatus,
};

/// Listens on the window while the page is shown.
pub fn use_shortcuts(desk: Desk, open: Callback<i64>, close: Callback<()>) {
    let handle = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let key = event.key();
        if key == "Escape" {
            close.run(());
            return;
        }
        if typing(&event) {
            return;
        }
        let focused = desk.focused.get_untracked();
        let handled = match key.as_str() {
            "j" => move_focus(desk, 1),
            "k" => move_focus(desk, -1),
            "/" => focus_element(SEARCH_INPUT_ID),
            "Enter" => focused.map(|id| open.run(id)).is_some(),
            "d" => focused_call(desk)
                .map(|call| desk.set_status(&call, CallStatus::Done))
                .is_some(),
            "a" | "n" => focused
                .map(|id| {
                    let target = if key == "a" {
                        ASSIGN_SELECT_ID
                    } else {
                        NOTE_INPUT_ID
                    };
                    desk.pending_focus.set(Some(target));
                    open.run(id);
                })
                .is_some(),
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}

fn typing(event: &ev::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|target| target.dyn_into::<HtmlElement>().ok())
        .is_some_and(|element| {
            matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || element.is_content_editable()
        })
}

fn focused_call(desk: Desk) -> Option<crate::domain::CallListItem> {
    let id = desk.focused.get_untracked()?;
    desk.rows
        .with_untracked(|rows| rows.iter().find(|c| c.id == id).cloned())
}

/// Moves the focus `step` rows down (or up) and brings the row into view.
fn move_focus(desk: Desk, step: isize) -> bool {
    let next = desk.rows.with_untracked(|rows| {
        let current = desk
            .focused
            .get_untracked()
            .and_then(|id| rows.iter().position(|c| c.id == id));
        let index = match current {
            None => 0,
            Some(i) => i
                .saturating_add_signed(step)
                .min(rows.len().saturating_sub(1)),
        };
        rows.get(index).map(|c| c.id)
    });
    let Some(id) = next else { return false };
    desk.focused.set(Some(id));
    if let Some(row) = document()
        .query_selector(&format!("tr[data-id=\"{id}\"]"))
        .ok()
        .flatten()
        .and_then(|row| row.dyn_into::<HtmlElement>().ok())
    {
        let _ = row.focus();
    }
    true
}

/// Focuses the element with this id, if it is on the page.
pub fn focus_element(id: &str) -> bool {
    document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
        .is_some_and(|element| element.focus().is_ok())
}

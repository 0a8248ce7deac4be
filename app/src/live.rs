//! The live connection: a WebSocket to `/live` that turns the server's change notifications
//! into a signal. Every message, and every reconnect, bumps [`Live::tick`]; views that depend
//! on it fetch again, so nothing missed while offline stays missing.

use leptos::prelude::*;

/// The state of the live connection, provided to the whole app.
#[derive(Clone, Copy)]
pub struct Live {
    /// Whether the connection is open right now.
    pub online: RwSignal<bool>,
    /// Increments whenever calls may have changed.
    pub tick: RwSignal<u64>,
}

/// The path of the WebSocket endpoint.
pub const LIVE_PATH: &str = "/live";

/// The close code the server ends a live connection with when its session has ended (logout,
/// timeout, ended by an admin, account deactivated); in WebSocket's range for applications.
pub const CLOSE_SESSION_ENDED: u16 = 4401;

/// Creates the live state and, in the browser, opens and keeps open the connection.
pub fn provide_live() -> Live {
    let live = Live {
        online: RwSignal::new(false),
        tick: RwSignal::new(0),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::connect(live, 0));
    live
}

pub fn use_live() -> Live {
    use_context::<Live>().unwrap_or_else(provide_live)
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    use super::{CLOSE_SESSION_ENDED, LIVE_PATH, Live};

    /// Waits longer after each failed attempt, up to this, so a down server is not hammered.
    const MAX_BACKOFF_MS: u64 = 10_000;

    pub fn connect(live: Live, failures: u32) {
        let location = window().location();
        let scheme = match location.protocol().as_deref() {
            Ok("https:") => "wss",
            _ => "ws",
        };
        let host = location.host().unwrap_or_default();
        let Ok(socket) = WebSocket::new(&format!("{scheme}://{host}{LIVE_PATH}")) else {
            retry(live, failures);
            return;
        };

        let on_open = Closure::<dyn FnMut()>::new(move || {
            live.online.set(true);
            // A reconnect may have missed changes: fetch what is shown again.
            if failures > 0 {
                live.tick.update(|tick| *tick += 1);
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            live.tick.update(|tick| *tick += 1);
        });
        let was_open = live.online;
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            if event.code() == CLOSE_SESSION_ENDED {
                // The view's next fetch is refused, which leads to the login page.
                live.tick.update(|tick| *tick += 1);
            }
            let failures = if was_open.get_untracked() {
                1
            } else {
                failures + 1
            };
            live.online.set(false);
            retry(live, failures);
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        // The socket lives as long as the page; so do its handlers.
        on_open.forget();
        on_message.forget();
        on_close.forget();
    }

    fn retry(live: Live, failures: u32) {
        let delay = (250u64 << failures.min(6)).min(MAX_BACKOFF_MS);
        set_timeout(
            move || connect(live, failures),
            Duration::from_millis(delay),
        );
    }
}

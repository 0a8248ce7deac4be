//! Repeat callers (issue 20): the open calls from one number (and source), each within the
//! window of the one before (default 4 hours), show on the desk as one row — the newest, with
//! how many they are — because someone who rings three times about one concern is one person
//! waiting, not three. The drawer lists each call of the run; „Erledigt“ on the row closes the
//! whole run in one transaction (`crate::service::close_repeats`), and Undo restores them all.
//!
//! The database keeps the fold (`refold_calls` and its triggers, migration 42) on every change
//! that can alter it — a new call, a status, a restriction, an erasure, the purge — so no path
//! can forget it, and a masked number folds without being revealed: the server groups. [`store`]
//! reads and sets the window and lists a run for the drawer.

#[cfg(feature = "backend")]
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{CallStatus, Priority, StatusBefore};

/// How close in time calls from one number must come to fold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatSettings {
    /// Minutes from one call to the next of a run (`crate::domain::limits::REPEAT_WINDOW_MINUTES`);
    /// 0 folds nothing.
    pub window_minutes: i32,
}

/// Another open call of the run a call belongs to, for the drawer. No personal data: the
/// number they share is the call's own, masked or not like it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "backend", derive(utoipa::ToSchema))]
pub struct RepeatedCall {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub topic: Option<String>,
    pub priority: Priority,
    pub status: CallStatus,
}

/// What closing a run did: each call closed with the status it had (what Undo puts back), and
/// how many were done already.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatsClosed {
    pub closed: Vec<StatusBefore>,
    pub unchanged: usize,
}

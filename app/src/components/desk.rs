//! The state the calls page shares with its parts: selection, keyboard focus, the toast, and
//! the actions that change calls. A status asked for shows on its row at once, marked as
//! pending; every action reloads what is shown afterwards, so the row then shows what the
//! server has, and a refused change puts the row back.

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use leptos::{prelude::*, task::spawn_local};

use crate::{
    AppError,
    api::calls::{
        assign_call, bulk_assign, bulk_set_status, close_repeats, restore_statuses, set_call_status,
    },
    domain::{BulkOutcome, CallListItem, CallStatus, StatusBefore},
    i18n::{EscalationTexts, RepeatTexts, Texts, use_escalation_texts, use_repeat_texts},
};

/// How long a toast (and its Undo) stays.
const TOAST_TIME: Duration = Duration::from_secs(10);

#[derive(Clone, Copy)]
pub struct Desk {
    /// The words of the page's language, for the messages of the actions.
    t: &'static Texts,
    e: &'static EscalationTexts,
    r: &'static RepeatTexts,
    /// Bumped after every own change, so the list and the drawer fetch again.
    pub reload: RwSignal<u64>,
    /// The rows on screen, for keyboard navigation and bulk actions.
    pub rows: RwSignal<Vec<CallListItem>>,
    /// Calls that arrived with the last live update; highlighted briefly.
    pub fresh: RwSignal<HashSet<i64>>,
    pub selection: RwSignal<HashSet<i64>>,
    pub focused: RwSignal<Option<i64>>,
    /// The id of an element of the drawer to focus once it is shown (`a`, `n` keys).
    pub pending_focus: RwSignal<Option<&'static str>>,
    pub toast: RwSignal<Option<Toast>>,
    /// How many toasts were shown, to number them.
    toasts_shown: StoredValue<u64>,
    /// Statuses asked for whose row has not been reloaded yet: per call, the version it was
    /// asked on and the status.
    asked: RwSignal<HashMap<i64, (i32, CallStatus)>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    serial: u64,
    pub message: String,
    pub error: bool,
    /// What Undo puts back: the calls the action changed, each with the status it had.
    pub undo: Option<Vec<StatusBefore>>,
}

impl Desk {
    pub fn new(t: &'static Texts) -> Self {
        Self {
            t,
            e: use_escalation_texts(),
            r: use_repeat_texts(),
            reload: RwSignal::new(0),
            rows: RwSignal::new(Vec::new()),
            fresh: RwSignal::new(HashSet::new()),
            selection: RwSignal::new(HashSet::new()),
            focused: RwSignal::new(None),
            pending_focus: RwSignal::new(None),
            toast: RwSignal::new(None),
            toasts_shown: StoredValue::new(0),
            asked: RwSignal::new(HashMap::new()),
        }
    }

    /// The status asked for on this version of a call, while the server has not answered.
    pub fn asked_status(self, id: i64, version: i32) -> Option<CallStatus> {
        self.asked.with(|asked| {
            asked
                .get(&id)
                .filter(|(on, _)| *on == version)
                .map(|(_, status)| *status)
        })
    }

    /// Forgets what was asked of calls whose rows are now shown at another version or not at
    /// all: the reload shows the answer.
    pub fn forget_answered(self, rows: &[CallListItem]) {
        self.asked.update(|asked| {
            asked.retain(|id, (version, _)| {
                rows.iter()
                    .any(|call| call.id == *id && call.version == *version)
            });
        });
    }

    fn ask(self, call: &CallListItem, status: CallStatus) {
        self.asked.update(|asked| {
            asked.insert(call.id, (call.version, status));
        });
    }

    fn refused(self, id: i64, error: &AppError) {
        self.asked.update(|asked| {
            asked.remove(&id);
        });
        self.fail(error);
    }

    pub fn refresh(self) {
        self.reload.update(|n| *n += 1);
    }

    pub fn notify(self, message: impl Into<String>, undo: Option<Vec<StatusBefore>>) {
        self.show(message.into(), false, undo);
    }

    /// Shows what went wrong; every action reloads afterwards, so a conflict shows the
    /// current state.
    pub fn fail(self, error: &AppError) {
        self.show(self.t.error(error), true, None);
    }

    fn show(self, message: String, error: bool, undo: Option<Vec<StatusBefore>>) {
        // Counted on across toasts: a dismissed toast must not restart the count, or the timer
        // of an earlier toast would take away a later one with the same number.
        self.toasts_shown.update_value(|n| *n += 1);
        let serial = self.toasts_shown.get_value();
        self.toast.set(Some(Toast {
            serial,
            message,
            error,
            undo,
        }));
        let toast = self.toast;
        set_timeout(
            move || {
                if toast.with_untracked(|t| t.as_ref().is_some_and(|t| t.serial == serial)) {
                    toast.set(None);
                }
            },
            TOAST_TIME,
        );
    }

    /// Sets a call's status; offers Undo back to the status it had. „Erledigt“ on the row of a
    /// run of repeat calls closes every call of the run.
    pub fn set_status(self, call: &CallListItem, status: CallStatus) {
        if status == CallStatus::Done && call.repeats > 1 {
            return self.close_repeats(call);
        }
        let (id, version, before) = (call.id, call.version, call.status);
        let t = self.t;
        self.ask(call, status);
        spawn_local(async move {
            match set_call_status(id, version, status, None).await {
                Ok(updated) if updated.version == version => {
                    self.notify((t.already_status)(t.status(status)), None);
                }
                Ok(updated) => {
                    let undo = StatusBefore {
                        call_id: id,
                        version: updated.version,
                        status: before,
                    };
                    self.notify((t.status_set)(t.status(status)), Some(vec![undo]));
                }
                Err(error) => self.refused(id, &error),
            }
            self.refresh();
        });
    }

    fn close_repeats(self, call: &CallListItem) {
        let (id, version) = (call.id, call.version);
        self.ask(call, CallStatus::Done);
        spawn_local(async move {
            match close_repeats(id, version).await {
                Ok(done) => {
                    let message = (self.r.closed)(done.closed.len());
                    let undo = (!done.closed.is_empty()).then_some(done.closed);
                    self.notify(message, undo);
                }
                Err(error) => self.refused(id, &error),
            }
            self.refresh();
        });
    }

    /// Puts the calls of the last action back, each unless someone changed it since.
    pub fn undo(self, steps: Vec<StatusBefore>) {
        spawn_local(async move {
            match restore_statuses(steps).await {
                Ok(outcome) if outcome.conflicts.is_empty() && outcome.missing.is_empty() => {
                    self.notify(self.t.undone, None);
                }
                result => return self.bulk_done(result),
            }
            self.refresh();
        });
    }

    pub fn assign(self, call: &CallListItem, assignee: Option<i64>) {
        let (id, version) = (call.id, call.version);
        spawn_local(async move {
            match assign_call(id, version, assignee).await {
                Ok(updated) => {
                    let message = match updated.assignee_name {
                        Some(name) => (self.t.assigned_to)(&name),
                        None => self.t.unassigned.to_owned(),
                    };
                    self.notify(message, None);
                }
                Err(error) => self.fail(&error),
            }
            self.refresh();
        });
    }

    /// The selected calls on screen, each with the version it was seen at.
    fn selected_targets(self) -> Vec<(i64, i32)> {
        let selection = self.selection.get_untracked();
        self.rows.with_untracked(|rows| {
            rows.iter()
                .filter(|call| selection.contains(&call.id))
                .map(|call| (call.id, call.version))
                .collect()
        })
    }

    /// Sets the status of the selected calls. Marking red-flag calls done that nobody has
    /// taken asks first.
    pub fn bulk_status(self, status: CallStatus) {
        if status == CallStatus::Done {
            let selection = self.selection.get_untracked();
            let flagged = self.rows.with_untracked(|rows| {
                rows.iter()
                    .filter(|call| selection.contains(&call.id) && call.awaits_someone())
                    .count()
            });
            if flagged > 0
                && !window()
                    .confirm_with_message(&(self.e.confirm_done)(flagged))
                    .unwrap_or(false)
            {
                return;
            }
        }
        let targets = self.selected_targets();
        spawn_local(async move {
            let result = bulk_set_status(targets, status).await;
            self.bulk_done(result);
        });
    }

    pub fn bulk_assign(self, assignee: Option<i64>) {
        let targets = self.selected_targets();
        spawn_local(async move {
            let result = bulk_assign(targets, assignee).await;
            self.bulk_done(result);
        });
    }

    fn bulk_done(self, result: Result<BulkOutcome, AppError>) {
        match result {
            Ok(outcome) => {
                let t = self.t;
                let mut message = (t.bulk_changed)(outcome.changed.len());
                if !outcome.unchanged.is_empty() {
                    message += &(t.bulk_unchanged)(outcome.unchanged.len());
                }
                let conflicts = outcome.conflicts.len() + outcome.missing.len();
                if conflicts > 0 {
                    message += &(t.bulk_conflicts)(conflicts);
                }
                self.show(message, conflicts > 0, None);
                self.selection.set(HashSet::new());
            }
            Err(error) => self.fail(&error),
        }
        self.refresh();
    }
}

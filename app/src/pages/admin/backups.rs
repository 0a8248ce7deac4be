//! The backups on the „Aufbewahrung“ tab: the last backup, the last restore test
//! („letzter Wiederherstellungstest“), and an alert when either is missing or failed.

use leptos::prelude::*;

use crate::{
    domain::{BackupStatus, format_berlin},
    i18n::use_backup_texts,
};

#[component]
pub fn Backups(status: BackupStatus, retention_days: i32) -> impl IntoView {
    let b = use_backup_texts();
    let last = status.last_backup.map_or_else(
        || b.none_yet.to_owned(),
        |done| {
            format!(
                "{} · {} · {}",
                format_berlin(done.at),
                done.file,
                (b.size)(done.bytes)
            )
        },
    );
    let drill = status.last_drill.map_or_else(
        || b.none_yet.to_owned(),
        |drill| {
            let outcome = drill.error.map_or_else(
                || b.drill_ok.to_owned(),
                |error| format!("{}: {error}", b.drill_failed),
            );
            let file = drill
                .file
                .map(|file| format!(" · {file}"))
                .unwrap_or_default();
            format!("{}{file} · {outcome}", format_berlin(drill.at))
        },
    );
    let alerts = [
        status
            .failed_since
            .map(|failure| (b.failing)(&format_berlin(failure.at), &failure.error)),
        (status.backup_overdue).then(|| b.overdue.to_owned()),
        (status.drill_overdue).then(|| b.drill_overdue.to_owned()),
    ]
    .into_iter()
    .flatten()
    .map(|text| view! { <p class="retention-past state-error" role="alert">{text}</p> })
    .collect_view();
    view! {
        <h3>{b.heading}</h3>
        <p class="muted">{(b.intro)(retention_days)}</p>
        {alerts}
        <dl class="retention-facts">
            <dt>{b.last_backup}</dt>
            <dd class="backup-last">{last}</dd>
            <dt>{b.last_drill}</dt>
            <dd class="backup-drill">{drill}</dd>
        </dl>
    }
}

//! The retention period, the purge's last runs and what is past the period right now: the
//! data-protection officer's proof that nothing personal is kept longer.

use leptos::prelude::*;

use super::{AdminTable, LoadFailed, backups::Backups};
use crate::{
    api::admin::retention,
    domain::{PurgeOutcome, PurgeRun, RetentionOverview, format_berlin},
    i18n::{use_retention_texts, use_texts},
};

#[component]
pub fn RetentionView() -> impl IntoView {
    let t = use_texts();
    let r = use_retention_texts();
    let overview = Resource::new(|| (), |()| retention());
    view! {
        <h2>{r.tab}</h2>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || overview.get().map(|result| match result {
                Ok(overview) => view! { <Overview overview /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Overview(overview: RetentionOverview) -> impl IntoView {
    let r = use_retention_texts();
    let days = overview.retention_days;
    let past = if overview.past_retention == 0 {
        view! { <p class="retention-past retention-ok">{(r.past_none)(days)}</p> }.into_any()
    } else {
        view! {
            <p class="retention-past state-error" role="alert">
                {(r.past_some)(overview.past_retention, days)}
            </p>
        }
        .into_any()
    };
    let runs = if overview.runs.is_empty() {
        view! { <p class="state state-empty">{r.no_runs}</p> }.into_any()
    } else {
        let rows = overview
            .runs
            .into_iter()
            .map(|run| view! { <RunRow run /> })
            .collect_view();
        view! {
            <AdminTable columns=vec![r.started, r.finished, r.trigger, r.outcome, r.deleted]>
                {rows}
            </AdminTable>
        }
        .into_any()
    };
    let holds = (!overview.holds.is_empty()).then(|| {
        let rows = overview
            .holds
            .into_iter()
            .map(|held| {
                let href = format!("/?call={}", held.id);
                view! {
                    <tr>
                        <td><a href=href>{held.id}</a></td>
                        <td class="nowrap">{format_berlin(held.received_at)}</td>
                        <td class="nowrap">{held.hold.until.format("%d.%m.%Y").to_string()}</td>
                        <td>{held.hold.reason}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h3>{r.holds}</h3>
            <p class="muted">{r.holds_intro}</p>
            <AdminTable columns=vec![r.call, r.received, r.hold_until, r.hold_reason]>{rows}</AdminTable>
        }
    });
    view! {
        <p class="muted">{(r.intro)(days)}</p>
        {past}
        <dl class="retention-facts">
            <dt>{r.next_run}</dt>
            <dd>{overview.next_run.map(format_berlin).unwrap_or_else(|| "–".to_owned())}</dd>
            <dt>{r.cutoff}</dt>
            <dd>{format_berlin(overview.cutoff)}</dd>
        </dl>
        {holds}
        <h3>{r.runs}</h3>
        {runs}
        <Backups status=overview.backups retention_days=days />
    }
}

#[component]
fn RunRow(run: PurgeRun) -> impl IntoView {
    let r = use_retention_texts();
    let deleted = if run.dry_run {
        format!(
            "{} – {}",
            r.dry_run,
            (r.deleted_counts)(run.counts.calls, run.counts.total())
        )
    } else {
        (r.deleted_counts)(run.counts.calls, run.counts.total())
    };
    let failed = run.outcome == PurgeOutcome::Failed;
    view! {
        <tr class:inactive=run.dry_run>
            <td class="nowrap">{format_berlin(run.started_at)}</td>
            <td class="nowrap">
                {run.finished_at.map(format_berlin).unwrap_or_else(|| "–".to_owned())}
            </td>
            <td>{(r.trigger_name)(run.trigger)}</td>
            <td class:form-error=failed>
                {(r.outcome_name)(run.outcome)}
                {run.error.map(|error| view! { <br /><small>{error}</small> })}
            </td>
            <td>{deleted}</td>
        </tr>
    }
}

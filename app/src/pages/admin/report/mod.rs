//! The evaluation („Auswertung“, `crate::kpi::report`): the last 30 days as charts, the same
//! numbers as tables, and the days as a CSV file for a spreadsheet.

mod charts;

use leptos::prelude::*;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use self::charts::{DaysChart, Heatmap, HoursChart};
use super::{AdminTable, LoadFailed};
use crate::{
    api::kpi::get_report,
    domain::format_berlin,
    i18n::{KpiTexts, use_kpi_texts, use_texts},
    kpi::{Figures, Report, Share, Within},
};

#[component]
pub fn ReportView() -> impl IntoView {
    let t = use_texts();
    let k = use_kpi_texts();
    let report = Resource::new(|| (), |()| get_report());
    view! {
        <h2>{k.report_tab}</h2>
        <p class="muted">{k.report_intro}</p>
        <Transition fallback=move || view! { <p class="state">{t.loading}</p> }>
            {move || report.get().map(|result| match result {
                Ok(report) => view! { <ReportBody report /> }.into_any(),
                Err(error) => view! { <LoadFailed error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ReportBody(report: Report) -> impl IntoView {
    let k = use_kpi_texts();
    let Report {
        counted_at,
        days,
        totals,
        by_hour,
        by_weekday_hour,
        by_source,
        by_category,
        ..
    } = report;
    let rows = days_rows(k, &days, totals);
    let csv = csv_href(k, &rows);
    view! {
        {match counted_at {
            Some(at) => view! { <p class="muted">{(k.counted_at)(&format_berlin(at))}</p> }.into_any(),
            None => view! { <p class="state">{k.not_counted}</p> }.into_any(),
        }}
        {(totals.calls == 0).then(|| view! { <p class="state">{k.no_calls}</p> })}
        <h3>{k.per_day}</h3>
        <DaysChart days totals />
        <p class="chart-legend">
            <span class="swatch bar-done"></span>{k.done}
            <span class="swatch bar-open"></span>{k.open_calls}
        </p>
        <h3>{k.by_hour}</h3>
        <HoursChart by_hour />
        <h3>{k.heatmap}</h3>
        <Heatmap by_weekday_hour />
        <h3>{k.per_day}</h3>
        <p><a class="button-link secondary" href=csv download="anrufe-auswertung.csv">{k.download_csv}</a></p>
        <AdminTable columns=vec![k.col_day, k.calls, k.done, k.open_calls, k.escalated, k.median, k.p90]>
            {rows.into_iter().map(|cells| view! {
                <tr>{cells.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
            }).collect_view()}
        </AdminTable>
        <h3>{k.by_source}</h3>
        <ShareTable shares=by_source />
        <h3>{k.by_category}</h3>
        <ShareTable shares=by_category />
    }
}

#[component]
fn ShareTable(shares: Vec<Share>) -> impl IntoView {
    let k = use_kpi_texts();
    view! {
        <AdminTable columns=vec![k.col_name, k.calls, k.done, k.open_calls]>
            {shares.into_iter().map(|share| {
                let name = if share.name.is_empty() { k.no_category.to_owned() } else { share.name };
                view! {
                    <tr>
                        <td>{name}</td>
                        <td>{share.calls}</td>
                        <td>{share.done}</td>
                        <td>{share.calls - share.done}</td>
                    </tr>
                }
            }).collect_view()}
        </AdminTable>
    }
}

/// The table's rows, newest day first, then the totals: the cells as the page and the CSV file
/// show them.
fn days_rows(k: &KpiTexts, days: &[crate::kpi::DayFigures], totals: Figures) -> Vec<Vec<String>> {
    let within = |value: Option<Within>| value.map_or_else(|| "—".to_owned(), k.within);
    let cells = |first: String, figures: Figures| {
        vec![
            first,
            figures.calls.to_string(),
            figures.done.to_string(),
            figures.open().to_string(),
            figures.escalated.to_string(),
            within(figures.median_to_done),
            within(figures.p90_to_done),
        ]
    };
    days.iter()
        .rev()
        .map(|day| cells(day.day.format("%d.%m.%Y").to_string(), day.figures))
        .chain(std::iter::once(cells(k.total.to_owned(), totals)))
        .collect()
}

/// The rows as a CSV file (semicolons, as spreadsheets in Germany expect) in a `data:` address.
fn csv_href(k: &KpiTexts, rows: &[Vec<String>]) -> String {
    let header = [
        k.col_day,
        k.calls,
        k.done,
        k.open_calls,
        k.escalated,
        k.median,
        k.p90,
    ]
    .join(";");
    let mut text = String::from("\u{feff}");
    for line in std::iter::once(header).chain(rows.iter().map(|cells| cells.join(";"))) {
        text.push_str(&line);
        text.push_str("\r\n");
    }
    format!(
        "data:text/csv;charset=utf-8,{}",
        utf8_percent_encode(&text, NON_ALPHANUMERIC)
    )
}

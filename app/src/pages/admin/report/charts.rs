//! The evaluation's charts, drawn as SVG by the server (and the same by the browser when it
//! hydrates): no chart library. Each names its figures in `<title>`s and a label, and the page
//! shows the numbers as tables too.

use leptos::prelude::*;

use crate::{
    i18n::use_kpi_texts,
    kpi::{DayFigures, Figures},
};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 12.0;

/// Calls per day, the done ones below the open ones.
#[component]
pub fn DaysChart(days: Vec<DayFigures>, totals: Figures) -> impl IntoView {
    let k = use_kpi_texts();
    let bars: Vec<(String, i64, i64)> = days
        .iter()
        .map(|day| {
            let label = day.day.format("%d.%m.").to_string();
            (label, day.figures.done, day.figures.open())
        })
        .collect();
    let top = bars
        .iter()
        .map(|(_, done, open)| done + open)
        .max()
        .unwrap_or(0);
    let label = (k.per_day_label)(totals.calls, totals.done);
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
            <Axis top />
            {columns(bars.len()).zip(bars).enumerate().map(|(index, ((x, width), (day, done, open)))| {
                let done_height = scaled(done, top);
                let open_height = scaled(open, top);
                let base = HEIGHT - BOTTOM;
                view! {
                    <g>
                        <title>
                            {format!(
                                "{day}: {} {} · {done} {} · {open} {}",
                                done + open, k.calls, k.done, k.open_calls,
                            )}
                        </title>
                        <rect class="bar-done" x=x y=base - done_height width=width height=done_height />
                        <rect class="bar-open" x=x y=base - done_height - open_height width=width height=open_height />
                        {(index % 7 == 0).then(|| view! {
                            <text x=x y=HEIGHT - 6.0>{day.clone()}</text>
                        })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Calls by hour of the day.
#[component]
pub fn HoursChart(by_hour: Vec<i64>) -> impl IntoView {
    let k = use_kpi_texts();
    let top = by_hour.iter().copied().max().unwrap_or(0);
    let label = (k.by_hour_label)(by_hour.iter().sum());
    view! {
        <svg class="chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
            <Axis top />
            {columns(by_hour.len()).zip(by_hour).enumerate().map(|(hour, ((x, width), calls))| {
                let height = scaled(calls, top);
                view! {
                    <g>
                        <title>{format!("{}: {calls} {}", (k.hour_span)(hour), k.calls)}</title>
                        <rect class="bar-done" x=x y=HEIGHT - BOTTOM - height width=width height=height />
                        {(hour % 3 == 0).then(|| view! { <text x=x y=HEIGHT - 6.0>{hour}</text> })}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// Calls by weekday and hour: the darker a cell, the more calls.
#[component]
pub fn Heatmap(by_weekday_hour: Vec<Vec<i64>>) -> impl IntoView {
    const CELL_W: f64 = 28.0;
    const CELL_H: f64 = 22.0;
    let k = use_kpi_texts();
    let top = by_weekday_hour
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let width = LEFT + 24.0 * CELL_W;
    let height = TOP + 7.0 * CELL_H + 4.0;
    view! {
        <svg class="chart heatmap" viewBox=format!("0 0 {width} {height}") role="img"
            aria-label=k.heatmap_label>
            {(0..24).step_by(3).map(|hour| view! {
                <text x=LEFT + hour as f64 * CELL_W y=TOP - 2.0>{hour}</text>
            }).collect_view()}
            {by_weekday_hour.into_iter().zip(k.weekdays).enumerate().map(|(row, (hours, weekday))| {
                let y = TOP + row as f64 * CELL_H;
                view! {
                    <g>
                        <text x=0 y=y + CELL_H * 0.7>{weekday}</text>
                        {hours.into_iter().enumerate().map(|(hour, calls)| {
                            let strength = if calls == 0 { 0.0 } else { 0.08 + 0.92 * calls as f64 / top as f64 };
                            view! {
                                <rect class="heat" x=LEFT + hour as f64 * CELL_W y=y
                                    width=CELL_W - 2.0 height=CELL_H - 2.0
                                    fill-opacity=format!("{strength:.2}")>
                                    <title>{format!("{weekday} {}: {calls} {}", (k.hour_span)(hour), k.calls)}</title>
                                </rect>
                            }
                        }).collect_view()}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// The value axis: 0 and the top value.
#[component]
fn Axis(top: i64) -> impl IntoView {
    view! {
        <line class="axis" x1=LEFT x2=WIDTH y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM />
        <text x=0 y=TOP + 4.0>{top}</text>
        <text x=0 y=HEIGHT - BOTTOM>"0"</text>
    }
}

/// The x position and width of each of `count` columns across the chart.
fn columns(count: usize) -> impl Iterator<Item = (f64, f64)> {
    let step = (WIDTH - LEFT) / count.max(1) as f64;
    (0..count).map(move |index| (LEFT + index as f64 * step + 1.0, (step - 2.0).max(1.0)))
}

/// The height of a bar of `value` when `top` fills the chart.
fn scaled(value: i64, top: i64) -> f64 {
    if top <= 0 {
        return 0.0;
    }
    value as f64 / top as f64 * (HEIGHT - BOTTOM - TOP)
}

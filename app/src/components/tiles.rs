//! The tiles above the calls table (`crate::kpi::DeskTiles`): how many are open, who has waited
//! longest, how many are done today and how long they took.

use leptos::prelude::*;

use crate::{i18n::use_kpi_texts, kpi::DeskTiles};

#[component]
pub fn DeskTilesRow(#[prop(into)] tiles: Signal<Option<DeskTiles>>) -> impl IntoView {
    let k = use_kpi_texts();
    move || {
        let tiles = tiles.get()?;
        let now = chrono::Utc::now();
        let oldest = tiles
            .oldest_open
            .map(|at| (k.duration)((now - at).num_minutes().max(0)));
        let median = tiles
            .median_seconds_to_done_today
            .map(|seconds| (k.duration)(seconds / 60));
        let tile = |label: &'static str, value: String| {
            view! {
                <div class="tile">
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        };
        Some(view! {
            <dl class="tiles" aria-label=k.tiles>
                {tile(k.open, tiles.open.to_string())}
                {tile(k.oldest_open, oldest.unwrap_or_else(|| k.none.to_owned()))}
                {tile(k.done_today, tiles.done_today.to_string())}
                {tile(k.median_to_done, median.unwrap_or_else(|| k.none.to_owned()))}
            </dl>
        })
    }
}

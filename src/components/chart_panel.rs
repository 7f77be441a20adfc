//! A chart with everything around it: title, the canvas (redrawn when its inputs
//! change), a read-out of the day under the pointer, a text summary for screen
//! readers, and a table of the same numbers.

use std::sync::Arc;

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::charts::draw::{Drawn, PlotArea};
use crate::charts::legend::{ChartLegend, LegendItem};
use crate::charts::shown::draw_when_shown;
use crate::charts::window::day_at;

/// Draws a chart on the canvas for the day under the pointer (if any). Signals it
/// reads are tracked: the chart is redrawn when they change.
pub type DrawFn =
    Arc<dyn Fn(&web_sys::HtmlCanvasElement, Option<usize>) -> Result<Drawn, String> + Send + Sync>;

/// The read-out for a day index within the window (`None`: the last day).
pub type ReadoutFn = Arc<dyn Fn(Option<usize>) -> String + Send + Sync>;

/// A number or text computed from the page's signals.
pub type Derived<T> = Arc<dyn Fn() -> T + Send + Sync>;

#[component]
pub fn ChartPanel(
    /// The panel's heading.
    title: &'static str,
    /// For tests and styling: `load`, `pmc`, `readiness`.
    name: &'static str,
    /// Number of days drawn, for mapping the pointer to a day.
    days: Derived<usize>,
    /// Draws the chart.
    draw: DrawFn,
    /// The read-out of a day.
    readout: ReadoutFn,
    /// The chart's summary in words.
    summary: Derived<String>,
    /// Controls shown above the chart (form or variant switches).
    #[prop(optional)]
    controls: Option<Children>,
    /// The table view of the same numbers.
    table: ChildrenFn,
    /// Notes shown next to the chart (data-quality findings).
    #[prop(optional)]
    notes: Option<Children>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let hover = RwSignal::new(None::<usize>);
    let area = StoredValue::new(PlotArea::default());
    let error = RwSignal::new(None::<String>);
    let legend = RwSignal::new(Vec::<LegendItem>::new());
    // The canvas is outside the reactive system: this effect is the bridge.
    draw_when_shown(canvas, move |element| {
        let highlight = hover.get();
        match draw(element, highlight) {
            Ok(drawn) => {
                area.set_value(drawn.area);
                // Moving the pointer redraws the same items: no update.
                if legend.with_untracked(|l| *l != drawn.legend) {
                    legend.set(drawn.legend);
                }
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    });
    let pointer = move |x: f64| {
        let PlotArea { left, width } = area.get_value();
        hover.set(day_at(x, left, width, untrack(|| days())));
    };
    let summary_label = summary.clone();
    view! {
        <section class="card chart-panel" data-testid=format!("chart-{name}")>
            <div class="chart-head">
                <h2>{title}</h2>
                {controls.map(|controls| controls())}
            </div>
            <ChartLegend items=legend name=format!("legend-{name}")/>
            <canvas
                node_ref=canvas
                class="chart-canvas"
                role="img"
                aria-label=move || summary_label()
                data-testid=format!("canvas-{name}")
                on:mousemove={
                    let pointer = pointer.clone();
                    move |event| pointer(f64::from(event.offset_x()))
                }
                on:click=move |event| pointer(f64::from(event.offset_x()))
                on:mouseleave=move |_| hover.set(None)
            ></canvas>
            <p class="chart-readout" data-testid=format!("readout-{name}") aria-live="polite">
                {move || readout(hover.get())}
            </p>
            <Show when=move || error.get().is_some()>
                <p class="error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <p class="chart-summary" data-testid=format!("summary-{name}")>{move || summary()}</p>
            {notes.map(|notes| notes())}
            <details class="chart-table">
                <summary>"Show the numbers"</summary>
                {move || table()}
            </details>
        </section>
    }
}

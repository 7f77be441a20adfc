//! Chart legends as HTML beside the canvas, never drawn inside the plot where
//! they would cover bars and lines. A drawing function returns the items it drew,
//! so the legend names exactly what is on the chart.

use leptos::prelude::*;
use plotters::style::RGBColor;

/// How an item looks on the chart, for its swatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A filled bar.
    Bar,
    /// A bar's outline.
    Outline,
    /// A line.
    Line,
    /// A shaded band or day.
    Shade,
    /// A dot.
    Dot,
}

/// One entry of a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub label: String,
    pub color: RGBColor,
    pub mark: Mark,
}

impl LegendItem {
    pub fn new(label: impl Into<String>, color: RGBColor, mark: Mark) -> Self {
        Self {
            label: label.into(),
            color,
            mark,
        }
    }
}

fn swatch(item: &LegendItem) -> impl IntoView {
    let RGBColor(r, g, b) = item.color;
    let color = format!("rgb({r},{g},{b})");
    // SVG attributes rather than inline styles: a strict Content-Security-Policy
    // allows them.
    let shape = match item.mark {
        Mark::Bar => {
            view! { <rect x="2" y="1" width="12" height="10" fill=color fill-opacity="0.75"/> }
                .into_any()
        }
        Mark::Outline => {
            view! { <rect x="2.5" y="1.5" width="11" height="9" fill="none" stroke=color/> }
                .into_any()
        }
        Mark::Line => {
            view! { <line x1="0" y1="6" x2="16" y2="6" stroke=color stroke-width="2.5"/> }
                .into_any()
        }
        Mark::Shade => {
            view! { <rect x="0" y="0" width="16" height="12" fill=color fill-opacity="0.3"/> }
                .into_any()
        }
        Mark::Dot => view! { <circle cx="8" cy="6" r="4.5" fill=color/> }.into_any(),
    };
    view! {
        <svg class="swatch" width="16" height="12" viewBox="0 0 16 12" aria-hidden="true">
            {shape}
        </svg>
    }
}

/// The legend of a chart: its items in drawing order.
#[component]
pub fn ChartLegend(
    #[prop(into)] items: Signal<Vec<LegendItem>>,
    /// For tests: `legend-load` and so on.
    name: String,
) -> impl IntoView {
    view! {
        <ul class="chart-legend" data-testid=name aria-label="Legend">
            {move || {
                items
                    .get()
                    .into_iter()
                    .map(|item| view! { <li>{swatch(&item)}<span>{item.label.clone()}</span></li> })
                    .collect_view()
            }}
        </ul>
    }
}

//! Drawing the athlete charts on a canvas with plotters. The canvas is sized to its
//! CSS box times the device pixel ratio, and every length is scaled by that ratio, so
//! charts stay crisp on high-density screens.

use super::backend::ChartBackend;
use forma_core::api::SeriesResponse;
use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::legend::{LegendItem, Mark};

mod load;
mod pmc;
mod readiness;

pub use load::draw_load;
pub use pmc::draw_pmc;
pub use readiness::draw_readiness;

/// Where the plot area sits in the canvas, in CSS pixels, for mapping the pointer to a day.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PlotArea {
    pub left: f64,
    pub width: f64,
}

const LOAD_BAR: RGBColor = RGBColor(74, 144, 196);
const ACUTE: RGBColor = RGBColor(230, 126, 34);
const CHRONIC: RGBColor = RGBColor(18, 52, 59);
const RATIO: RGBColor = RGBColor(142, 68, 173);
const BAND: RGBColor = RGBColor(47, 143, 91);
const UNOBSERVED: RGBColor = RGBColor(150, 150, 150);
const FITNESS: RGBColor = RGBColor(41, 128, 185);
const FATIGUE: RGBColor = RGBColor(231, 76, 60);
const FORM: RGBColor = RGBColor(212, 160, 23);
const SLEEP: RGBColor = RGBColor(120, 160, 210);
const HIGHLIGHT: RGBColor = RGBColor(18, 52, 59);
const UNRELIABLE: RGBColor = RGBColor(201, 138, 18);

/// What a drawing left on the canvas: where the plot is and the legend of what
/// was drawn, shown beside the canvas.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drawn {
    pub area: PlotArea,
    pub legend: Vec<LegendItem>,
}

/// Scale (device pixel ratio) and the drawing area of a prepared canvas.
pub(crate) struct Canvas {
    pub(crate) scale: f64,
    pub(crate) root: DrawingArea<ChartBackend, Shift>,
}

/// The canvas's CSS width. Reading it makes the browser lay out the page first,
/// which a redraw in the middle of a page update would pay twice; the width is
/// kept on the canvas with the window width it was read at, and read again when
/// the window's width has changed. A kept width is also checked after the next
/// frame, when the page is laid out anyway (a scroll bar that came or went
/// changes the width, not the window's): the next redraw then uses the new one.
fn css_width(canvas: &HtmlCanvasElement) -> f64 {
    let window_width = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(0.0)
        .to_string();
    let kept = canvas
        .get_attribute("data-window-width")
        .filter(|w| *w == window_width)
        .and_then(|_| canvas.get_attribute("data-css-width"))
        .and_then(|w| w.parse::<f64>().ok());
    if kept.is_some() {
        let canvas = canvas.clone();
        leptos::prelude::request_animation_frame(move || {
            leptos::prelude::set_timeout(
                move || {
                    let width = f64::from(canvas.client_width());
                    if width > 0.0 {
                        let _ = canvas.set_attribute("data-css-width", &width.to_string());
                    }
                },
                std::time::Duration::ZERO,
            );
        });
    }
    kept.unwrap_or_else(|| {
        let width = f64::from(canvas.client_width());
        // A canvas not laid out yet (width 0) is measured again next time.
        if width > 0.0 {
            let _ = canvas.set_attribute("data-css-width", &width.to_string());
            let _ = canvas.set_attribute("data-window-width", &window_width);
        }
        width
    })
}

/// Whether the canvas can be drawn at its width: it is in the document and laid
/// out (its width was measured before, or can be now).
pub(crate) fn has_width(canvas: &HtmlCanvasElement) -> bool {
    canvas.is_connected() && (canvas.has_attribute("data-css-width") || canvas.client_width() > 0)
}

pub(crate) fn prepare(canvas: &HtmlCanvasElement, css_height: f64) -> Result<Canvas, String> {
    let scale = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    let css_width = css_width(canvas).max(280.0);
    let (width, height) = (
        (css_width * scale).round() as u32,
        (css_height * scale).round() as u32,
    );
    // Setting a canvas's size, even to the size it has, reallocates its pixels;
    // a redraw at the same size only paints over them (`fill` below).
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    let backend =
        ChartBackend::new(canvas.clone()).ok_or("this browser cannot draw on a canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    Ok(Canvas { scale, root })
}

/// The plot area in CSS pixels: right of the y labels, left of the 12 px right margin
/// every chart here uses.
fn plot_area(root: &DrawingArea<ChartBackend, Shift>, left_area: u32, scale: f64) -> PlotArea {
    let width = f64::from(root.dim_in_pixel().0.saturating_sub(left_area)) - 12.0 * scale;
    PlotArea {
        left: f64::from(left_area) / scale,
        width: width / scale,
    }
}

pub(crate) fn font(scale: f64, size: f64) -> TextStyle<'static> {
    ("system-ui, sans-serif", size * scale)
        .into_font()
        .color(&RGBColor(76, 95, 102))
}

pub(crate) fn px(scale: f64, value: f64) -> u32 {
    (value * scale).round() as u32
}

/// Splits an optional column into runs of defined values, so lines break at gaps.
fn runs(values: &[Option<f64>], offset: usize) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) if v.is_finite() => current.push(((i + offset) as f64 + 0.5, *v)),
            _ => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn date_labels(series: &SeriesResponse, start: usize) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| {
        let i = start + x.floor().max(0.0) as usize;
        series
            .dates
            .get(i)
            .map(|d| format!("{} {}", month(d.month()), d.day()))
            .unwrap_or_default()
    }
}

fn month(m: i8) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m.clamp(1, 12) - 1) as usize]
}

pub(crate) type Chart<'a> = ChartContext<
    'a,
    ChartBackend,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The grid every chart here draws: horizontal lines only, in the shared fonts
/// and light colour, `y_labels` labels on the y axis and none on x (a chart that
/// labels days sets them on the result).
pub(crate) fn grid<'a, 'b>(
    chart: &'b mut Chart<'a>,
    scale: f64,
    y_labels: usize,
) -> plotters::chart::MeshStyle<
    'a,
    'b,
    plotters::coord::types::RangedCoordf64,
    plotters::coord::types::RangedCoordf64,
    ChartBackend,
> {
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(0)
        .y_labels(y_labels)
        .label_style(font(scale, 11.0))
        .axis_desc_style(font(scale, 11.0))
        .light_line_style(RGBColor(236, 240, 239));
    mesh
}

/// Shades the days with nothing recorded, so missing data never looks like rest;
/// true when any day is shaded.
fn shade_unobserved(
    chart: &mut Chart<'_>,
    observed: &[bool],
    y: (f64, f64),
) -> Result<bool, String> {
    chart
        .draw_series(
            observed
                .iter()
                .enumerate()
                .filter(|(_, o)| !**o)
                .map(|(i, _)| {
                    Rectangle::new(
                        [(i as f64, y.0), (i as f64 + 1.0, y.1)],
                        UNOBSERVED.mix(0.18).filled(),
                    )
                }),
        )
        .map_err(|e| e.to_string())?;
    Ok(observed.iter().any(|o| !*o))
}

/// Shades the days a coach labelled a device or data issue (`unreliable` may be
/// empty: no such day); true when any day is shaded.
fn shade_unreliable(
    chart: &mut Chart<'_>,
    unreliable: &[bool],
    y: (f64, f64),
) -> Result<bool, String> {
    if !unreliable.iter().any(|u| *u) {
        return Ok(false);
    }
    chart
        .draw_series(
            unreliable
                .iter()
                .enumerate()
                .filter(|(_, u)| **u)
                .map(|(i, _)| {
                    Rectangle::new(
                        [(i as f64, y.0), (i as f64 + 1.0, y.1)],
                        UNRELIABLE.mix(0.22).filled(),
                    )
                }),
        )
        .map_err(|e| e.to_string())?;
    Ok(true)
}

/// The legend items of the shaded days, when any were shaded.
fn shade_items(unobserved: bool, unreliable: bool) -> Vec<LegendItem> {
    let mut items = Vec::new();
    if unobserved {
        items.push(LegendItem::new("Nothing recorded", UNOBSERVED, Mark::Shade));
    }
    if unreliable {
        items.push(LegendItem::new(
            "Unreliable (device or data issue)",
            UNRELIABLE,
            Mark::Shade,
        ));
    }
    items
}

/// Draws a line broken at gaps and names it in `legend` when any of it is drawn.
fn draw_runs(
    chart: &mut Chart<'_>,
    values: &[Option<f64>],
    color: RGBColor,
    width: u32,
    label: &str,
    legend: &mut Vec<LegendItem>,
) -> Result<(), String> {
    let runs = runs(values, 0);
    if !runs.is_empty() {
        legend.push(LegendItem::new(label, color, Mark::Line));
    }
    for run in runs {
        chart
            .draw_series(LineSeries::new(run, color.stroke_width(width)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn highlight_day(
    chart: &mut Chart<'_>,
    day: Option<usize>,
    y: (f64, f64),
    scale: f64,
) -> Result<(), String> {
    if let Some(day) = day {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(day as f64 + 0.5, y.0), (day as f64 + 0.5, y.1)],
                HIGHLIGHT.mix(0.6).stroke_width(px(scale, 1.0).max(1)),
            )))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn max_of<'a>(columns: impl IntoIterator<Item = &'a [Option<f64>]>) -> f64 {
    columns
        .into_iter()
        .flat_map(|c| c.iter().flatten())
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |m, v| m.max(*v))
}

//! Drawing the athlete charts on a canvas with plotters. The canvas is sized to its
//! CSS box times the device pixel ratio, and every length is scaled by that ratio, so
//! charts stay crisp on high-density screens.

use super::backend::ChartBackend;
use forma_core::api::SeriesResponse;
use plotters::coord::Shift;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::legend::{LegendItem, Mark};
use super::window::{PmcVariantChoice, RatioForm, RATIO_BAND};

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

/// The load chart: daily load bars with acute and chronic lines above, the chosen
/// ratio below with the conventional 0.8 to 1.3 band.
pub fn draw_load(
    canvas: &HtmlCanvasElement,
    series: &SeriesResponse,
    range: std::ops::Range<usize>,
    form: RatioForm,
    highlight: Option<usize>,
) -> Result<Drawn, String> {
    let Canvas { scale, root } = prepare(canvas, 340.0)?;
    let n = range.len().max(1);
    let (upper, lower) = root.split_vertically(px(scale, 220.0));
    let columns = form.columns(series);
    let load = &series.load[range.clone()];
    let acute = &columns.acute[range.clone()];
    let chronic = &columns.chronic[range.clone()];
    let ratio = &columns.ratio[range.clone()];
    let observed = &series.observed[range.clone()];
    let unreliable = series.unreliable.get(range.clone()).unwrap_or_default();
    let load_max = load
        .iter()
        .copied()
        .fold(0.0_f64, f64::max)
        .max(max_of([acute, chronic]))
        .max(1.0)
        * 1.1;
    let left_area = px(scale, 48.0);
    let mut top = ChartBuilder::on(&upper)
        .margin_top(px(scale, 8.0))
        .margin_right(px(scale, 12.0))
        .y_label_area_size(left_area)
        .build_cartesian_2d(0.0..n as f64, 0.0..load_max)
        .map_err(|e| e.to_string())?;
    grid(&mut top, scale, 5)
        .y_desc("Load")
        .draw()
        .map_err(|e| e.to_string())?;
    let unobserved = shade_unobserved(&mut top, observed, (0.0, load_max))?;
    let shaded_unreliable = shade_unreliable(&mut top, unreliable, (0.0, load_max))?;
    let mut legend = vec![LegendItem::new("Daily load", LOAD_BAR, Mark::Bar)];
    top.draw_series(
        load.iter()
            .enumerate()
            .filter(|(_, l)| **l > 0.0)
            .map(|(i, l)| {
                let pad = if n > 120 { 0.0 } else { 0.15 };
                Rectangle::new(
                    [(i as f64 + pad, 0.0), (i as f64 + 1.0 - pad, *l)],
                    LOAD_BAR.mix(0.75).filled(),
                )
            }),
    )
    .map_err(|e| e.to_string())?;
    draw_runs(
        &mut top,
        acute,
        ACUTE,
        px(scale, 2.0),
        "Acute (7 d)",
        &mut legend,
    )?;
    draw_runs(
        &mut top,
        chronic,
        CHRONIC,
        px(scale, 2.0),
        "Chronic",
        &mut legend,
    )?;
    highlight_day(&mut top, highlight, (0.0, load_max), scale)?;

    let ratio_max = max_of([ratio]).clamp(2.0, 4.0) + 0.1;
    let mut bottom = ChartBuilder::on(&lower)
        .margin_right(px(scale, 12.0))
        .margin_top(px(scale, 6.0))
        .x_label_area_size(px(scale, 26.0))
        .y_label_area_size(left_area)
        .build_cartesian_2d(0.0..n as f64, 0.0..ratio_max)
        .map_err(|e| e.to_string())?;
    grid(&mut bottom, scale, 4)
        .x_labels(6)
        .x_label_formatter(&date_labels(series, range.start))
        .y_desc("Ratio")
        .draw()
        .map_err(|e| e.to_string())?;
    shade_unobserved(&mut bottom, observed, (0.0, ratio_max))?;
    shade_unreliable(&mut bottom, unreliable, (0.0, ratio_max))?;
    bottom
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, RATIO_BAND.0), (n as f64, RATIO_BAND.1)],
            BAND.mix(0.12).filled(),
        )))
        .map_err(|e| e.to_string())?;
    draw_runs(
        &mut bottom,
        ratio,
        RATIO,
        px(scale, 2.0),
        form.label(),
        &mut legend,
    )?;
    legend.push(LegendItem::new(
        "0.8–1.3: a convention, not a verdict",
        BAND,
        Mark::Shade,
    ));
    legend.extend(shade_items(unobserved, shaded_unreliable));
    highlight_day(&mut bottom, highlight, (0.0, ratio_max), scale)?;
    root.present().map_err(|e| e.to_string())?;
    Ok(Drawn {
        area: plot_area(&root, left_area, scale),
        legend,
    })
}

/// Fitness, fatigue and form of one variant.
pub fn draw_pmc(
    canvas: &HtmlCanvasElement,
    series: &SeriesResponse,
    range: std::ops::Range<usize>,
    variant: PmcVariantChoice,
    highlight: Option<usize>,
) -> Result<Drawn, String> {
    let Canvas { scale, root } = prepare(canvas, 260.0)?;
    let n = range.len().max(1);
    let pmc = variant.series(series).ok_or("no fitness figures")?;
    let wrap = |c: &[f64]| {
        c[range.clone()]
            .iter()
            .map(|v| Some(*v))
            .collect::<Vec<_>>()
    };
    let (ctl, atl, tsb) = (wrap(&pmc.ctl), wrap(&pmc.atl), wrap(&pmc.tsb));
    let high = max_of([ctl.as_slice(), atl.as_slice(), tsb.as_slice()]).max(1.0) * 1.1;
    let low = tsb.iter().flatten().fold(0.0_f64, |m, v| m.min(*v)) * 1.1;
    let left_area = px(scale, 48.0);
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(scale, 8.0))
        .margin_right(px(scale, 12.0))
        .x_label_area_size(px(scale, 26.0))
        .y_label_area_size(left_area)
        .build_cartesian_2d(0.0..n as f64, low.min(-1.0)..high)
        .map_err(|e| e.to_string())?;
    grid(&mut chart, scale, 5)
        .x_labels(6)
        .x_label_formatter(&date_labels(series, range.start))
        .draw()
        .map_err(|e| e.to_string())?;
    let unobserved = shade_unobserved(
        &mut chart,
        &series.observed[range.clone()],
        (low.min(-1.0), high),
    )?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (n as f64, 0.0)],
            RGBColor(160, 170, 170).stroke_width(px(scale, 1.0)),
        )))
        .map_err(|e| e.to_string())?;
    let mut legend = Vec::new();
    let line = px(scale, 2.0);
    draw_runs(
        &mut chart,
        &ctl,
        FITNESS,
        line,
        "Fitness (CTL)",
        &mut legend,
    )?;
    draw_runs(
        &mut chart,
        &atl,
        FATIGUE,
        line,
        "Fatigue (ATL)",
        &mut legend,
    )?;
    draw_runs(&mut chart, &tsb, FORM, line, "Form (TSB)", &mut legend)?;
    legend.extend(shade_items(unobserved, false));
    highlight_day(&mut chart, highlight, (low.min(-1.0), high), scale)?;
    root.present().map_err(|e| e.to_string())?;
    Ok(Drawn {
        area: plot_area(&root, left_area, scale),
        legend,
    })
}

/// Readiness: sleep hours as bars and wellness items (0 to 10) as lines; HRV's 7-day
/// ln rMSSD against its normal band when the athlete records HRV.
pub fn draw_readiness(
    canvas: &HtmlCanvasElement,
    series: &SeriesResponse,
    range: std::ops::Range<usize>,
    highlight: Option<usize>,
) -> Result<Drawn, String> {
    let has_hrv = series.hrv_rolling_ln[range.clone()]
        .iter()
        .any(Option::is_some);
    let Canvas { scale, root } = prepare(canvas, if has_hrv { 340.0 } else { 240.0 })?;
    let n = range.len().max(1);
    let left_area = px(scale, 48.0);
    let (wellness_area, hrv_area) = if has_hrv {
        let (a, b) = root.split_vertically(px(scale, 220.0));
        (a, Some(b))
    } else {
        (root.clone(), None)
    };
    let mut chart = ChartBuilder::on(&wellness_area)
        .margin_top(px(scale, 8.0))
        .margin_right(px(scale, 12.0))
        .x_label_area_size(px(scale, 26.0))
        .y_label_area_size(left_area)
        .build_cartesian_2d(0.0..n as f64, 0.0..12.0)
        .map_err(|e| e.to_string())?;
    grid(&mut chart, scale, 4)
        .x_labels(6)
        .x_label_formatter(&date_labels(series, range.start))
        .y_desc("Score / hours")
        .draw()
        .map_err(|e| e.to_string())?;
    let unobserved = shade_unobserved(&mut chart, &series.observed[range.clone()], (0.0, 12.0))?;
    let mut legend = vec![LegendItem::new("Sleep (hours)", SLEEP, Mark::Bar)];
    chart
        .draw_series(
            series.sleep_h[range.clone()]
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    h.map(|h| {
                        Rectangle::new(
                            [(i as f64 + 0.2, 0.0), (i as f64 + 0.8, h.min(12.0))],
                            SLEEP.mix(0.45).filled(),
                        )
                    })
                }),
        )
        .map_err(|e| e.to_string())?;
    draw_runs(
        &mut chart,
        &series.readiness[range.clone()],
        BAND,
        px(scale, 2.0),
        "Readiness",
        &mut legend,
    )?;
    draw_runs(
        &mut chart,
        &series.fatigue[range.clone()],
        FATIGUE,
        px(scale, 2.0),
        "Fatigue",
        &mut legend,
    )?;
    draw_runs(
        &mut chart,
        &series.mood[range.clone()],
        FORM,
        px(scale, 2.0),
        "Mood",
        &mut legend,
    )?;
    draw_runs(
        &mut chart,
        &series.soreness[range.clone()],
        RATIO,
        px(scale, 1.5),
        "Soreness",
        &mut legend,
    )?;
    highlight_day(&mut chart, highlight, (0.0, 12.0), scale)?;
    if let Some(area) = hrv_area {
        let rolling = &series.hrv_rolling_ln[range.clone()];
        let low = &series.hrv_band_low[range.clone()];
        let high = &series.hrv_band_high[range.clone()];
        let values: Vec<f64> = rolling
            .iter()
            .chain(low)
            .chain(high)
            .flatten()
            .copied()
            .collect();
        let y0 = values.iter().copied().fold(f64::INFINITY, f64::min) - 0.1;
        let y1 = values.iter().copied().fold(f64::NEG_INFINITY, f64::max) + 0.1;
        let mut hrv = ChartBuilder::on(&area)
            .margin_right(px(scale, 12.0))
            .y_label_area_size(left_area)
            .build_cartesian_2d(0.0..n as f64, y0..y1)
            .map_err(|e| e.to_string())?;
        hrv.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(3)
            .y_desc("ln rMSSD")
            .label_style(font(scale, 11.0))
            .axis_desc_style(font(scale, 11.0))
            .draw()
            .map_err(|e| e.to_string())?;
        hrv.draw_series(low.iter().zip(high).enumerate().filter_map(|(i, (l, h))| {
            Some(Rectangle::new(
                [(i as f64, (*l)?), (i as f64 + 1.0, (*h)?)],
                BAND.mix(0.15).filled(),
            ))
        }))
        .map_err(|e| e.to_string())?;
        draw_runs(
            &mut hrv,
            rolling,
            CHRONIC,
            px(scale, 2.0),
            "HRV 7-day mean (ln rMSSD)",
            &mut legend,
        )?;
        legend.push(LegendItem::new("HRV normal band", BAND, Mark::Shade));
    }
    legend.extend(shade_items(unobserved, false));
    root.present().map_err(|e| e.to_string())?;
    Ok(Drawn {
        area: plot_area(&root, left_area, scale),
        legend,
    })
}

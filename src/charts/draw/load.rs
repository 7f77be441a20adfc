//! The load chart.

use forma_core::api::SeriesResponse;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::*;
use crate::charts::window::{RatioForm, RATIO_BAND};

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

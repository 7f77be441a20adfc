//! The Model page's calibration plot: for each bin of predicted probability, the
//! mean prediction (x) against the share of those days that were followed by an
//! injury or illness (y), one series per backtest scheme. A calibrated model sits
//! on the diagonal; a dot's size grows with the days behind it.

use forma_core::model::evaluation::CalibrationBin;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::draw::{font, prepare, px};
use super::legend::{LegendItem, Mark};

/// One series of the plot.
pub struct CalibrationSeries<'a> {
    pub label: &'a str,
    pub bins: &'a [CalibrationBin],
    pub color: RGBColor,
}

pub const FORWARD: RGBColor = RGBColor(41, 128, 185);
pub const BY_ATHLETE: RGBColor = RGBColor(212, 120, 23);
const DIAGONAL: RGBColor = RGBColor(150, 150, 150);

/// The two backtest series: label and colour.
pub const SERIES: [(&str, RGBColor); 2] = [
    ("forward in time", FORWARD),
    ("athletes held out", BY_ATHLETE),
];

/// What the plot shows, for the legend beside it.
pub fn calibration_legend() -> Vec<LegendItem> {
    std::iter::once(LegendItem::new("perfect calibration", DIAGONAL, Mark::Line))
        .chain(
            SERIES
                .iter()
                .map(|(label, color)| LegendItem::new(*label, *color, Mark::Dot)),
        )
        .collect()
}

/// The points of a series: `(mean predicted, observed rate, rows)` of the bins with rows.
pub fn points(bins: &[CalibrationBin]) -> Vec<(f64, f64, usize)> {
    bins.iter()
        .filter_map(|b| Some((b.mean_predicted?, b.observed_rate?, b.rows)))
        .collect()
}

/// The axis range: up to the largest predicted or observed value, rounded up to a
/// tenth, at least 0.2, so a model that never predicts above 0.3 is not squeezed
/// into a corner.
pub fn axis_max(series: &[CalibrationSeries<'_>]) -> f64 {
    let top = series
        .iter()
        .flat_map(|s| points(s.bins))
        .fold(0.0_f64, |m, (p, o, _)| m.max(p).max(o));
    ((top * 10.0).ceil() / 10.0).clamp(0.2, 1.0)
}

/// Draws the plot.
///
/// # Errors
/// When the browser cannot draw on the canvas.
pub fn draw_calibration(
    canvas: &HtmlCanvasElement,
    series: &[CalibrationSeries<'_>],
) -> Result<(), String> {
    let c = prepare(canvas, 300.0)?;
    let scale = c.scale;
    let top = axis_max(series);
    let most = series
        .iter()
        .flat_map(|s| points(s.bins))
        .map(|(_, _, rows)| rows)
        .max()
        .unwrap_or(1)
        .max(1);
    let mut chart = ChartBuilder::on(&c.root)
        .margin(px(scale, 12.0))
        .x_label_area_size(px(scale, 36.0))
        .y_label_area_size(px(scale, 48.0))
        .build_cartesian_2d(0.0..top, 0.0..top)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("predicted risk")
        .y_desc("observed share")
        .label_style(font(scale, 11.0))
        .axis_desc_style(font(scale, 11.0))
        .light_line_style(RGBColor(238, 242, 241))
        .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 0.0), (top, top)],
            DIAGONAL.stroke_width(px(scale, 1.0).max(1)),
        ))
        .map_err(|e| e.to_string())?;
    for s in series {
        let color = s.color;
        let dots = points(s.bins);
        chart
            .draw_series(LineSeries::new(
                dots.iter().map(|(p, o, _)| (*p, *o)),
                color.mix(0.5).stroke_width(px(scale, 1.5).max(1)),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(dots.iter().map(|(p, o, rows)| {
                let radius = 3.0 + 7.0 * (*rows as f64 / most as f64).sqrt();
                Circle::new((*p, *o), px(scale, radius), color.mix(0.8).filled())
            }))
            .map_err(|e| e.to_string())?;
    }
    c.root.present().map_err(|e| e.to_string())
}

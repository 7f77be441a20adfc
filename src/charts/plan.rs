//! The Plan page's chart: the edited plan against the saved one (or the starting
//! point), day by day: planned load as bars (the baseline as outlines), the
//! coupled acute:chronic ratio below with its band, and the model's risk with the
//! trees' spread at the bottom.

use forma_core::plan::Projection;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::draw::{grid, prepare, px};
use super::legend::{LegendItem, Mark};

const EDITED: RGBColor = RGBColor(74, 144, 196);
const BASELINE: RGBColor = RGBColor(120, 130, 135);
const RATIO: RGBColor = RGBColor(142, 68, 173);
const RISK: RGBColor = RGBColor(192, 57, 43);
const BAND: RGBColor = RGBColor(47, 143, 91);

/// What the chart shows, for the legend beside it.
pub fn plan_legend() -> Vec<LegendItem> {
    vec![
        LegendItem::new("This plan: load", EDITED, Mark::Bar),
        LegendItem::new("Before the edits", BASELINE, Mark::Outline),
        LegendItem::new("Ratio (coupled)", RATIO, Mark::Line),
        LegendItem::new("Ratio 0.8–1.3", BAND, Mark::Shade),
        LegendItem::new("Risk", RISK, Mark::Line),
        LegendItem::new("Risk: the trees' spread", RISK, Mark::Shade),
        LegendItem::new("Ratio and risk before the edits", BASELINE, Mark::Line),
    ]
}

fn day_label(p: &Projection) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| {
        p.days
            .get(x.floor().max(0.0) as usize)
            .map(|d| format!("{} {}", d.date.day(), month(d.date.month())))
            .unwrap_or_default()
    }
}

fn month(m: i8) -> &'static str {
    [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m.clamp(1, 12) - 1) as usize]
}

/// Draws the edited projection against the baseline.
///
/// # Errors
/// When the browser cannot draw on the canvas.
pub fn draw_plan(
    canvas: &HtmlCanvasElement,
    edited: &Projection,
    baseline: &Projection,
) -> Result<(), String> {
    let c = prepare(canvas, 360.0)?;
    let (scale, root) = (c.scale, &c.root);
    let n = edited.days.len().max(1) as f64;
    let (top, rest) = root.split_vertically(px(scale, 150.0));
    let (middle, bottom) = rest.split_vertically(px(scale, 100.0));
    let left = px(scale, 48.0);
    let map_err = |e: &dyn std::fmt::Display| e.to_string();

    let load_max = edited
        .days
        .iter()
        .chain(&baseline.days)
        .map(|d| d.load)
        .fold(1.0_f64, f64::max)
        * 1.15;
    let mut chart = ChartBuilder::on(&top)
        .margin_top(px(scale, 8.0))
        .margin_right(px(scale, 12.0))
        .y_label_area_size(left)
        .build_cartesian_2d(0.0..n, 0.0..load_max)
        .map_err(|e| map_err(&e))?;
    grid(&mut chart, scale, 4)
        .y_desc("Load")
        .max_light_lines(1)
        .draw()
        .map_err(|e| map_err(&e))?;
    chart
        .draw_series(edited.days.iter().enumerate().map(|(i, d)| {
            Rectangle::new(
                [(i as f64 + 0.15, 0.0), (i as f64 + 0.85, d.load)],
                EDITED.mix(0.75).filled(),
            )
        }))
        .map_err(|e| map_err(&e))?;
    chart
        .draw_series(baseline.days.iter().enumerate().map(|(i, d)| {
            Rectangle::new(
                [(i as f64 + 0.1, 0.0), (i as f64 + 0.9, d.load)],
                BASELINE.stroke_width(px(scale, 1.0).max(1)),
            )
        }))
        .map_err(|e| map_err(&e))?;

    let ratios = |p: &Projection| -> Vec<(f64, f64)> {
        p.days
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                d.acwr_coupled
                    .filter(|r| r.is_finite())
                    .map(|r| (i as f64 + 0.5, r))
            })
            .collect()
    };
    let ratio_max = ratios(edited)
        .iter()
        .chain(&ratios(baseline))
        .map(|(_, r)| *r)
        .fold(1.6_f64, f64::max)
        .min(4.0)
        + 0.1;
    let mut chart = ChartBuilder::on(&middle)
        .margin_right(px(scale, 12.0))
        .margin_top(px(scale, 4.0))
        .y_label_area_size(left)
        .build_cartesian_2d(0.0..n, 0.0..ratio_max)
        .map_err(|e| map_err(&e))?;
    grid(&mut chart, scale, 3)
        .y_desc("Ratio")
        .max_light_lines(1)
        .draw()
        .map_err(|e| map_err(&e))?;
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.8), (n, 1.3)],
            BAND.mix(0.12).filled(),
        )))
        .map_err(|e| map_err(&e))?;
    chart
        .draw_series(LineSeries::new(
            ratios(baseline),
            BASELINE.stroke_width(px(scale, 1.5).max(1)),
        ))
        .map_err(|e| map_err(&e))?;
    chart
        .draw_series(LineSeries::new(
            ratios(edited),
            RATIO.stroke_width(px(scale, 2.0)),
        ))
        .map_err(|e| map_err(&e))?;

    let risk_max = edited
        .days
        .iter()
        .chain(&baseline.days)
        .filter_map(|d| d.risk.map(|r| r.high))
        .fold(0.1_f64, f64::max)
        .min(1.0)
        * 1.1;
    let mut chart = ChartBuilder::on(&bottom)
        .margin_right(px(scale, 12.0))
        .margin_top(px(scale, 4.0))
        .x_label_area_size(px(scale, 26.0))
        .y_label_area_size(left)
        .build_cartesian_2d(0.0..n, 0.0..risk_max)
        .map_err(|e| map_err(&e))?;
    grid(&mut chart, scale, 3)
        .x_labels(edited.days.len().min(8))
        .x_label_formatter(&day_label(edited))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .y_desc("Risk")
        .max_light_lines(1)
        .draw()
        .map_err(|e| map_err(&e))?;
    let band: Vec<(f64, f64)> = edited
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.risk.map(|r| (i as f64 + 0.5, r.high)))
        .chain(
            edited
                .days
                .iter()
                .enumerate()
                .rev()
                .filter_map(|(i, d)| d.risk.map(|r| (i as f64 + 0.5, r.low))),
        )
        .collect();
    if band.len() > 2 {
        chart
            .draw_series(std::iter::once(Polygon::new(band, RISK.mix(0.15).filled())))
            .map_err(|e| map_err(&e))?;
    }
    let risk = |p: &Projection| -> Vec<(f64, f64)> {
        p.days
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.risk.map(|r| (i as f64 + 0.5, r.p)))
            .collect()
    };
    chart
        .draw_series(LineSeries::new(
            risk(baseline),
            BASELINE.stroke_width(px(scale, 1.5).max(1)),
        ))
        .map_err(|e| map_err(&e))?;
    chart
        .draw_series(LineSeries::new(
            risk(edited),
            RISK.stroke_width(px(scale, 2.0)),
        ))
        .map_err(|e| map_err(&e))?;
    root.present().map_err(|e| map_err(&e))
}

//! The readiness chart.

use forma_core::api::SeriesResponse;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::*;

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

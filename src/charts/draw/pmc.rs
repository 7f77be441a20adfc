//! The fitness, fatigue and form chart.

use forma_core::api::SeriesResponse;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::*;
use crate::charts::window::PmcVariantChoice;

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

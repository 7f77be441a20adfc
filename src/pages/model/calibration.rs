//! Whether the model's risks and the policy's confidence mean what they say: the
//! calibration plot and table of both backtests, and the confidence table.

use forma_core::model::backtest::{SchemeResult, Scorer};
use forma_core::policy::confidence::{backtest_table, risk_threshold, rows_from_bins};
use forma_core::policy::PolicyOptions;
use leptos::html::Canvas;
use leptos::prelude::*;

use super::figures::{calibration_of, percent};
use crate::charts::calibration::{calibration_legend, draw_calibration, CalibrationSeries, SERIES};
use crate::charts::legend::ChartLegend;
use crate::charts::shown::draw_when_shown;

/// How the policy's confidence compares with what happened, on the forward
/// backtest's predictions.
#[component]
pub fn ConfidencePanel(forward: SchemeResult, primary: Scorer, base_rate: f64) -> impl IntoView {
    let rows = rows_from_bins(&calibration_of(&forward, primary));
    let options = PolicyOptions::default();
    let threshold = risk_threshold(base_rate, &options);
    let table = backtest_table(&rows, base_rate, &options)
        .into_iter()
        .filter(|b| b.rows > 0)
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{format!("{:.0}% to {:.0}%", b.from * 100.0, b.to * 100.0)}</th>
                    <td>{b.rows}</td>
                    <td>{percent(b.mean_confidence)}</td>
                    <td>{percent(b.observed)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="confidence-check">
            <h2>"Confidence against what happened"</h2>
            <p class="note">
                {format!(
                    "A recommendation's confidence is the cost-weighted probability that its side of the decision is right: caution (less load) is right when an injury or illness follows within 7 days, proceeding is right when none does. In a recommendation the model's side switches at twice the athlete's standing risk (their usual); the backtest's days carry no standing risk, so here it switches at {}, twice the training event rate; a missed episode weighs as much as several needless cautions. Here the forward backtest's days, grouped by the confidence the policy would have given them, against the weighted share it got right. Where the two columns agree, confidence means what it says. Built from the calibration bins (each day at its bin's mean risk), before the data-completeness discount.",
                    percent(Some(threshold))
                )}
            </p>
            <div class="table-scroll">
                <table class="data-table" data-testid="confidence-table">
                    <thead>
                        <tr>
                            <th scope="col">"Confidence"</th>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Mean confidence"</th>
                            <th scope="col">"Right (weighted)"</th>
                        </tr>
                    </thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn CalibrationPanel(
    forward: SchemeResult,
    by_athlete: SchemeResult,
    primary: Scorer,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let forward_bins = calibration_of(&forward, primary);
    let athlete_bins = calibration_of(&by_athlete, primary);
    let error = RwSignal::new(None::<String>);
    {
        let forward_bins = forward_bins.clone();
        let athlete_bins = athlete_bins.clone();
        draw_when_shown(canvas, move |element| {
            let [(forward, forward_color), (held_out, held_out_color)] = SERIES;
            let series = [
                CalibrationSeries {
                    label: forward,
                    bins: &forward_bins,
                    color: forward_color,
                },
                CalibrationSeries {
                    label: held_out,
                    bins: &athlete_bins,
                    color: held_out_color,
                },
            ];
            error.set(draw_calibration(element, &series).err());
        });
    }
    let table_rows = forward_bins
        .iter()
        .zip(&athlete_bins)
        .filter(|(f, a)| f.rows + a.rows > 0)
        .map(|(f, a)| {
            view! {
                <tr>
                    <th scope="row">{format!("{:.0}% to {:.0}%", f.from * 100.0, f.to * 100.0)}</th>
                    <td>{f.rows}</td>
                    <td>{percent(f.mean_predicted)}</td>
                    <td>{percent(f.observed_rate)}</td>
                    <td>{a.rows}</td>
                    <td>{percent(a.mean_predicted)}</td>
                    <td>{percent(a.observed_rate)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card chart-panel" data-testid="calibration">
            <h2>"Calibration"</h2>
            <p class="note">
                "When the model says 20%, about 20% of such days should be followed by an injury or illness. "
                "Dots on the grey line are calibrated; dots below it mean the model overstates the risk."
            </p>
            <ChartLegend
                items=Signal::stored(calibration_legend())
                name="legend-calibration".to_owned()
            />
            <canvas
                node_ref=canvas
                class="chart-canvas calibration-canvas"
                role="img"
                aria-label="Calibration plot: predicted risk against the observed share, per backtest"
                data-testid="canvas-calibration"
            ></canvas>
            <Show when=move || error.get().is_some()>
                <p class="error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="table-scroll">
                <table class="data-table" data-testid="calibration-table">
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">"Predicted"</th>
                            <th scope="colgroup" colspan="3">"Forward in time"</th>
                            <th scope="colgroup" colspan="3">"Athletes held out"</th>
                        </tr>
                        <tr>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Mean predicted"</th>
                            <th scope="col">"Observed"</th>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Mean predicted"</th>
                            <th scope="col">"Observed"</th>
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </section>
    }
}

//! The plan's totals and means against the plan before the edits.

use forma_core::plan::{Projection, Summary};
use leptos::prelude::*;

use crate::charts::window::number;

/// The whole plan's mean ratio, mean risk and end form, against before the edits.
#[component]
pub fn PlanSummary(
    projection: Memo<Projection>,
    baseline_projection: Memo<Projection>,
) -> impl IntoView {
    let edited = Memo::new(move |_| projection.with(Projection::summary));
    let before = Memo::new(move |_| baseline_projection.with(Projection::summary));
    let cell = move |testid: &'static str,
                     f: fn(&Summary) -> Option<f64>,
                     digits: usize,
                     pct: bool| {
        let show = move |v: Option<f64>| match (v, pct) {
            (Some(v), true) => format!("{:.1}%", v * 100.0),
            (v, _) => number(v, digits),
        };
        view! {
            <td data-testid=testid data-value=move || edited.with(|s| f(s).map(|v| v.to_string()).unwrap_or_default())>
                {move || show(edited.with(f))}
            </td>
            <td data-testid=format!("{testid}-before") data-value=move || before.with(|s| f(s).map(|v| v.to_string()).unwrap_or_default())>
                {move || show(before.with(f))}
            </td>
        }
    };
    view! {
        <div class="table-scroll">
            <table class="data-table plan-summary">
                <thead>
                    <tr>
                        <th scope="col">""</th>
                        <th scope="col">"This plan"</th>
                        <th scope="col">"Before the edits"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr><th scope="row">"Total load"</th>{cell("summary-load", |s| Some(s.total_load), 0, false)}</tr>
                    <tr><th scope="row">"Mean acute:chronic ratio"</th>{cell("summary-ratio", |s| s.mean_ratio, 2, false)}</tr>
                    <tr><th scope="row">"Form on the last day"</th>{cell("summary-form", |s| s.last_form, 1, false)}</tr>
                    <tr><th scope="row">"Mean risk"</th>{cell("summary-risk", |s| s.mean_risk, 1, true)}</tr>
                    <tr><th scope="row">"Performance on the last day"</th>{cell("summary-performance", |s| s.last_performance, 1, false)}</tr>
                    <tr><th scope="row">"Days the policy would ease off"</th>{cell("summary-caution", |s| Some(s.caution_days as f64), 0, false)}</tr>
                    <tr><th scope="row">"Days left to the coach (manual review)"</th>{cell("summary-review", |s| Some(s.review_days as f64), 0, false)}</tr>
                </tbody>
            </table>
        </div>
    }
}

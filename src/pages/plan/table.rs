//! The day-by-day table of the projected plan, each figure with its change
//! against the plan before the edits in small print.

use forma_core::plan::{self, Projection};
use leptos::prelude::*;

use crate::charts::window::number;

/// `x` with its sign, or "±0" when it rounds to zero at `digits` decimals.
fn signed(x: f64, digits: usize) -> String {
    if x.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        "±0".to_owned()
    } else {
        format!("{x:+.digits$}")
    }
}

/// One row of the day-by-day table, as text.
#[derive(Debug, Clone, PartialEq, Default)]
struct RowText {
    warned: bool,
    day: String,
    load: String,
    load_change: String,
    ratio: String,
    ratio_change: String,
    uncoupled: String,
    ewma: String,
    fitness: String,
    fatigue: String,
    form: String,
    form_change: String,
    monotony: String,
    strain: String,
    risk: String,
    risk_change: String,
    performance: String,
    policy: String,
    policy_was: String,
    warnings: String,
}

/// One projected day with its difference from the plan before the edits
/// ([`plan::compare`]; "new" where that plan had no such day).
fn row_text(d: &plan::ProjectedDay, diff: Option<&plan::DayDiff>) -> RowText {
    let change = |f: &dyn Fn(&plan::DayDiff) -> Option<String>| {
        diff.map_or_else(|| "new".to_owned(), |x| f(x).unwrap_or_default())
    };
    RowText {
        warned: !d.warnings.is_empty(),
        day: format!("{} {}", d.date.strftime("%a"), d.date),
        load: format!("{:.0}", d.load),
        load_change: change(&|x| Some(signed(x.load, 0))),
        ratio: number(d.acwr_coupled, 2),
        ratio_change: change(&|x| x.acwr_coupled.map(|v| signed(v, 2))),
        uncoupled: number(d.acwr_uncoupled, 2),
        ewma: number(d.acwr_ewma, 2),
        fitness: format!("{:.1}", d.ctl),
        fatigue: format!("{:.1}", d.atl),
        form: format!("{:.1}", d.tsb),
        form_change: change(&|x| Some(signed(x.tsb, 1))),
        monotony: number(d.monotony, 2),
        strain: number(d.strain, 0),
        risk: d.risk.map_or_else(
            || "n/a".to_owned(),
            |r| {
                format!(
                    "{:.1}% ({:.0}–{:.0})",
                    r.p * 100.0,
                    r.low * 100.0,
                    r.high * 100.0
                )
            },
        ),
        risk_change: diff
            .and_then(|x| x.risk)
            .map(|r| signed(r * 100.0, 1))
            .unwrap_or_default(),
        performance: number(d.performance, 1),
        policy: format!(
            "{} ({:.0}%)",
            d.policy.action.label(),
            d.policy.confidence * 100.0
        ),
        policy_was: diff
            .and_then(|x| x.policy_was)
            .map(|a| format!("was {}", a.label().to_lowercase()))
            .unwrap_or_default(),
        warnings: d.warnings.join(" "),
    }
}

/// The day-by-day table. Each row is its own memo: an edit rewrites the text
/// of the rows it changed (the days from the edited one on), not the table.
#[component]
pub fn ProjectionTable(
    projection: Signal<Projection>,
    baseline_projection: Signal<Projection>,
) -> impl IntoView {
    let count = Memo::new(move |_| projection.with(|p| p.days.len()));
    let diffs =
        Memo::new(move |_| projection.with(|e| baseline_projection.with(|b| plan::compare(b, e))));
    let row = move |i: usize| {
        let text = Memo::new(move |_| {
            projection.with(|p| {
                diffs.with(|x| {
                    p.days
                        .get(i)
                        .map(|d| row_text(d, x.get(i).and_then(Option::as_ref)))
                        .unwrap_or_default()
                })
            })
        });
        let cell = move |f: fn(&RowText) -> &String| move || text.with(|r| f(r).clone());
        view! {
            <tr class=move || if text.with(|r| r.warned) { "warned" } else { "" }>
                <th scope="row">{cell(|r| &r.day)}</th>
                <td>{cell(|r| &r.load)} <small>{cell(|r| &r.load_change)}</small></td>
                <td>{cell(|r| &r.ratio)} <small>{cell(|r| &r.ratio_change)}</small></td>
                <td>{cell(|r| &r.uncoupled)}</td>
                <td>{cell(|r| &r.ewma)}</td>
                <td>{cell(|r| &r.fitness)}</td>
                <td>{cell(|r| &r.fatigue)}</td>
                <td>{cell(|r| &r.form)} <small>{cell(|r| &r.form_change)}</small></td>
                <td>{cell(|r| &r.monotony)}</td>
                <td>{cell(|r| &r.strain)}</td>
                <td>{cell(|r| &r.risk)} <small>{cell(|r| &r.risk_change)}</small></td>
                <td>{cell(|r| &r.performance)}</td>
                <td data-testid="day-policy">{cell(|r| &r.policy)} <small>{cell(|r| &r.policy_was)}</small></td>
                <td class="warnings">{cell(|r| &r.warnings)}</td>
            </tr>
        }
    };
    let rows = view! { <For each=move || 0..count.get() key=|i| *i children=row/> };
    view! {
        <details class="chart-table" open>
            <summary>"Day by day (changes against before the edits in small print)"</summary>
            <div class="table-scroll">
                <table class="data-table plan-table" data-testid="projection-table">
                    <thead>
                        <tr>
                            <th scope="col">"Day"</th>
                            <th scope="col">"Load"</th>
                            <th scope="col">"Ratio (coupled)"</th>
                            <th scope="col">"Uncoupled"</th>
                            <th scope="col">"EWMA"</th>
                            <th scope="col">"Fitness"</th>
                            <th scope="col">"Fatigue"</th>
                            <th scope="col">"Form"</th>
                            <th scope="col">"Monotony"</th>
                            <th scope="col">"Strain"</th>
                            <th scope="col">"Risk (tree spread)"</th>
                            <th scope="col">"Performance"</th>
                            <th scope="col">"Policy (confidence)"</th>
                            <th scope="col">"Warnings"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

//! One backtest's table: every model and baseline on the same days, and the
//! primary model by cohort.

use forma_core::model::backtest::{SchemeResult, Scorer};
use leptos::prelude::*;

use super::figures::{figure, percent, with_interval};

#[component]
pub fn BacktestTable(title: &'static str, scheme: SchemeResult, primary: Scorer) -> impl IntoView {
    let folds = scheme.folds.len();
    let first = scheme.scorers.first().map(|s| s.overall.clone());
    let rows = scheme
        .scorers
        .iter()
        .map(|s| {
            let m = &s.overall;
            let class = if s.scorer == primary {
                "primary"
            } else if s.scorer.is_baseline() {
                "baseline"
            } else {
                ""
            };
            view! {
                <tr class=class>
                    <th scope="row">
                        {s.scorer.label()}
                        {s.scorer.is_baseline().then_some(" (baseline)")}
                    </th>
                    <td>{with_interval(m.roc_auc, m.roc_auc_ci)}</td>
                    <td>{with_interval(m.pr_auc, m.pr_auc_ci)}</td>
                    <td>{with_interval(m.brier, m.brier_ci)}</td>
                    <td>{with_interval(m.within_athlete_auc, m.within_athlete_auc_ci)}</td>
                </tr>
            }
        })
        .collect_view();
    let cohorts = scheme
        .scorers
        .iter()
        .find(|s| s.scorer == primary)
        .map(|s| s.cohorts.clone())
        .unwrap_or_default();
    let cohort_rows = cohorts
        .into_iter()
        .map(|c| {
            let m = c.metrics;
            view! {
                <tr>
                    <th scope="row">{format!("{}: {}", c.dimension, c.value)}</th>
                    <td>{m.rows}</td>
                    <td>{m.events}</td>
                    <td>{percent(m.base_rate)}</td>
                    <td>{figure(m.roc_auc)}</td>
                    <td>{figure(m.pr_auc)}</td>
                    <td>{figure(m.brier)}</td>
                </tr>
            }
        })
        .collect_view();
    let slug = title.to_lowercase().replace(' ', "-");
    view! {
        <section class="card backtest" data-testid=format!("backtest-{slug}")>
            <h2>{format!("Backtest: {title}")}</h2>
            <p class="note">
                {first
                    .map(|m| {
                        format!(
                            "{folds} folds; {} test days of {} athletes, {} followed by an injury or illness (base rate {}). Every model and baseline is scored on the same days. Higher ROC and PR AUC are better, lower Brier is better; a PR AUC near the base rate means no skill.",
                            m.rows,
                            m.athletes,
                            m.events,
                            percent(m.base_rate),
                        )
                    })}
            </p>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"Model"</th>
                            <th scope="col">"ROC AUC (95% CI)"</th>
                            <th scope="col">"PR AUC (95% CI)"</th>
                            <th scope="col">"Brier (95% CI)"</th>
                            <th scope="col">"Within-athlete AUC (95% CI)"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>{format!("By cohort ({})", primary.label())}</h3>
            <div class="table-scroll">
                <table class="data-table" data-testid=format!("cohorts-{slug}")>
                    <thead>
                        <tr>
                            <th scope="col">"Cohort"</th>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Events"</th>
                            <th scope="col">"Base rate"</th>
                            <th scope="col">"ROC AUC"</th>
                            <th scope="col">"PR AUC"</th>
                            <th scope="col">"Brier"</th>
                        </tr>
                    </thead>
                    <tbody>{cohort_rows}</tbody>
                </table>
            </div>
        </section>
    }
}

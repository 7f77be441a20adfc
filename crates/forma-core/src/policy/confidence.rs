//! Confidence: the cost-weighted probability that the recommendation's branch
//! is right, reduced by data completeness; and the table that checks it against
//! what happened.
//!
//! # Definition
//!
//! Every automatic action is on one of two branches ([`Branch`]): **caution**
//! (reduce intensity, swap session, extend recovery), which is right when an
//! adverse episode would have started in the next 7 days, and **proceed**
//! (maintain, increase volume), which is right when none would have.
//!
//! The model's branch is caution when its calibrated probability `p` is at least
//! the threshold `t` = [`PolicyOptions::high_risk_multiple`] x the level today's
//! risk is read against: the athlete's standing risk (their usual over the 28
//! days before), or the training event rate while it is unknown (see
//! [`super`]). The backtest table ([`backtest_table`]) uses the training rate,
//! as its rows carry no standing risk. Choosing caution at `p >= t` is the optimal decision exactly when a
//! missed episode costs `w = (1 - t) / t` times a needless caution, so the
//! confidence counts right and wrong calls with those weights (an episode row
//! weighs `w`, any other row 1). With `p` calibrated, the weighted share of right
//! calls among days with probability `p` is
//!
//! ```text
//! p' = w p / (w p + 1 - p)        for caution,      1 - p' for proceed,
//! ```
//!
//! which is 1/2 at `p = t`, so "max(p, 1 - p) relative to the threshold".
//!
//! `confidence = P(branch right) x completeness`, where completeness is the share
//! of the 28 days before d with any data, and `P(branch right)` is `p'` or
//! `1 - p'` for the branch of the *final* action, with `p` from the best
//! calibrated source available ([`ConfidenceBasis`]):
//! 1. the model's probability for the day;
//! 2. when the model cannot score the day but an artifact is given, the event
//!    rate of its training rows on the day's side of the ratio rule (ACWR above
//!    1.5 or not): the rule's empirical precision;
//! 3. otherwise [`PolicyOptions::rule_prior_confidence`], a stated prior.
//!
//! A rule that calls for caution while the model puts the risk below `t` thus
//! gets a confidence below 1/2 and, by default, goes to manual review.
//! Multiplying by completeness makes the figure conservative for patchy records:
//! their observed share of right calls should lie above it.
//!
//! [`confidence_table`] bins (confidence, right, weight) rows;
//! [`backtest_rows`] turns backtest predictions `(p, outcome)` into such rows,
//! and [`backtest_table`] does both for the Model page.

use serde::{Deserialize, Serialize};

use super::recommendation::Branch;
use super::PolicyOptions;

/// The model branch's threshold `t`: `high_risk_multiple x base_rate`, kept
/// within 0.001..=0.9 so that the weight stays finite.
pub fn risk_threshold(base_rate: f64, options: &PolicyOptions) -> f64 {
    let t = options.high_risk_multiple * base_rate;
    if t.is_finite() {
        t.clamp(0.001, 0.9)
    } else {
        0.9
    }
}

/// The weight of a missed episode relative to a needless caution, `(1 - t) / t`.
pub fn miss_weight(threshold: f64) -> f64 {
    let t = threshold.clamp(0.001, 0.999);
    (1.0 - t) / t
}

/// The branch a probability alone chooses: caution at or above `threshold`.
pub fn model_branch(p: f64, threshold: f64) -> Branch {
    if p >= threshold {
        Branch::Caution
    } else {
        Branch::Proceed
    }
}

/// Cost-weighted probability that `branch` is right when the calibrated
/// probability of an episode is `p` (see the module docs).
///
/// ```
/// use forma_core::policy::confidence::branch_probability;
/// use forma_core::policy::Branch;
/// // At the threshold either branch is a coin flip.
/// assert!((branch_probability(0.1, Branch::Caution, 0.1) - 0.5).abs() < 1e-12);
/// // Far below it, proceeding is almost surely right.
/// assert!(branch_probability(0.001, Branch::Proceed, 0.1) > 0.99);
/// // A probability outside 0..=1 is clamped first.
/// assert_eq!(branch_probability(7.0, Branch::Caution, 0.1), 1.0);
/// ```
pub fn branch_probability(p: f64, branch: Branch, threshold: f64) -> f64 {
    let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
    let w = miss_weight(threshold);
    let caution = w * p / (w * p + 1.0 - p);
    match branch {
        Branch::Caution => caution,
        Branch::Proceed => 1.0 - caution,
    }
}

/// One decision to check: its confidence, whether its branch was right, and
/// its weight in the observed share (`w` for an episode row, else 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceRow {
    /// The confidence given, 0 to 1.
    pub confidence: f64,
    /// Whether the branch was right.
    pub right: bool,
    /// Its weight.
    pub weight: f64,
}

/// One backtest prediction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BacktestRow {
    /// The calibrated probability the model gave.
    pub probability: f64,
    /// Whether an episode started in the 7 days after.
    pub outcome: bool,
    /// Share of the 28 days before with data (1 when unknown).
    pub completeness: f64,
}

/// The rows the model branch would have produced on backtest predictions: the
/// branch `p >= threshold`, its confidence, whether it was right, its weight.
pub fn backtest_rows(rows: &[BacktestRow], threshold: f64) -> Vec<ConfidenceRow> {
    let w = miss_weight(threshold);
    rows.iter()
        .map(|r| {
            let branch = model_branch(r.probability, threshold);
            let completeness = if r.completeness.is_nan() {
                1.0
            } else {
                r.completeness.clamp(0.0, 1.0)
            };
            ConfidenceRow {
                confidence: branch_probability(r.probability, branch, threshold) * completeness,
                right: (branch == Branch::Caution) == r.outcome,
                weight: if r.outcome { w } else { 1.0 },
            }
        })
        .collect()
}

/// One bin of the confidence table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceBin {
    /// Lower edge (inclusive).
    pub from: f64,
    /// Upper edge (exclusive, except 1.0 for the last bin).
    pub to: f64,
    /// Decisions in the bin.
    pub rows: usize,
    /// Decisions whose branch was right.
    pub right: usize,
    /// Mean confidence (`None` when empty).
    pub mean_confidence: Option<f64>,
    /// Weighted share of right decisions, the quantity confidence predicts
    /// (`None` when empty).
    pub observed: Option<f64>,
}

/// `bins` equal-width bins of confidence (10 if 0), each with the mean
/// confidence and the weighted share of right decisions: where the two agree,
/// the confidence means what it says. Rows with a confidence outside 0..=1 or
/// `NaN` are left out.
///
/// ```
/// use forma_core::policy::confidence::{confidence_table, ConfidenceRow};
/// let row = |confidence, right| ConfidenceRow { confidence, right, weight: 1.0 };
/// let t = confidence_table(&[row(0.95, true), row(0.91, false), row(f64::NAN, true)], 10);
/// assert_eq!((t[9].rows, t[9].right), (2, 1));
/// assert_eq!(t[9].observed, Some(0.5));
/// assert_eq!(t[0].mean_confidence, None);
/// ```
pub fn confidence_table(rows: &[ConfidenceRow], bins: usize) -> Vec<ConfidenceBin> {
    let n = if bins == 0 { 10 } else { bins };
    // rows, right, sum of confidence, weight right, weight total
    let mut acc = vec![(0usize, 0usize, 0.0, 0.0, 0.0); n];
    for r in rows {
        if !(0.0..=1.0).contains(&r.confidence) {
            continue;
        }
        let b = ((r.confidence * n as f64) as usize).min(n - 1);
        let w = if r.weight.is_finite() && r.weight > 0.0 {
            r.weight
        } else {
            1.0
        };
        let a = &mut acc[b];
        a.0 += 1;
        a.1 += usize::from(r.right);
        a.2 += r.confidence;
        if r.right {
            a.3 += w;
        }
        a.4 += w;
    }
    acc.into_iter()
        .enumerate()
        .map(|(i, (rows, right, sum, w_right, w_all))| ConfidenceBin {
            from: i as f64 / n as f64,
            to: (i + 1) as f64 / n as f64,
            rows,
            right,
            mean_confidence: (rows > 0).then(|| sum / rows as f64),
            observed: (rows > 0 && w_all > 0.0).then(|| w_right / w_all),
        })
        .collect()
}

/// The Model page's "confidence vs what happened" table in one call: the model
/// branch's decisions on backtest predictions, at the threshold the policy
/// derives from `base_rate` (the artifact's training event rate), in 10 bins.
///
/// ```
/// use forma_core::policy::confidence::{backtest_table, BacktestRow};
/// use forma_core::policy::PolicyOptions;
/// let rows = [BacktestRow { probability: 0.01, outcome: false, completeness: 1.0 }];
/// let table = backtest_table(&rows, 0.05, &PolicyOptions::default());
/// assert_eq!(table.iter().map(|b| b.rows).sum::<usize>(), 1);
/// assert_eq!(table[9].observed, Some(1.0));
/// ```
pub fn backtest_table(
    rows: &[BacktestRow],
    base_rate: f64,
    options: &PolicyOptions,
) -> Vec<ConfidenceBin> {
    confidence_table(&backtest_rows(rows, risk_threshold(base_rate, options)), 10)
}

/// Backtest rows rebuilt from a calibration table (a model card keeps its
/// backtests' bins, not their rows): each bin's days at the bin's mean predicted
/// probability, its events as the outcomes, completeness unknown and so 1.
pub fn rows_from_bins(bins: &[crate::model::evaluation::CalibrationBin]) -> Vec<BacktestRow> {
    bins.iter()
        .filter_map(|b| {
            let p = b.mean_predicted?;
            Some((0..b.rows).map(move |i| BacktestRow {
                probability: p,
                outcome: i < b.events,
                completeness: 1.0,
            }))
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_rebuilt_from_bins_keep_each_bins_days_events_and_mean() {
        use crate::model::evaluation::CalibrationBin;
        let bin = |rows, events, mean| CalibrationBin {
            from: 0.0,
            to: 0.1,
            rows,
            events,
            mean_predicted: mean,
            observed_rate: None,
        };
        let rows = rows_from_bins(&[bin(3, 1, Some(0.05)), bin(0, 0, None), bin(2, 2, Some(0.4))]);
        assert_eq!(rows.len(), 5);
        assert_eq!(rows.iter().filter(|r| r.outcome).count(), 3);
        assert_eq!(
            rows.iter().map(|r| r.probability).collect::<Vec<_>>(),
            [0.05, 0.05, 0.05, 0.4, 0.4]
        );
        assert!(rows.iter().all(|r| r.completeness == 1.0));
    }

    #[test]
    fn the_weighted_probability_is_one_half_at_the_threshold_and_monotone() {
        for t in [0.02, 0.1, 0.3] {
            assert!((branch_probability(t, Branch::Caution, t) - 0.5).abs() < 1e-12);
            let mut last = -1.0;
            for k in 0..=100 {
                let p = f64::from(k) / 100.0;
                let c = branch_probability(p, Branch::Caution, t);
                assert!(c >= last);
                assert!((c + branch_probability(p, Branch::Proceed, t) - 1.0).abs() < 1e-12);
                last = c;
            }
        }
    }

    #[test]
    fn backtest_rows_weigh_episodes_and_judge_the_branch() {
        let rows = backtest_rows(
            &[
                BacktestRow {
                    probability: 0.5,
                    outcome: true,
                    completeness: 1.0,
                },
                BacktestRow {
                    probability: 0.01,
                    outcome: true,
                    completeness: 0.5,
                },
            ],
            0.1,
        );
        assert!(rows[0].right && !rows[1].right);
        assert_eq!(rows[0].weight, 9.0);
        assert!(rows[1].confidence < 0.5);
    }
}

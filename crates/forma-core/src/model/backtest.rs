//! Backtests that count (DESIGN.md "Honest evaluation"): never random days.
//!
//! - **Forward in time** (rolling origin): the days of the positive rows are cut
//!   at their `k / (F + 1)` quantiles, k = 1..=F (by events, not rows, so each
//!   block holds about as many events). Fold k trains on every row before cut k,
//!   less the 7 days just before it (their targets read events past the cut),
//!   and tests on the rows from cut k to cut k + 1 (the last fold to the end).
//! - **Athletes held out**: athletes are shuffled (fixed seed) and dealt into F
//!   folds; each fold trains on the other athletes' rows, over all time, and
//!   tests on its own athletes.
//!
//! In every fold the models and baselines are fitted on the same training rows
//! ([`fit_models`]) and scored on the same test rows. Test predictions of all
//! folds are pooled per scheme, and the metrics of [`super::evaluation`] are
//! computed overall, per cohort (sex, sport, data completeness), and with
//! bootstrap intervals over athletes. ROC AUC and PR AUC rank rows by each
//! model's raw score (Platt scaling, with a positive slope, keeps the order);
//! the Brier score and calibration table use the calibrated probability.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::evaluation::{
    average_precision, brier, calibration_table, roc_auc, within_athlete_auc, AthleteResamples,
    CalibrationBin, Interval, Scored, SplitMix64,
};
use super::fit::{fit_models_within, ModelKind, TrainOptions};
use super::{Budget, Dataset, ModelError};
use crate::types::date_from_epoch_day;

pub use super::fit::Scorer;

/// The splitting scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// Rolling origin, forward in time.
    ForwardInTime,
    /// Whole athletes held out.
    AthletesHeldOut,
}

impl Scheme {
    /// The backtest's name in a sentence ("forward in time").
    pub fn label(self) -> &'static str {
        match self {
            Self::ForwardInTime => "forward in time",
            Self::AthletesHeldOut => "athletes held out",
        }
    }

    /// The backtest's name as a heading ("Forward in time").
    pub fn title(self) -> &'static str {
        match self {
            Self::ForwardInTime => "Forward in time",
            Self::AthletesHeldOut => "Athletes held out",
        }
    }
}

/// One fold's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldSummary {
    /// 1-based fold number.
    pub fold: usize,
    /// Training rows.
    pub train_rows: usize,
    /// Events among them.
    pub train_events: usize,
    /// Test rows.
    pub test_rows: usize,
    /// Events among them.
    pub test_events: usize,
    /// First test day.
    pub test_from: Option<jiff::civil::Date>,
    /// Last test day.
    pub test_to: Option<jiff::civil::Date>,
    /// Athletes in the test rows.
    pub test_athletes: usize,
    /// Platt slope of the logistic regression (a positive slope keeps the order).
    pub logistic_platt_slope: Option<f64>,
    /// Why the fold was skipped, when it was.
    pub skipped: Option<String>,
}

/// Metrics of one scorer on a set of test rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Rows.
    pub rows: usize,
    /// Events (positive rows).
    pub events: usize,
    /// Distinct athletes.
    pub athletes: usize,
    /// Event rate of the rows.
    pub base_rate: Option<f64>,
    /// Pooled ROC AUC.
    pub roc_auc: Option<f64>,
    /// Its 95% interval from resampling athletes.
    pub roc_auc_ci: Option<Interval>,
    /// Average precision.
    pub pr_auc: Option<f64>,
    /// Its 95% interval.
    pub pr_auc_ci: Option<Interval>,
    /// Brier score of the calibrated probability.
    pub brier: Option<f64>,
    /// Its 95% interval.
    pub brier_ci: Option<Interval>,
    /// AUC over pairs within the same athlete.
    pub within_athlete_auc: Option<f64>,
    /// Its 95% interval from resampling athletes.
    #[serde(default)]
    pub within_athlete_auc_ci: Option<Interval>,
    /// Athletes with both events and non-events (behind the within-athlete AUC).
    pub athletes_with_both: usize,
    /// Events of those athletes (the events behind the within-athlete AUC).
    #[serde(default)]
    pub within_athlete_events: usize,
    /// Ten-bin calibration table (empty for cohorts).
    pub calibration: Vec<CalibrationBin>,
}

/// Metrics of one cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortMetrics {
    /// `sex`, `sport`, `completeness` (of the athlete), `age_band`,
    /// `days_in_forma` or `injury_history` (of the day).
    pub dimension: String,
    /// The cohort's value, such as `unknown` or `high`.
    pub value: String,
    /// Metrics on its rows (no intervals or calibration table).
    pub metrics: Metrics,
}

/// One scorer's results in one scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorerResult {
    /// Which model or baseline.
    pub scorer: Scorer,
    /// Pooled over all folds.
    pub overall: Metrics,
    /// Per cohort.
    pub cohorts: Vec<CohortMetrics>,
}

/// One scheme's backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeResult {
    /// The scheme.
    pub scheme: Scheme,
    /// The folds.
    pub folds: Vec<FoldSummary>,
    /// Every scorer on the same test rows.
    pub scorers: Vec<ScorerResult>,
}

impl SchemeResult {
    /// The baseline that ranks risky days best, by ROC AUC, with that AUC: the
    /// bar a model must clear ([`crate::model::ModelCard::verdict`]) and the one
    /// the model registry lists beside each version.
    pub fn best_baseline(&self) -> Option<(f64, Scorer)> {
        self.scorers
            .iter()
            .filter(|s| s.scorer.is_baseline())
            .filter_map(|s| s.overall.roc_auc.map(|auc| (auc, s.scorer)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }
}

/// Both schemes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtests {
    /// Forward in time.
    pub forward_in_time: SchemeResult,
    /// Athletes held out.
    pub athletes_held_out: SchemeResult,
}

/// Runs both schemes on `data` within `budget`, checked inside each fold's
/// fits and between the metrics.
///
/// # Errors
/// [`ModelError::Cancelled`] or [`ModelError::OutOfTime`] when the budget
/// stops it.
pub fn run(
    data: &Dataset,
    options: &TrainOptions,
    budget: &Budget,
) -> Result<Backtests, ModelError> {
    Ok(Backtests {
        forward_in_time: run_scheme(data, options, Scheme::ForwardInTime, budget)?,
        athletes_held_out: run_scheme(data, options, Scheme::AthletesHeldOut, budget)?,
    })
}

/// The (train, test) row indices of each fold.
pub fn folds(
    data: &Dataset,
    options: &TrainOptions,
    scheme: Scheme,
) -> Vec<(Vec<usize>, Vec<usize>)> {
    let n = data.rows.len();
    match scheme {
        Scheme::ForwardInTime => {
            let f = options.forward_folds.max(1);
            // Cut by events, as `fit_models` does: every block holds about as
            // many positive rows, rather than as many rows.
            let mut days: Vec<i32> = data
                .rows
                .iter()
                .filter(|r| r.label)
                .map(|r| r.day)
                .collect();
            if days.is_empty() {
                days = data.rows.iter().map(|r| r.day).collect();
            }
            days.sort_unstable();
            if days.is_empty() {
                return Vec::new();
            }
            let mut cuts: Vec<i32> = (1..=f).map(|k| days[k * days.len() / (f + 1)]).collect();
            cuts.dedup();
            let purge = crate::targets::HORIZON_DAYS;
            (0..cuts.len())
                .map(|k| {
                    let (from, to) = (cuts[k], cuts.get(k + 1).copied().unwrap_or(i32::MAX));
                    let train = (0..n)
                        .filter(|i| data.rows[*i].day + purge < from)
                        .collect();
                    let test = (0..n)
                        .filter(|i| (from..to).contains(&data.rows[*i].day))
                        .collect();
                    (train, test)
                })
                .collect()
        }
        Scheme::AthletesHeldOut => {
            let f = options.athlete_folds.clamp(2, data.athletes.len().max(2));
            let mut order: Vec<usize> = (0..data.athletes.len()).collect();
            // Fisher–Yates with the fixed-seed generator.
            let mut rng = SplitMix64(options.seed);
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
            let mut fold_of = vec![0usize; order.len()];
            for (k, a) in order.iter().enumerate() {
                fold_of[*a] = k % f;
            }
            (0..f)
                .map(|k| {
                    let (test, train) = (0..n).partition(|i| fold_of[data.rows[*i].athlete] == k);
                    (train, test)
                })
                .collect()
        }
    }
}

fn run_scheme(
    data: &Dataset,
    options: &TrainOptions,
    scheme: Scheme,
    budget: &Budget,
) -> Result<SchemeResult, ModelError> {
    // Per scorer: (raw score, probability) rows pooled over folds; every scorer
    // scores the same rows, whose indices are kept once.
    let mut pooled: Vec<Vec<(Scored, f64)>> = vec![Vec::new(); Scorer::ALL.len()];
    let mut pooled_rows: Vec<usize> = Vec::new();
    let mut summaries = Vec::new();
    for (k, (train, test)) in folds(data, options, scheme).into_iter().enumerate() {
        let events = |idx: &[usize]| idx.iter().filter(|i| data.rows[**i].label).count();
        let days: Vec<i32> = test.iter().map(|i| data.rows[*i].day).collect();
        let mut athletes: Vec<usize> = test.iter().map(|i| data.rows[*i].athlete).collect();
        athletes.sort_unstable();
        athletes.dedup();
        let mut summary = FoldSummary {
            fold: k + 1,
            train_rows: train.len(),
            train_events: events(&train),
            test_rows: test.len(),
            test_events: events(&test),
            test_from: days.iter().min().map(|d| date_from_epoch_day(*d)),
            test_to: days.iter().max().map(|d| date_from_epoch_day(*d)),
            test_athletes: athletes.len(),
            logistic_platt_slope: None,
            skipped: None,
        };
        match fit_models_within(data, &train, options, budget) {
            Ok(models) => {
                summary.logistic_platt_slope = Some(models.logistic_platt.a);
                pooled_rows.extend_from_slice(&test);
                for (s, scorer) in Scorer::ALL.iter().enumerate() {
                    for i in &test {
                        let r = &data.rows[*i];
                        let raw = Scored {
                            athlete: r.athlete,
                            p: models.raw(*scorer, &r.features),
                            y: r.label,
                        };
                        pooled[s].push((raw, models.probability(*scorer, &r.features)));
                    }
                }
            }
            Err(stop @ (ModelError::Cancelled | ModelError::OutOfTime { .. })) => return Err(stop),
            Err(e) => summary.skipped = Some(e.to_string()),
        }
        summaries.push(summary);
    }
    // The bootstrap intervals walk every pooled row hundreds of times: on a
    // large data set each scorer's metrics take seconds.
    let scorers = Scorer::ALL
        .iter()
        .zip(&pooled)
        .map(|(scorer, rows)| {
            budget.check()?;
            let overall = metrics(rows, options, true);
            budget.check()?;
            Ok(ScorerResult {
                scorer: *scorer,
                overall,
                cohorts: cohorts(data, rows, &pooled_rows, options),
            })
        })
        .collect::<Result<_, ModelError>>()?;
    Ok(SchemeResult {
        scheme,
        folds: summaries,
        scorers,
    })
}

/// The age band of a birth year on a decision day (`unknown` without one).
pub fn age_band(birth_year: Option<i32>, day: i32) -> &'static str {
    let Some(born) = birth_year else {
        return "unknown";
    };
    match i32::from(date_from_epoch_day(day).year()) - born {
        ..20 => "under 20",
        20..=24 => "20-24",
        25..=29 => "25-29",
        30..=34 => "30-34",
        _ => "35 and over",
    }
}

/// The band of an athlete's days in Forma on a decision day.
pub fn days_in_forma_band(features: &[f64]) -> &'static str {
    let days = crate::features::value_index("days_in_forma")
        .and_then(|k| features.get(k))
        .copied()
        .unwrap_or(f64::NAN);
    if days.is_nan() {
        "unknown"
    } else if days < 90.0 {
        "under 90 days"
    } else if days < 180.0 {
        "90-179 days"
    } else if days < 365.0 {
        "180-364 days"
    } else {
        "a year or more"
    }
}

/// The injury history of a decision day: earlier episodes, as the "history
/// only" baseline groups them.
pub fn injury_history(features: &[f64]) -> &'static str {
    match super::fit::history_group(features) {
        0 => "none",
        1 => "one earlier episode",
        _ => "two or more",
    }
}

/// The cohort of pooled row `k` (data row `row`) in each dimension.
type CohortOf = fn(&Dataset, usize) -> &str;

const COHORTS: [(&str, CohortOf); 6] = [
    ("sex", |d, r| &d.athletes[d.rows[r].athlete].sex),
    ("sport", |d, r| &d.athletes[d.rows[r].athlete].sport),
    ("completeness", |d, r| {
        &d.athletes[d.rows[r].athlete].completeness
    }),
    ("age_band", |d, r| {
        age_band(d.athletes[d.rows[r].athlete].birth_year, d.rows[r].day)
    }),
    ("days_in_forma", |d, r| {
        days_in_forma_band(&d.rows[r].features)
    }),
    ("injury_history", |d, r| injury_history(&d.rows[r].features)),
];

fn cohorts(
    data: &Dataset,
    rows: &[(Scored, f64)],
    row_of: &[usize],
    options: &TrainOptions,
) -> Vec<CohortMetrics> {
    let mut out = Vec::new();
    if rows.len() != row_of.len() {
        return out;
    }
    for (dimension, value_of) in COHORTS {
        let mut values: Vec<&str> = row_of.iter().map(|r| value_of(data, *r)).collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            let subset: Vec<(Scored, f64)> = rows
                .iter()
                .zip(row_of)
                .filter(|(_, r)| value_of(data, **r) == value)
                .map(|(x, _)| *x)
                .collect();
            out.push(CohortMetrics {
                dimension: dimension.to_owned(),
                value: value.to_owned(),
                metrics: metrics(&subset, options, false),
            });
        }
    }
    out
}

/// Metrics of pooled (raw score, probability) rows.
fn metrics(rows: &[(Scored, f64)], options: &TrainOptions, full: bool) -> Metrics {
    let raw: Vec<f64> = rows.iter().map(|(r, _)| r.p).collect();
    let p: Vec<f64> = rows.iter().map(|(_, p)| *p).collect();
    let y: Vec<bool> = rows.iter().map(|(r, _)| r.y).collect();
    let events = y.iter().filter(|v| **v).count();
    // Per athlete: (has an event, has a non-event).
    let mut seen: BTreeMap<usize, (bool, bool)> = BTreeMap::new();
    for (r, _) in rows {
        let e = seen.entry(r.athlete).or_default();
        e.0 |= r.y;
        e.1 |= !r.y;
    }
    let athletes_with_both = seen.values().filter(|(pos, neg)| *pos && *neg).count();
    let within_athlete_events = rows
        .iter()
        .filter(|(r, _)| r.y && seen.get(&r.athlete).is_some_and(|(_, neg)| *neg))
        .count();
    let raw_scored: Vec<Scored> = rows.iter().map(|(r, _)| *r).collect();
    let prob_scored: Vec<Scored> = rows.iter().map(|(r, p)| Scored { p: *p, ..*r }).collect();
    // The same resamples for every interval, drawn once (see `AthleteResamples`).
    let resamples =
        full.then(|| AthleteResamples::draw(&raw_scored, options.bootstrap, options.seed));
    let resamples = resamples.as_ref();
    Metrics {
        rows: rows.len(),
        events,
        athletes: seen.len(),
        base_rate: (!rows.is_empty()).then(|| events as f64 / rows.len() as f64),
        roc_auc: roc_auc(&raw, &y),
        roc_auc_ci: resamples.and_then(|b| b.roc_auc(&raw_scored)),
        pr_auc: average_precision(&raw, &y),
        pr_auc_ci: resamples.and_then(|b| b.average_precision(&raw_scored)),
        brier: brier(&p, &y),
        brier_ci: resamples.and_then(|b| b.brier(&prob_scored)),
        within_athlete_auc: within_athlete_auc(&raw_scored),
        within_athlete_auc_ci: resamples.and_then(|b| b.within_athlete_auc(&raw_scored)),
        athletes_with_both,
        within_athlete_events,
        calibration: if full {
            calibration_table(&p, &y)
        } else {
            Vec::new()
        },
    }
}

/// Which model scores, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryChoice {
    /// The model [`ModelArtifact::score`] uses.
    pub model: ModelKind,
    /// Each model's pooled ROC AUC forward in time, the figure the choice reads.
    pub forward_roc_auc: Vec<(ModelKind, Option<f64>)>,
    /// Why, in one sentence.
    pub reason: String,
}

/// The primary model: `fixed` when given, else the model with the highest
/// pooled ROC AUC forward in time (the scheme that asks what a deployed model
/// does: trained on the past, judged on what came after), ties going to the
/// simpler model (logistic regression, then the forest). Without any forward
/// figure (too few events in time), the athletes-held-out figure decides; with
/// neither, the logistic regression.
pub fn choose_primary(backtests: &Backtests, fixed: Option<ModelKind>) -> PrimaryChoice {
    let auc = |scheme: &SchemeResult, kind: ModelKind| {
        scheme
            .scorers
            .iter()
            .find(|r| r.scorer == kind.scorer())
            .and_then(|r| r.overall.roc_auc)
    };
    let forward: Vec<(ModelKind, Option<f64>)> = ModelKind::ALL
        .iter()
        .map(|k| (*k, auc(&backtests.forward_in_time, *k)))
        .collect();
    let figures = |list: &[(ModelKind, Option<f64>)]| {
        list.iter()
            .map(|(k, a)| {
                format!(
                    "{} {}",
                    k.label(),
                    a.map_or_else(|| "n/a".to_owned(), |a| format!("{a:.3}"))
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(model) = fixed {
        return PrimaryChoice {
            model,
            reason: format!(
                "The {} was set in the training options (forward-in-time ROC AUC: {}).",
                model.label(),
                figures(&forward)
            ),
            forward_roc_auc: forward,
        };
    }
    let best = |list: &[(ModelKind, Option<f64>)]| {
        let mut best: Option<(ModelKind, f64)> = None;
        for (k, a) in list {
            if let Some(a) = a {
                if best.is_none_or(|(_, b)| *a > b) {
                    best = Some((*k, *a));
                }
            }
        }
        best
    };
    if let Some((model, _)) = best(&forward) {
        return PrimaryChoice {
            model,
            reason: format!(
                "The {} ranks days best forward in time, trained on the past and judged on what came after (pooled ROC AUC: {}); ties go to the simpler model.",
                model.label(),
                figures(&forward)
            ),
            forward_roc_auc: forward,
        };
    }
    let held_out: Vec<(ModelKind, Option<f64>)> = ModelKind::ALL
        .iter()
        .map(|k| (*k, auc(&backtests.athletes_held_out, *k)))
        .collect();
    match best(&held_out) {
        Some((model, _)) => PrimaryChoice {
            model,
            reason: format!(
                "No forward-in-time fold could be scored; the {} ranks best on athletes held out (pooled ROC AUC: {}).",
                model.label(),
                figures(&held_out)
            ),
            forward_roc_auc: forward,
        },
        None => PrimaryChoice {
            model: ModelKind::Logistic,
            reason: "No backtest could be scored; the logistic regression, the simplest model, scores.".to_owned(),
            forward_roc_auc: forward,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(scorer: Scorer, roc_auc: Option<f64>) -> ScorerResult {
        ScorerResult {
            scorer,
            overall: Metrics {
                rows: 100,
                events: 10,
                athletes: 5,
                base_rate: Some(0.1),
                roc_auc,
                roc_auc_ci: None,
                pr_auc: None,
                pr_auc_ci: None,
                brier: None,
                brier_ci: None,
                within_athlete_auc: None,
                within_athlete_auc_ci: None,
                athletes_with_both: 0,
                within_athlete_events: 0,
                calibration: Vec::new(),
            },
            cohorts: Vec::new(),
        }
    }

    #[test]
    fn the_best_baseline_is_the_baseline_with_the_highest_roc_auc_never_a_model() {
        let scheme = SchemeResult {
            scheme: Scheme::ForwardInTime,
            folds: Vec::new(),
            scorers: vec![
                scored(Scorer::Forest, Some(0.9)),
                scored(Scorer::BaseRate, Some(0.5)),
                scored(Scorer::RatioRule, Some(0.61)),
                scored(Scorer::AcuteLoad, None),
            ],
        };
        assert_eq!(scheme.best_baseline(), Some((0.61, Scorer::RatioRule)));
        let models_only = SchemeResult {
            scorers: vec![scored(Scorer::Logistic, Some(0.7))],
            ..scheme
        };
        assert_eq!(models_only.best_baseline(), None);
    }
}

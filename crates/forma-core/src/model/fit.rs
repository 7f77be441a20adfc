//! The models and their fits, before any backtest or card.
//!
//! Fitting ([`fit_models`]) on a set of training rows:
//! 1. On every row: imputation means and SDs ([`Standardiser`]), a logistic
//!    regression on all features and the baseline logistic regression on acute
//!    load alone (positives counted several times for balance, see
//!    [`crate::model`]), a small forest (on at most
//!    [`ForestOptions::max_negatives`] negatives, positives repeated), and the
//!    gradient-boosted trees ([`super::boosted`]). With a few dozen episodes,
//!    no event is held back from the models that rank.
//! 2. Calibration on scores the models did not see: the athletes of the rows
//!    are dealt into [`TrainOptions::calibration_folds`] groups (fixed seed);
//!    each group's rows are scored by every model refitted on the other
//!    groups, and each model's Platt scaling is fitted on those out-of-athlete
//!    scores (as scikit-learn's `CalibratedClassifierCV` does with
//!    `ensemble=False`, grouped by athlete so an athlete's neighbouring days
//!    are never on both sides). A group whose other groups hold no event is
//!    left out of the calibration.
//! 3. Baselines needing no fit: the base rate of all training rows, the
//!    coupled-ratio rule (ACWR > 1.5) and "history only" (the athlete's
//!    earlier episodes: none, one, two or more), each turned into a
//!    probability by the event rate of the training rows in its group.
//!
//!
//! Determinism: no clock, no thread, seeds fixed, rows in a fixed order.

use serde::{Deserialize, Serialize};

use super::boosted::{BoostOptions, BoostedTrees};
use super::calibration::Platt;
use super::evaluation::SplitMix64;
use super::forest::{CompactForest, ForestOptions};
use super::logistic::{LogisticFit, LogisticModel, Standardiser};
use super::{Budget, Dataset, ModelError};
use crate::features::{value_index, VALUE_FEATURE_COUNT};
use crate::types::date_from_epoch_day;

/// Every model and baseline: what the backtests compare and the fits score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scorer {
    /// Logistic regression on all features.
    Logistic,
    /// The small random forest.
    Forest,
    /// Gradient-boosted trees.
    Boosted,
    /// Baseline: the training event rate for everyone.
    BaseRate,
    /// Baseline: coupled ACWR above 1.5.
    RatioRule,
    /// Baseline: logistic regression on acute load alone.
    AcuteLoad,
    /// Baseline: the athlete's earlier episodes alone (none, one, two or more),
    /// what a coach remembers without a model.
    HistoryOnly,
}

impl Scorer {
    /// Every scorer, models first.
    pub const ALL: [Self; 7] = [
        Self::Logistic,
        Self::Forest,
        Self::Boosted,
        Self::BaseRate,
        Self::RatioRule,
        Self::AcuteLoad,
        Self::HistoryOnly,
    ];

    /// The baselines, in the card's order.
    pub const BASELINES: [Self; 4] = [
        Self::BaseRate,
        Self::RatioRule,
        Self::AcuteLoad,
        Self::HistoryOnly,
    ];

    /// Whether this is a baseline.
    pub fn is_baseline(self) -> bool {
        Self::BASELINES.contains(&self)
    }

    /// A name for tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Logistic => "logistic regression",
            Self::Forest => "random forest",
            Self::Boosted => "gradient-boosted trees",
            Self::BaseRate => "base rate",
            Self::RatioRule => "ACWR > 1.5 rule",
            Self::AcuteLoad => "acute load alone (LR)",
            Self::HistoryOnly => "history only (earlier episodes)",
        }
    }
}

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// L2 penalty `lambda` of the logistic regressions on the mean loss
    /// ([`super::logistic`]; scikit-learn's `1 / (C n)`).
    #[serde(with = "super::exact")]
    pub alpha: f64,
    /// Forest settings.
    pub forest: ForestOptions,
    /// Gradient-boosted trees' settings.
    pub boost: BoostOptions,
    /// Groups of athletes whose out-of-group scores calibrate each model.
    pub calibration_folds: usize,
    /// Most copies of a positive row when balancing.
    pub max_positive_copies: usize,
    /// Most L-BFGS iterations of each logistic regression (`None`, in artifacts
    /// trained before this setting existed: smartcore's 1,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logistic_max_iterations: Option<usize>,
    /// Rolling-origin folds forward in time.
    pub forward_folds: usize,
    /// Folds of athletes held out.
    pub athlete_folds: usize,
    /// Bootstrap resamples of athletes for the intervals.
    pub bootstrap: usize,
    /// Seed of the athlete folds and the bootstrap.
    pub seed: u64,
    /// Which model [`super::ModelArtifact::score`] uses; `None`: the one the forward-
    /// in-time backtest ranks first ([`super::backtest::choose_primary`]).
    pub primary: Option<ModelKind>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            alpha: super::logistic::DEFAULT_PENALTY,
            forest: ForestOptions::default(),
            boost: BoostOptions::default(),
            calibration_folds: 4,
            max_positive_copies: 50,
            logistic_max_iterations: Some(super::logistic::DEFAULT_MAX_ITERATIONS),
            forward_folds: 3,
            athlete_folds: 4,
            bootstrap: 200,
            seed: 7,
            primary: None,
        }
    }
}

/// The learned models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Logistic regression on all features.
    Logistic,
    /// The small random forest.
    Forest,
    /// Gradient-boosted trees.
    Boosted,
}

impl ModelKind {
    /// Every model, simplest first (the order ties are broken in).
    pub const ALL: [Self; 3] = [Self::Logistic, Self::Forest, Self::Boosted];

    /// The backtests' scorer of this model.
    pub fn scorer(self) -> Scorer {
        match self {
            Self::Logistic => Scorer::Logistic,
            Self::Forest => Scorer::Forest,
            Self::Boosted => Scorer::Boosted,
        }
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        self.scorer().label()
    }
}

/// The days a model was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingWindow {
    /// First decision day of the training rows.
    pub first_day: jiff::civil::Date,
    /// Last decision day of the training rows.
    pub last_day: jiff::civil::Date,
    /// Rows the models were fitted on (every training row).
    pub fit_rows: usize,
    /// Events among them.
    pub fit_events: usize,
    /// Rows with an out-of-athlete score behind the calibration.
    pub calibration_rows: usize,
    /// Events among them.
    pub calibration_events: usize,
    /// Groups of athletes the calibration scores came from.
    #[serde(default)]
    pub calibration_folds: usize,
}

/// Every model and baseline fitted on one set of training rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedModels {
    /// Imputation and standardisation.
    pub standardiser: Standardiser,
    /// Logistic regression on all features.
    pub logistic: LogisticModel,
    /// Its Platt scaling.
    pub logistic_platt: Platt,
    /// The forest.
    pub forest: CompactForest,
    /// Its Platt scaling (of the logit of the forest's score).
    pub forest_platt: Platt,
    /// The gradient-boosted trees.
    pub boosted: BoostedTrees,
    /// Their Platt scaling (of the boosted log-odds).
    pub boosted_platt: Platt,
    /// Baseline: logistic regression on acute load (and its indicator).
    pub acute_only: LogisticModel,
    /// Its Platt scaling.
    pub acute_only_platt: Platt,
    /// Baseline: the training rows' event rate.
    #[serde(with = "super::exact")]
    pub base_rate: f64,
    /// Baseline: event rate of training rows with coupled ACWR > 1.5.
    #[serde(with = "super::exact")]
    pub rule_rate_above: f64,
    /// ... and at or below 1.5 or undefined.
    #[serde(with = "super::exact")]
    pub rule_rate_other: f64,
    /// Baseline "history only": event rate of training rows by the athlete's
    /// earlier episodes (none, one, two or more).
    #[serde(with = "super::exact_vec")]
    pub history_rates: Vec<f64>,
    /// The days behind the fit.
    pub window: TrainingWindow,
}

/// Logit of a forest score, kept finite.
fn forest_logit(s: f64) -> f64 {
    let s = s.clamp(1e-3, 1.0 - 1e-3);
    libm::log(s / (1.0 - s))
}

/// The coupled-ratio rule: ACWR above 1.5 (Gabbett 2016's "danger zone").
pub fn ratio_rule(features: &[f64]) -> bool {
    value_index("acwr_coupled")
        .and_then(|i| features.get(i))
        .is_some_and(|r| *r > 1.5)
}

/// The "history only" baseline's group of a row: the athlete's episodes that
/// started before the day, as none (0), one (1), two or more (2). What a coach
/// remembers without any model.
pub fn history_group(features: &[f64]) -> usize {
    value_index("prior_episodes")
        .and_then(|i| features.get(i))
        .filter(|v| !v.is_nan())
        .map_or(0, |v| (*v).clamp(0.0, 2.0) as usize)
}

/// Groups of [`history_group`].
pub const HISTORY_GROUPS: usize = 3;

impl FittedModels {
    /// Raw score of a model or baseline (rank order), by [`Scorer`].
    pub fn raw(&self, scorer: Scorer, x: &[f64]) -> f64 {
        match scorer {
            Scorer::Logistic => self.logistic.decision(&self.standardiser, x),
            Scorer::Forest => forest_logit(self.forest.score(&self.standardiser, x)),
            Scorer::Boosted => self.boosted.decision(&self.standardiser, x),
            Scorer::AcuteLoad => self.acute_only.decision(&self.standardiser, x),
            Scorer::BaseRate => 0.0,
            Scorer::RatioRule => f64::from(u8::from(ratio_rule(x))),
            Scorer::HistoryOnly => history_group(x) as f64,
        }
    }

    /// Each forest tree's score put through the forest's calibration: a spread of
    /// probabilities for `x` whose percentiles give an uncertainty band.
    pub fn forest_tree_probabilities(&self, x: &[f64]) -> Vec<f64> {
        self.forest
            .tree_scores(&self.standardiser, x)
            .into_iter()
            .map(|s| self.forest_platt.apply(forest_logit(s)))
            .collect()
    }

    /// Calibrated probability of a model or baseline.
    pub fn probability(&self, scorer: Scorer, x: &[f64]) -> f64 {
        let f = self.raw(scorer, x);
        match scorer {
            Scorer::Logistic => self.logistic_platt.apply(f),
            Scorer::Forest => self.forest_platt.apply(f),
            Scorer::Boosted => self.boosted_platt.apply(f),
            Scorer::AcuteLoad => self.acute_only_platt.apply(f),
            Scorer::BaseRate => self.base_rate,
            Scorer::RatioRule if f > 0.5 => self.rule_rate_above,
            Scorer::RatioRule => self.rule_rate_other,
            Scorer::HistoryOnly => self
                .history_rates
                .get(history_group(x))
                .copied()
                .unwrap_or(self.base_rate),
        }
    }
}

/// smartcore's own iteration budget, for artifacts whose options predate
/// [`TrainOptions::logistic_max_iterations`].
const SMARTCORE_MAX_ITERATIONS: usize = 1_000;

/// Which rows of `fit` the forest is fitted on: every positive, and every
/// negative, or when there are more than [`ForestOptions::max_negatives`], that
/// many chosen by a hash of (seed, athlete, day), so a row is in or out whatever
/// fold it appears in and whatever the row order. Returns one flag per row of
/// `fit` and the number of negatives kept.
///
/// A depth-4 forest with leaves of at least 20 rows learns about as much from
/// 10,000 negatives as from 100,000, while smartcore sorts every column of
/// every row for each tree: the sample is where the time goes.
fn forest_sample(data: &Dataset, fit: &[usize], options: &TrainOptions) -> (Vec<bool>, usize) {
    let negatives: Vec<usize> = (0..fit.len())
        .filter(|k| !data.rows[fit[*k]].label)
        .collect();
    let mut keep: Vec<bool> = vec![true; fit.len()];
    let cap = options.forest.max_negatives.unwrap_or(usize::MAX);
    if negatives.len() <= cap {
        return (keep, negatives.len());
    }
    let key = |k: usize| {
        let r = &data.rows[fit[k]];
        let athlete = r.athlete as u64;
        let day = u64::from(r.day as u32);
        SplitMix64(options.forest.seed ^ (athlete << 32) ^ day).next_u64()
    };
    // Ties of the 64-bit key are broken by position, so the choice is exact.
    let mut keyed: Vec<(u64, usize)> = negatives.iter().map(|k| (key(*k), *k)).collect();
    keyed.select_nth_unstable(cap);
    for (_, k) in &keyed[cap..] {
        keep[*k] = false;
    }
    (keep, cap)
}

/// The models that rank, fitted on one set of rows, before calibration.
struct Ranking {
    standardiser: Standardiser,
    logistic: LogisticModel,
    acute_only: LogisticModel,
    forest: CompactForest,
    boosted: BoostedTrees,
}

impl Ranking {
    /// Raw scores of (logistic, forest, boosted, acute load) for `x`.
    fn raw(&self, x: &[f64]) -> [f64; 4] {
        let s = &self.standardiser;
        [
            self.logistic.decision(s, x),
            forest_logit(self.forest.score(s, x)),
            self.boosted.decision(s, x),
            self.acute_only.decision(s, x),
        ]
    }
}

/// Fits the models that rank on `fit` (indices into `data.rows`), checking
/// `budget` before each model and inside the long ones.
fn fit_ranking(
    data: &Dataset,
    fit: &[usize],
    options: &TrainOptions,
    budget: &Budget,
) -> Result<Ranking, ModelError> {
    budget.check()?;
    let events = fit.iter().filter(|i| data.rows[**i].label).count();
    if events == 0 || events == fit.len() {
        return Err(ModelError::NotEnoughData(format!(
            "{} training rows with {events} events",
            fit.len()
        )));
    }
    let fit_rows: Vec<&[f64]> = fit
        .iter()
        .map(|i| data.rows[*i].features.as_slice())
        .collect();
    let standardiser = Standardiser::fit(&fit_rows, data.schema.len());

    // Balance: each positive counts round(neg / pos) times.
    let copies = |negatives: usize| {
        ((negatives as f64 / events as f64).round() as usize)
            .clamp(1, options.max_positive_copies.max(1))
    };
    let fit_y: Vec<bool> = fit.iter().map(|i| data.rows[*i].label).collect();
    let lr_copies = copies(fit.len() - events);
    let counts: Vec<usize> = fit_y
        .iter()
        .map(|y| if *y { lr_copies } else { 1 })
        .collect();
    let how = LogisticFit {
        alpha: options.alpha,
        max_iterations: options
            .logistic_max_iterations
            .unwrap_or(SMARTCORE_MAX_ITERATIONS),
        ..LogisticFit::default()
    };
    let all_columns: Vec<usize> = (0..data.schema.len()).collect();
    let logistic = LogisticModel::fit_counted(
        &fit_rows,
        &fit_y,
        &counts,
        all_columns,
        &standardiser,
        &how,
        budget,
    )?;
    let acute = value_index("acute_load").unwrap_or(0);
    let acute_only = LogisticModel::fit_counted(
        &fit_rows,
        &fit_y,
        &counts,
        vec![acute, VALUE_FEATURE_COUNT + acute],
        &standardiser,
        &how,
        budget,
    )?;
    budget.check()?;
    // The forest takes no counts: positives are repeated, on at most
    // `max_negatives` negatives (see `forest_sample`).
    let (keep, negatives) = forest_sample(data, fit, options);
    let forest_copies = copies(negatives);
    let mut balanced: Vec<&[f64]> = Vec::with_capacity(negatives + events * forest_copies);
    let mut y = Vec::with_capacity(balanced.capacity());
    for (i, keep) in fit.iter().zip(keep) {
        let r = &data.rows[*i];
        let n = match (keep, r.label) {
            (false, _) => 0,
            (true, true) => forest_copies,
            (true, false) => 1,
        };
        for _ in 0..n {
            balanced.push(&r.features);
            y.push(r.label);
        }
    }
    let forest = CompactForest::fit(&balanced, &y, &standardiser, &options.forest)?;
    budget.check()?;
    // Boosting reads every row once: it needs no balance for a ranking, and
    // Platt scaling sets the level.
    let keys: Vec<u64> = fit
        .iter()
        .map(|i| {
            let r = &data.rows[*i];
            ((r.athlete as u64) << 32) ^ u64::from(r.day as u32)
        })
        .collect();
    let boosted = BoostedTrees::fit(
        &fit_rows,
        &fit_y,
        &keys,
        &standardiser,
        &options.boost,
        budget,
    )?;
    Ok(Ranking {
        standardiser,
        logistic,
        acute_only,
        forest,
        boosted,
    })
}

/// The calibration group of each athlete: athletes shuffled with the fixed
/// seed and dealt into `folds` groups.
fn calibration_groups(athletes: usize, folds: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..athletes).collect();
    let mut rng = SplitMix64(seed ^ 0xca11_b4a7);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut group = vec![0usize; athletes];
    for (k, a) in order.iter().enumerate() {
        group[*a] = k % folds.max(1);
    }
    group
}

/// Fits every model and baseline on `rows` (indices into `data.rows`).
///
/// # Errors
/// [`ModelError::NotEnoughData`] when the rows are empty or lack events or
/// non-events; [`ModelError::Fit`] from smartcore.
pub fn fit_models(
    data: &Dataset,
    rows: &[usize],
    options: &TrainOptions,
) -> Result<FittedModels, ModelError> {
    fit_models_within(data, rows, options, &Budget::unlimited())
}

/// [`fit_models`], checking `budget` between and inside the fits.
///
/// # Errors
/// As [`fit_models`]; [`ModelError::Cancelled`] or [`ModelError::OutOfTime`]
/// when the budget stops it.
pub fn fit_models_within(
    data: &Dataset,
    rows: &[usize],
    options: &TrainOptions,
    budget: &Budget,
) -> Result<FittedModels, ModelError> {
    let (Some(first), Some(last)) = (
        rows.iter().map(|i| data.rows[*i].day).min(),
        rows.iter().map(|i| data.rows[*i].day).max(),
    ) else {
        return Err(ModelError::NotEnoughData("no training rows".into()));
    };
    let ranking = fit_ranking(data, rows, options, budget)?;

    // Out-of-athlete scores for the calibration.
    let folds = options.calibration_folds.max(2);
    let group = calibration_groups(data.athletes.len(), folds, options.seed);
    let mut scored: Vec<([f64; 4], bool)> = Vec::new();
    for k in 0..folds {
        let (held, others): (Vec<usize>, Vec<usize>) = rows
            .iter()
            .partition(|i| group[data.rows[**i].athlete] == k);
        if held.is_empty() {
            continue;
        }
        // A group whose others hold no event (or only events) cannot be scored.
        let model = match fit_ranking(data, &others, options, budget) {
            Ok(model) => model,
            Err(stop @ (ModelError::Cancelled | ModelError::OutOfTime { .. })) => return Err(stop),
            Err(_) => continue,
        };
        for i in &held {
            let r = &data.rows[*i];
            scored.push((model.raw(&r.features), r.label));
        }
    }
    let calibration_events = scored.iter().filter(|(_, y)| *y).count();
    if scored.is_empty() || calibration_events == 0 {
        return Err(ModelError::NotEnoughData(format!(
            "no out-of-athlete scores with an event to calibrate on ({} rows scored); events of at least two athletes are needed",
            scored.len()
        )));
    }
    let calib_y: Vec<bool> = scored.iter().map(|(_, y)| *y).collect();
    let platt = |m: usize| {
        let f: Vec<f64> = scored.iter().map(|(raw, _)| raw[m]).collect();
        Platt::fit(&f, &calib_y)
    };

    let rate = |pred: &dyn Fn(&super::Row) -> bool| {
        let (mut n, mut e) = (0usize, 0usize);
        for i in rows {
            let r = &data.rows[*i];
            if pred(r) {
                n += 1;
                e += usize::from(r.label);
            }
        }
        // Laplace-smoothed, so an empty side is not certain.
        (e as f64 + 0.5) / (n as f64 + 1.0)
    };
    let events = rows.iter().filter(|i| data.rows[**i].label).count();
    Ok(FittedModels {
        logistic_platt: platt(0),
        forest_platt: platt(1),
        boosted_platt: platt(2),
        acute_only_platt: platt(3),
        standardiser: ranking.standardiser,
        logistic: ranking.logistic,
        forest: ranking.forest,
        boosted: ranking.boosted,
        acute_only: ranking.acute_only,
        base_rate: events as f64 / rows.len() as f64,
        rule_rate_above: rate(&|r| ratio_rule(&r.features)),
        rule_rate_other: rate(&|r| !ratio_rule(&r.features)),
        history_rates: (0..HISTORY_GROUPS)
            .map(|g| rate(&|r| history_group(&r.features) == g))
            .collect(),
        window: TrainingWindow {
            first_day: date_from_epoch_day(first),
            last_day: date_from_epoch_day(last),
            fit_rows: rows.len(),
            fit_events: events,
            calibration_rows: scored.len(),
            calibration_events,
            calibration_folds: folds,
        },
    })
}

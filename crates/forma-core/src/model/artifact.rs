//! The model artifact: everything needed to score, and to know what is being
//! scored, in one serde value small enough for the browser.
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
//! Determinism: no clock, no thread, seeds fixed, rows in a fixed order, so two
//! trainings on the same data give the same bytes. The version id is FNV-1a 64
//! over the JSON of what scores (schema, data fingerprint, options, fitted
//! models; not the creation time or the card), so the same model always has the
//! same id. Model parameters are written as exact decimal strings
//! (`crate::model::exact`), so any JSON reader gives back the same bits.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::backtest;
use super::boosted::{BoostOptions, BoostedTrees};
use super::calibration::Platt;
use super::card::ModelCard;
use super::evaluation::SplitMix64;
use super::forest::{CompactForest, ForestOptions};
use super::logistic::{LogisticFit, LogisticModel, Standardiser};
use super::{Budget, Dataset, ModelError, Probability};
use crate::features::{value_index, AthleteFeatures, FeatureSchema, Fnv1a, VALUE_FEATURE_COUNT};
use crate::types::date_from_epoch_day;

/// The artifact layout's version.
pub const FORMAT_VERSION: u32 = 2;

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
    /// Which model [`ModelArtifact::score`] uses; `None`: the one the forward-
    /// in-time backtest ranks first ([`choose_primary`]).
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
    pub fn scorer(self) -> backtest::Scorer {
        match self {
            Self::Logistic => backtest::Scorer::Logistic,
            Self::Forest => backtest::Scorer::Forest,
            Self::Boosted => backtest::Scorer::Boosted,
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
    /// Raw score of a model or baseline (rank order), by [`backtest::Scorer`].
    pub fn raw(&self, scorer: backtest::Scorer, x: &[f64]) -> f64 {
        use backtest::Scorer;
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
    pub fn probability(&self, scorer: backtest::Scorer, x: &[f64]) -> f64 {
        use backtest::Scorer;
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

/// A trained model, ready to store and to score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelArtifact {
    /// Layout version of this value ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// FNV-1a 64 of the content (see the module docs), prefixed `m-`.
    pub version_id: String,
    /// When it was trained (given by the caller, not read from a clock).
    pub created_at: Timestamp,
    /// The feature layout, with its hash.
    pub schema: FeatureSchema,
    /// Fingerprint of the training rows ([`Dataset::fingerprint`]).
    pub training_data_fingerprint: String,
    /// Which model [`ModelArtifact::score`] uses.
    pub primary: ModelKind,
    /// The settings it was trained with.
    pub options: TrainOptions,
    /// The fitted models (training window included).
    pub models: FittedModels,
    /// Backtests against the baselines, in words and numbers.
    pub card: ModelCard,
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
pub fn choose_primary(backtests: &backtest::Backtests, fixed: Option<ModelKind>) -> PrimaryChoice {
    let auc = |scheme: &backtest::SchemeResult, kind: ModelKind| {
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

/// Backtests on `data`, then fits the final models on every row.
///
/// # Errors
/// [`ModelError::NotEnoughData`] when the rows cannot carry a model.
pub fn train(
    data: &Dataset,
    options: &TrainOptions,
    created_at: Timestamp,
) -> Result<ModelArtifact, ModelError> {
    train_within(data, options, created_at, &Budget::unlimited())
}

/// [`train`] within `budget`, checked between and inside the fits, between
/// folds and between the backtests' metrics ([`super::budget`]); a budget that
/// does not run out gives the same artifact as [`train`].
///
/// # Errors
/// As [`train`]; [`ModelError::Cancelled`] or [`ModelError::OutOfTime`] when
/// the budget stops it, with nothing half-made returned.
pub fn train_within(
    data: &Dataset,
    options: &TrainOptions,
    created_at: Timestamp,
    budget: &Budget,
) -> Result<ModelArtifact, ModelError> {
    let all: Vec<usize> = (0..data.rows.len()).collect();
    let models = fit_models_within(data, &all, options, budget)?;
    let backtests = backtest::run(data, options, budget)?;
    let choice = choose_primary(&backtests, options.primary);
    let primary = choice.model;
    let card = ModelCard::new(data, &backtests, choice, &models.window);
    let mut artifact = ModelArtifact {
        format_version: FORMAT_VERSION,
        version_id: String::new(),
        created_at,
        schema: data.schema.clone(),
        training_data_fingerprint: data.fingerprint(),
        primary,
        options: *options,
        models,
        card,
    };
    artifact.version_id = artifact.content_id()?;
    Ok(artifact)
}

impl ModelArtifact {
    /// The id the content implies: FNV-1a 64 of the JSON of everything that
    /// scores (layout, schema, data fingerprint, options, fitted models), whose
    /// numbers are all written exactly; not the creation time, not the card.
    fn content_id(&self) -> Result<String, ModelError> {
        #[derive(Serialize)]
        struct Content<'a> {
            format_version: u32,
            schema: &'a FeatureSchema,
            training_data_fingerprint: &'a str,
            primary: ModelKind,
            options: &'a TrainOptions,
            models: &'a FittedModels,
        }
        let content = Content {
            format_version: self.format_version,
            schema: &self.schema,
            training_data_fingerprint: &self.training_data_fingerprint,
            primary: self.primary,
            options: &self.options,
            models: &self.models,
        };
        let json = serde_json::to_vec(&content).map_err(|e| ModelError::Artifact(e.to_string()))?;
        let mut h = Fnv1a::default();
        h.write(&json);
        Ok(format!("m-{}", h.hex()))
    }

    /// The artifact as JSON.
    ///
    /// # Errors
    /// Only if a number cannot be written (never for a trained artifact).
    pub fn to_json(&self) -> Result<String, ModelError> {
        serde_json::to_string(self).map_err(|e| ModelError::Artifact(e.to_string()))
    }

    /// Reads an artifact and checks it: known layout, the schema this build
    /// computes, and a version id that matches the content.
    ///
    /// # Errors
    /// [`ModelError::Artifact`] naming what does not match.
    pub fn from_json(json: &str) -> Result<Self, ModelError> {
        // The layout and schema first: an artifact of an older build does not
        // parse as this one, and should say why.
        #[derive(Deserialize)]
        struct Head {
            format_version: u32,
            schema: FeatureSchema,
        }
        let head: Head =
            serde_json::from_str(json).map_err(|e| ModelError::Artifact(e.to_string()))?;
        if head.format_version != FORMAT_VERSION {
            return Err(ModelError::Artifact(format!(
                "layout version {} (this build reads {FORMAT_VERSION})",
                head.format_version
            )));
        }
        let here = FeatureSchema::current();
        if head.schema.hash != here.hash {
            return Err(ModelError::Artifact(format!(
                "feature schema {} ({}) differs from this build's {} ({})",
                head.schema.version, head.schema.hash, here.version, here.hash
            )));
        }
        let a: Self =
            serde_json::from_str(json).map_err(|e| ModelError::Artifact(e.to_string()))?;
        let id = a.content_id()?;
        if id != a.version_id {
            return Err(ModelError::Artifact(format!(
                "version id {} does not match its content ({id})",
                a.version_id
            )));
        }
        Ok(a)
    }

    /// The primary model's calibrated probability of an adverse episode starting
    /// in the 7 days after the decision day of `features` (a vector in the
    /// artifact's schema; columns it lacks count as missing).
    pub fn score(&self, features: &[f64]) -> Probability {
        self.score_with(self.primary, features)
    }

    /// As [`ModelArtifact::score`], with a chosen model.
    pub fn score_with(&self, kind: ModelKind, features: &[f64]) -> Probability {
        Probability::new(self.models.probability(kind.scorer(), features))
    }

    /// The probability for one day of an athlete's features, when the day is in range.
    pub fn score_day(
        &self,
        features: &AthleteFeatures,
        date: jiff::civil::Date,
    ) -> Option<Probability> {
        features.on(date).map(|x| self.score(x))
    }
}

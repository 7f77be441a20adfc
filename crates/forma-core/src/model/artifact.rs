//! The model artifact: everything needed to score, and to know what is being
//! scored, in one serde value small enough for the browser.
//!
//! Fitting ([`fit_models`]) on a set of training rows:
//! 1. The rows are split by decision day at the day of the positive row at the
//!    `1 - calibration_share` quantile (by events, so that both slices hold
//!    events even when events are rare early on): from that day on is the
//!    **calibration slice**; the fitting slice is everything before it, less the
//!    7 days just before (their targets would read events inside the
//!    calibration slice).
//! 2. On the fitting slice: imputation means and SDs ([`Standardiser`]), a
//!    logistic regression on all features, a small forest (on at most
//!    [`ForestOptions::max_negatives`] negatives), and the baseline logistic
//!    regression on acute load alone, each with positives counted several
//!    times for balance (see [`crate::model`]).
//! 3. On the calibration slice: Platt scaling of each model's raw score.
//! 4. Baselines needing no fit: the base rate of all training rows, and the
//!    coupled-ratio rule (ACWR > 1.5), turned into a probability by the event
//!    rate of training rows on each side of 1.5.
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
use super::calibration::Platt;
use super::card::ModelCard;
use super::evaluation::SplitMix64;
use super::forest::{CompactForest, ForestOptions};
use super::logistic::{LogisticFit, LogisticModel, Standardiser};
use super::{Dataset, ModelError, Probability};
use crate::features::{value_index, AthleteFeatures, FeatureSchema, Fnv1a, VALUE_FEATURE_COUNT};
use crate::types::date_from_epoch_day;

/// The artifact layout's version.
pub const FORMAT_VERSION: u32 = 1;

/// Training settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// L2 penalty of the logistic regressions (1.0 = scikit-learn's C = 1).
    #[serde(with = "super::exact")]
    pub alpha: f64,
    /// Forest settings.
    pub forest: ForestOptions,
    /// Latest share of training events (and their days) kept for Platt scaling.
    #[serde(with = "super::exact")]
    pub calibration_share: f64,
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
    /// Which model [`ModelArtifact::score`] uses.
    pub primary: ModelKind,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            alpha: 1.0,
            forest: ForestOptions::default(),
            calibration_share: 0.25,
            max_positive_copies: 50,
            logistic_max_iterations: Some(super::logistic::DEFAULT_MAX_ITERATIONS),
            forward_folds: 3,
            athlete_folds: 4,
            bootstrap: 200,
            seed: 7,
            primary: ModelKind::Logistic,
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
}

/// The days a model was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainingWindow {
    /// First decision day of the fitting slice.
    pub first_day: jiff::civil::Date,
    /// Last decision day of the fitting slice.
    pub fit_until: jiff::civil::Date,
    /// First day of the calibration slice.
    pub calibration_from: jiff::civil::Date,
    /// Last decision day of all training rows.
    pub last_day: jiff::civil::Date,
    /// Rows in the fitting slice.
    pub fit_rows: usize,
    /// Events in the fitting slice.
    pub fit_events: usize,
    /// Rows in the calibration slice.
    pub calibration_rows: usize,
    /// Events in the calibration slice.
    pub calibration_events: usize,
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

impl FittedModels {
    /// Raw score of a model or baseline (rank order), by [`backtest::Scorer`].
    pub fn raw(&self, scorer: backtest::Scorer, x: &[f64]) -> f64 {
        use backtest::Scorer;
        match scorer {
            Scorer::Logistic => self.logistic.decision(&self.standardiser, x),
            Scorer::Forest => forest_logit(self.forest.score(&self.standardiser, x)),
            Scorer::AcuteLoad => self.acute_only.decision(&self.standardiser, x),
            Scorer::BaseRate => 0.0,
            Scorer::RatioRule => f64::from(u8::from(ratio_rule(x))),
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
            Scorer::AcuteLoad => self.acute_only_platt.apply(f),
            Scorer::BaseRate => self.base_rate,
            Scorer::RatioRule if f > 0.5 => self.rule_rate_above,
            Scorer::RatioRule => self.rule_rate_other,
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

/// Fits every model and baseline on `rows` (indices into `data.rows`).
///
/// # Errors
/// [`ModelError::NotEnoughData`] when either slice is empty or the fitting slice
/// lacks events or non-events; [`ModelError::Fit`] from smartcore.
pub fn fit_models(
    data: &Dataset,
    rows: &[usize],
    options: &TrainOptions,
) -> Result<FittedModels, ModelError> {
    let mut days: Vec<i32> = rows.iter().map(|i| data.rows[*i].day).collect();
    days.sort_unstable();
    let (Some(&first), Some(&last)) = (days.first(), days.last()) else {
        return Err(ModelError::NotEnoughData("no training rows".into()));
    };
    // Cut by events, not rows: where events are rare early on, a cut by rows
    // leaves the fitting slice without any.
    let mut event_days: Vec<i32> = rows
        .iter()
        .filter(|i| data.rows[**i].label)
        .map(|i| data.rows[*i].day)
        .collect();
    event_days.sort_unstable();
    let share = options.calibration_share.clamp(0.05, 0.9);
    let cutoff = if event_days.is_empty() {
        days[((days.len() as f64) * (1.0 - share)) as usize]
    } else {
        let at = ((event_days.len() as f64) * (1.0 - share)) as usize;
        event_days[at.min(event_days.len() - 1)]
    };
    let purge = crate::targets::HORIZON_DAYS;
    let fit: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|i| data.rows[*i].day + purge < cutoff)
        .collect();
    let calib: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|i| data.rows[*i].day >= cutoff)
        .collect();
    let events = |idx: &[usize]| idx.iter().filter(|i| data.rows[**i].label).count();
    let (fit_events, calib_events) = (events(&fit), events(&calib));
    if fit.is_empty() || calib.is_empty() || fit_events == 0 || fit_events == fit.len() {
        return Err(ModelError::NotEnoughData(format!(
            "{} fitting rows with {fit_events} events, {} calibration rows",
            fit.len(),
            calib.len()
        )));
    }
    let fit_rows: Vec<&[f64]> = fit
        .iter()
        .map(|i| data.rows[*i].features.as_slice())
        .collect();
    let standardiser = Standardiser::fit(&fit_rows, data.schema.len());

    // Balance: each positive counts round(neg / pos) times.
    let copies = |negatives: usize| {
        ((negatives as f64 / fit_events as f64).round() as usize)
            .clamp(1, options.max_positive_copies.max(1))
    };
    let fit_y: Vec<bool> = fit.iter().map(|i| data.rows[*i].label).collect();
    let lr_copies = copies(fit.len() - fit_events);
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
    let logistic =
        LogisticModel::fit_counted(&fit_rows, &fit_y, &counts, all_columns, &standardiser, &how)?;
    let acute = value_index("acute_load").unwrap_or(0);
    let acute_only = LogisticModel::fit_counted(
        &fit_rows,
        &fit_y,
        &counts,
        vec![acute, VALUE_FEATURE_COUNT + acute],
        &standardiser,
        &how,
    )?;
    // The forest takes no counts: positives are repeated, on at most
    // `max_negatives` negatives (see `forest_sample`).
    let (keep, negatives) = forest_sample(data, &fit, options);
    let forest_copies = copies(negatives);
    let mut balanced: Vec<&[f64]> = Vec::with_capacity(negatives + fit_events * forest_copies);
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

    let calib_y: Vec<bool> = calib.iter().map(|i| data.rows[*i].label).collect();
    let platt = |score: &dyn Fn(&[f64]) -> f64| {
        let f: Vec<f64> = calib
            .iter()
            .map(|i| score(&data.rows[*i].features))
            .collect();
        Platt::fit(&f, &calib_y)
    };
    let logistic_platt = platt(&|x| logistic.decision(&standardiser, x));
    let acute_only_platt = platt(&|x| acute_only.decision(&standardiser, x));
    let forest_platt = platt(&|x| forest_logit(forest.score(&standardiser, x)));

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
    let fit_until = fit.iter().map(|i| data.rows[*i].day).max().unwrap_or(first);
    Ok(FittedModels {
        standardiser,
        logistic,
        logistic_platt,
        forest,
        forest_platt,
        acute_only,
        acute_only_platt,
        base_rate: events(rows) as f64 / rows.len() as f64,
        rule_rate_above: rate(&|r| ratio_rule(&r.features)),
        rule_rate_other: rate(&|r| !ratio_rule(&r.features)),
        window: TrainingWindow {
            first_day: date_from_epoch_day(first),
            fit_until: date_from_epoch_day(fit_until),
            calibration_from: date_from_epoch_day(cutoff),
            last_day: date_from_epoch_day(last),
            fit_rows: fit.len(),
            fit_events,
            calibration_rows: calib.len(),
            calibration_events: calib_events,
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

/// Backtests on `data`, then fits the final models on every row.
///
/// # Errors
/// [`ModelError::NotEnoughData`] when the rows cannot carry a model.
pub fn train(
    data: &Dataset,
    options: &TrainOptions,
    created_at: Timestamp,
) -> Result<ModelArtifact, ModelError> {
    let all: Vec<usize> = (0..data.rows.len()).collect();
    let models = fit_models(data, &all, options)?;
    let backtests = backtest::run(data, options);
    let card = ModelCard::new(data, &backtests, options.primary, &models.window);
    let mut artifact = ModelArtifact {
        format_version: FORMAT_VERSION,
        version_id: String::new(),
        created_at,
        schema: data.schema.clone(),
        training_data_fingerprint: data.fingerprint(),
        primary: options.primary,
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
        let a: Self =
            serde_json::from_str(json).map_err(|e| ModelError::Artifact(e.to_string()))?;
        if a.format_version != FORMAT_VERSION {
            return Err(ModelError::Artifact(format!(
                "layout version {} (this build reads {FORMAT_VERSION})",
                a.format_version
            )));
        }
        let here = FeatureSchema::default();
        if a.schema.hash != here.hash {
            return Err(ModelError::Artifact(format!(
                "feature schema {} ({}) differs from this build's {} ({})",
                a.schema.version, a.schema.hash, here.version, here.hash
            )));
        }
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
        let scorer = match kind {
            ModelKind::Logistic => backtest::Scorer::Logistic,
            ModelKind::Forest => backtest::Scorer::Forest,
        };
        Probability::new(self.models.probability(scorer, features))
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

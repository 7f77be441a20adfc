//! The model artifact: everything needed to score, and to know what is being
//! scored, in one serde value small enough for the browser.
//!
//! Training ([`train`]): the backtests ([`super::backtest`]), the primary model
//! they choose, the fits on every row ([`super::fit`]) and the card
//! ([`super::card`]), packed with a version id.
//!
//! Determinism: no clock, no thread, seeds fixed, rows in a fixed order, so two
//! trainings on the same data give the same bytes. The version id is FNV-1a 64
//! over the JSON of what scores (schema, data fingerprint, options, fitted
//! models; not the creation time or the card), so the same model always has the
//! same id. Model parameters are written as exact decimal strings
//! (`crate::model::exact`), so any JSON reader gives back the same bits.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::backtest::{self, choose_primary};
use super::card::ModelCard;
use super::fit::{fit_models_within, FittedModels, ModelKind, TrainOptions};
use super::{Budget, Dataset, ModelError, Probability};
use crate::features::{AthleteFeatures, FeatureSchema, Fnv1a};

/// The artifact layout's version.
pub const FORMAT_VERSION: u32 = 2;

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

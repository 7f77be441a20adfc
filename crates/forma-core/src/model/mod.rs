//! The injury and illness risk model: data set, models, backtests, artifact and
//! model card.
//!
//! How the server uses it:
//! 1. [`Dataset::build`] from the stored sessions, wellness, events and coach
//!    labels: one row per athlete and eligible decision day, features from
//!    [`crate::features`], target from [`crate::targets`].
//! 2. [`artifact::train`]: backtests ([`backtest::run`]), fits the final models on
//!    all rows, and returns a [`ModelArtifact`] carrying its [`card::ModelCard`].
//!    Training is native only (smartcore's generator differs on wasm32).
//!    [`train_within`] (and [`Dataset::build_within`]) take a [`Budget`]: a
//!    cancel flag and a time limit checked all along, so a training can be
//!    stopped from outside and cannot run for ever ([`budget`]).
//! 3. Store `artifact.to_json()`; load it anywhere with
//!    [`ModelArtifact::from_json`], which checks the version id and schema hash.
//!
//! How the browser uses it: [`crate::features::athlete_features`] on the
//! athlete's records, then [`ModelArtifact::score`] on a day's vector; scoring is
//! plain arithmetic (no smartcore), so it gives the server's probabilities.
//!
//! Class imbalance: events are rare, so each positive row of the fitting slice
//! counts `round(negatives / positives)` times (at most `max_positive_copies`):
//! as a row count in the logistic regression's loss, and as repeated rows for
//! the forest, which takes no weights. On a large data set the forest sees a
//! fixed sample of at most `max_negatives` negatives (2,000 by default), the
//! positives repeated to balance them; the boosted trees weigh a sample of
//! negatives instead ([`boosted`]). No randomness is involved beyond fixed
//! seeds; Platt scaling on out-of-athlete scores, which are not rebalanced,
//! brings the probabilities back to the real base rate ([`artifact`]).
//!
//! Cost (`benches/training.rs`, 100,000 rows): the tree fits dominate
//! (smartcore sorts every column it is given for every tree), and each fit is
//! five fits (the final models and four out-of-athlete refits for the
//! calibration); the backtests fit everything seven more times; the bootstrap
//! intervals reuse one sort per scorer ([`evaluation::AthleteResamples`]).

pub mod artifact;
pub mod backtest;
pub mod boosted;
pub mod budget;
pub mod calibration;
pub mod card;
pub mod evaluation;
pub mod export;
pub mod fit;
pub mod forest;
pub mod logistic;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::features::{athlete_features, FeatureInputs, FeatureSchema, Fnv1a};
use crate::targets::{adverse_reports, athlete_targets, episodes, CoachLabel, LeftOut};
use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Event, Session, WellnessEntry};
use jiff::civil::Date;

pub use artifact::{train, train_within, ModelArtifact};
pub use budget::Budget;

/// A model parameter written as the shortest decimal text that reads back as
/// the same `f64`, inside a JSON string, and read with Rust's correctly rounded
/// parser: an artifact scores the same bits after any JSON round trip, whatever
/// float precision the JSON reader uses (serde_json's default is best-effort).
pub(crate) mod exact {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{x:?}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse()
            .map_err(|_| D::Error::custom(format!("`{text}` is not a number")))
    }
}

/// [`exact`] for a list of numbers.
pub(crate) mod exact_vec {
    use serde::de::Error as _;
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(xs: &[f64], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(xs.len()))?;
        for x in xs {
            seq.serialize_element(&format_args!("{x:?}").to_string())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        let texts = <Vec<std::borrow::Cow<'de, str>>>::deserialize(d)?;
        texts
            .iter()
            .map(|t| {
                t.parse()
                    .map_err(|_| D::Error::custom(format!("`{t}` is not a number")))
            })
            .collect()
    }
}

/// What went wrong building or using a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The training rows cannot carry a model (no events, too few rows ...).
    NotEnoughData(String),
    /// smartcore failed to fit.
    Fit(String),
    /// An artifact that does not parse or whose content does not match its id or schema.
    Artifact(String),
    /// The training's [`Budget`] was cancelled.
    Cancelled,
    /// The training ran past its [`Budget`]'s time limit.
    OutOfTime {
        /// The time limit.
        budget: std::time::Duration,
    },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotEnoughData(m) => write!(f, "not enough data to train: {m}"),
            Self::Fit(m) => write!(f, "model fit failed: {m}"),
            Self::Artifact(m) => write!(f, "model artifact is not valid: {m}"),
            Self::Cancelled => write!(f, "the training was cancelled before it finished"),
            Self::OutOfTime { budget } => write!(
                f,
                "the training took longer than its time budget of {} and was stopped",
                budget::duration_words(*budget)
            ),
        }
    }
}

impl std::error::Error for ModelError {}

/// A probability, 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct Probability(f64);

impl Probability {
    /// `p` clamped to 0..=1 (`NaN` becomes 0).
    pub fn new(p: f64) -> Self {
        Self(if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) })
    }

    /// The value, 0 to 1.
    pub fn value(self) -> f64 {
        self.0
    }
}

/// What is known about an athlete beyond their records, for the cohort table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AthleteInfo {
    /// The athlete.
    pub athlete_id: AthleteId,
    /// Sex as recorded, when known.
    pub sex: Option<String>,
    /// Main sport, when known.
    pub sport: Option<String>,
    /// Year of birth, when known (for the age band).
    #[serde(default)]
    pub birth_year: Option<i32>,
}

/// Everything training reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrainingData<'a> {
    /// Sessions of every athlete.
    pub sessions: &'a [Session],
    /// Wellness of every athlete.
    pub wellness: &'a [WellnessEntry],
    /// Injury and illness reports.
    pub events: &'a [Event],
    /// Coach labels; `injury` and `illness` count as reports.
    pub labels: &'a [CoachLabel],
    /// Sex, sport and year of birth per athlete, where known.
    pub athletes: &'a [AthleteInfo],
    /// Learn only from what was known by the end of this day: every record
    /// after it is ignored, so each athlete's follow-up ends there at the
    /// latest and a decision day's 7-day target window ends by it.
    pub until: Option<Date>,
}

/// Share of observed days at or above which an athlete's data counts as complete.
pub const COMPLETE_SHARE: f64 = 0.8;

/// One athlete in a data set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetAthlete {
    /// The athlete.
    pub athlete_id: AthleteId,
    /// Sex, or `unknown`.
    pub sex: String,
    /// Sport, or `unknown`.
    pub sport: String,
    /// Year of birth, when known.
    #[serde(default)]
    pub birth_year: Option<i32>,
    /// Share of days with any data.
    pub observed_share: f64,
    /// `high` when `observed_share >= 0.8`, else `low`.
    pub completeness: String,
}

/// One training row: an athlete's eligible decision day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Index into [`Dataset::athletes`].
    pub athlete: usize,
    /// The decision day, as days since 1970-01-01.
    pub day: i32,
    /// The feature vector (see [`FeatureSchema`]).
    pub features: Vec<f64>,
    /// An episode onset in the 7 days after.
    pub label: bool,
}

/// How many athlete-days were left out, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LeftOutCounts {
    /// First 28 days.
    pub warm_up: usize,
    /// Episode open.
    pub episode_open: usize,
    /// Window reaching past the follow-up.
    pub censored: usize,
}

/// Rows for training and backtests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// The feature layout.
    pub schema: FeatureSchema,
    /// Athletes, sorted by id.
    pub athletes: Vec<DatasetAthlete>,
    /// Rows, by athlete then day.
    pub rows: Vec<Row>,
    /// Episodes found (all, brought-in included).
    pub episodes: usize,
    /// Episodes starting in an athlete's first 28 days.
    pub brought_in: usize,
    /// Athlete-days without a target.
    pub left_out: LeftOutCounts,
}

/// Every decision day of one athlete, with its features and its target or why
/// it has none: what [`Dataset::build`] keeps the trainable days of, and what
/// `forma export features` writes whole.
#[derive(Debug, Clone, PartialEq)]
pub struct AthleteDays {
    /// The athlete, with the cohort facts.
    pub athlete: DatasetAthlete,
    /// The first decision day.
    pub start: jiff::civil::Date,
    /// One feature vector per day from `start`.
    pub rows: Vec<Vec<f64>>,
    /// One target per day: an onset in the 7 days after, or why the day is left out.
    pub targets: Vec<Result<bool, LeftOut>>,
}

/// The summary of the episodes behind a set of athlete-days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EpisodeCounts {
    /// Episodes found (all, brought-in included).
    pub episodes: usize,
    /// Episodes starting in an athlete's first 28 days.
    pub brought_in: usize,
}

/// Every athlete's decision days in `data`, sorted by athlete id, and the episodes.
pub fn athlete_days(data: &TrainingData<'_>) -> (Vec<AthleteDays>, EpisodeCounts) {
    match days_checked(data, || Ok::<(), std::convert::Infallible>(())) {
        Ok(days) => days,
        Err(never) => match never {},
    }
}

/// [`athlete_days`], calling `check` before each athlete's features and
/// stopping at its first error.
fn days_checked<E>(
    data: &TrainingData<'_>,
    mut check: impl FnMut() -> Result<(), E>,
) -> Result<(Vec<AthleteDays>, EpisodeCounts), E> {
    type Records = (Vec<Session>, Vec<WellnessEntry>);
    let known = |d: Date| data.until.is_none_or(|u| d <= u);
    let mut by_athlete: BTreeMap<&AthleteId, Records> = BTreeMap::new();
    for s in data.sessions.iter().filter(|s| known(s.date)) {
        by_athlete
            .entry(&s.athlete_id)
            .or_default()
            .0
            .push(s.clone());
    }
    for w in data.wellness.iter().filter(|w| known(w.date)) {
        by_athlete
            .entry(&w.athlete_id)
            .or_default()
            .1
            .push(w.clone());
    }
    let reports: Vec<(AthleteId, Date)> = adverse_reports(data.events, data.labels)
        .into_iter()
        .filter(|(_, d)| known(*d))
        .collect();
    let mut report_days: BTreeMap<&AthleteId, Vec<Date>> = BTreeMap::new();
    for (a, d) in &reports {
        report_days.entry(a).or_default().push(*d);
    }
    let mut firsts = Vec::new();
    let mut built = Vec::new();
    for (id, (sessions, wellness)) in &by_athlete {
        let own_reports = report_days.get(id).map_or(&[][..], Vec::as_slice);
        let last_data = sessions
            .iter()
            .map(|s| epoch_day(s.date))
            .chain(
                wellness
                    .iter()
                    .filter(|w| w.has_any())
                    .map(|w| epoch_day(w.date)),
            )
            .max();
        let last_report = own_reports.iter().map(|d| epoch_day(*d)).max();
        let end = last_data
            .map(|d| d.max(last_report.unwrap_or(i32::MIN)))
            .map(date_from_epoch_day);
        let inputs = FeatureInputs {
            sessions,
            wellness,
            reports: own_reports,
        };
        check()?;
        if let Some(f) = athlete_features(id, &inputs, end) {
            firsts.push(((*id).clone(), f.start));
            built.push(f);
        }
    }
    let eps = episodes(&reports, &firsts);
    let days = built
        .into_iter()
        .map(|f| {
            let info = data.athletes.iter().find(|i| i.athlete_id == f.athlete_id);
            let end = date_from_epoch_day(epoch_day(f.start) + f.rows.len() as i32 - 1);
            let targets = athlete_targets(&f.athlete_id, f.start, end, &eps);
            let unknown = || "unknown".to_owned();
            AthleteDays {
                athlete: DatasetAthlete {
                    athlete_id: f.athlete_id,
                    sex: info.and_then(|i| i.sex.clone()).unwrap_or_else(unknown),
                    sport: info.and_then(|i| i.sport.clone()).unwrap_or_else(unknown),
                    birth_year: info.and_then(|i| i.birth_year),
                    observed_share: f.observed_share,
                    completeness: if f.observed_share >= COMPLETE_SHARE {
                        "high"
                    } else {
                        "low"
                    }
                    .to_owned(),
                },
                start: f.start,
                rows: f.rows,
                targets,
            }
        })
        .collect();
    let counts = EpisodeCounts {
        episodes: eps.len(),
        brought_in: eps.iter().filter(|e| e.brought_in).count(),
    };
    Ok((days, counts))
}

impl Dataset {
    /// Builds the rows of every athlete in `data`.
    pub fn build(data: &TrainingData<'_>) -> Self {
        let (days, counts) = athlete_days(data);
        Self::of_days(days, counts)
    }

    /// [`Dataset::build`], checking `budget` between athletes.
    ///
    /// # Errors
    /// [`ModelError::Cancelled`] or [`ModelError::OutOfTime`] from the budget.
    pub fn build_within(data: &TrainingData<'_>, budget: &Budget) -> Result<Self, ModelError> {
        let (days, counts) = days_checked(data, || budget.check())?;
        Ok(Self::of_days(days, counts))
    }

    /// The trainable rows of `days`.
    pub fn of_days(days: Vec<AthleteDays>, counts: EpisodeCounts) -> Self {
        let mut athletes = Vec::with_capacity(days.len());
        let mut rows = Vec::new();
        let mut left_out = LeftOutCounts::default();
        for a in days {
            let index = athletes.len();
            let first = epoch_day(a.start);
            for (i, (row, target)) in a.rows.into_iter().zip(a.targets).enumerate() {
                match target {
                    Ok(label) => rows.push(Row {
                        athlete: index,
                        day: first + i as i32,
                        features: row,
                        label,
                    }),
                    Err(LeftOut::WarmUp) => left_out.warm_up += 1,
                    Err(LeftOut::EpisodeOpen) => left_out.episode_open += 1,
                    Err(LeftOut::Censored) => left_out.censored += 1,
                }
            }
            athletes.push(a.athlete);
        }
        Self {
            schema: FeatureSchema::default(),
            athletes,
            rows,
            episodes: counts.episodes,
            brought_in: counts.brought_in,
            left_out,
        }
    }

    /// Number of positive rows.
    pub fn events(&self) -> usize {
        self.rows.iter().filter(|r| r.label).count()
    }

    /// FNV-1a 64 over the schema hash and every row (athlete id, day, feature
    /// bits, label), hex: equal fingerprints mean the same training data.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv1a::default();
        h.write(self.schema.hash.as_bytes());
        for r in &self.rows {
            h.write(self.athletes[r.athlete].athlete_id.as_str().as_bytes());
            h.write(&r.day.to_le_bytes());
            for x in &r.features {
                h.write(&x.to_bits().to_le_bytes());
            }
            h.write(&[u8::from(r.label)]);
        }
        h.hex()
    }
}

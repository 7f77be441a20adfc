//! The decision day as the policy reads it: load values at d-1, the feature
//! vector of d, history, completeness, and which scorer can speak.

use crate::features::{AthleteFeatures, FeatureSchema};
use crate::metrics::{ratio, rolling_mean, MetricsOptions};
use crate::model::ModelArtifact;
use crate::types::epoch_day;

use super::confidence::risk_threshold;
use super::recommendation::FallbackReason;
use super::{PolicyInput, PolicyOptions};

/// What the rules and the model read on one decision day; counterfactuals are
/// edited copies of it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct View {
    /// Mean daily load of the 7 days before d.
    pub acute: Option<f64>,
    /// Mean daily load of the 28 days before d.
    pub chronic: Option<f64>,
    /// Coupled 7:28 rolling ratio at d-1 (`inf` for load over none).
    pub ratio: Option<f64>,
    /// Load of the 21 days before the acute week (d-28 to d-8).
    pub prior_21: f64,
    /// Load of the 21 days before d (d-21 to d-1), for the projected ratio.
    pub last_21: f64,
    /// The feature vector of d, in this build's schema.
    pub x: Option<Vec<f64>>,
}

/// The decision day.
pub(super) struct Day<'a> {
    /// Days from the first day with data to d-1, inclusive.
    pub history_days: i64,
    /// Days from the last data to d (`None`: no data at all).
    pub days_since_data: Option<i64>,
    /// Share of the 28 days before d with any data.
    pub completeness: f64,
    /// Median coupled ratio of the 28 decision days before d.
    pub ratio_baseline: Option<f64>,
    /// Feature vectors of the decision days before d (up to `baseline_days`).
    pub previous: Vec<&'a [f64]>,
    /// The caller's scores of those days ([`PolicyInput::risks`]), when given.
    pub previous_risks: Option<&'a [f64]>,
    /// The values the rules and the model read.
    pub view: View,
}

fn sum(xs: &[f64]) -> f64 {
    xs.iter().sum()
}

impl<'a> Day<'a> {
    pub fn read(input: &PolicyInput<'a>, options: &PolicyOptions) -> Self {
        let d = i64::from(epoch_day(input.date));
        let start = i64::from(epoch_day(input.series.start));
        let history_days = (d - start).max(0);
        let days_since_data = input
            .last_data
            .map(|l| (d - i64::from(epoch_day(l))).max(0));
        // Load up to d-1, read as rest where the series stops early.
        let n = usize::try_from(history_days).unwrap_or(0);
        let mut load: Vec<f64> = input.series.load.iter().take(n).copied().collect();
        load.resize(n, 0.0);
        let mut observed: Vec<bool> = input.series.observed.iter().take(n).copied().collect();
        observed.resize(n, false);

        let m = MetricsOptions::default();
        let mut view = View {
            acute: None,
            chronic: None,
            ratio: None,
            prior_21: 0.0,
            last_21: 0.0,
            x: None,
        };
        let mut ratio_baseline = None;
        if let Some(i) = n.checked_sub(1) {
            // The coupled ratio from the same two rolling means
            // ([`crate::metrics::coupled_acwr`], one pass each).
            let acute = rolling_mean(&load, m.acute_days);
            let chronic = rolling_mean(&load, m.chronic_days);
            view.acute = acute[i];
            view.chronic = chronic[i];
            let ratios: Vec<Option<f64>> = acute
                .iter()
                .zip(&chronic)
                .map(|(a, c)| ratio((*a)?, (*c)?))
                .collect();
            view.ratio = ratios[i];
            view.last_21 = sum(&load[n.saturating_sub(21)..]);
            view.prior_21 = sum(&load[n.saturating_sub(28)..n.saturating_sub(7)]);
            // The ratios decision days d-28..d-1 read (indices d-29..d-2).
            let window = options.baseline_days as usize;
            let previous: Vec<f64> = ratios[i.saturating_sub(window)..i]
                .iter()
                .flatten()
                .copied()
                .filter(|r| r.is_finite())
                .collect();
            if previous.len() >= options.min_baseline_values.max(1) as usize {
                let mut sorted = previous;
                sorted.sort_by(f64::total_cmp);
                let k = sorted.len();
                ratio_baseline = Some(if k % 2 == 1 {
                    sorted[k / 2]
                } else {
                    (sorted[k / 2 - 1] + sorted[k / 2]) / 2.0
                });
            }
        }
        let observed_28 = observed[n.saturating_sub(28)..]
            .iter()
            .filter(|o| **o)
            .count();
        let completeness = observed_28 as f64 / 28.0;

        let schema_len = FeatureSchema::current().len();
        let mut previous = Vec::new();
        let mut previous_risks = None;
        if let Some(f) = input.features {
            view.x = f
                .on(input.date)
                .filter(|x| x.len() == schema_len)
                .map(<[f64]>::to_vec);
            let (from, to) = previous_range(f, input.date, options.baseline_days);
            previous = f.rows[from..to].iter().map(Vec::as_slice).collect();
            previous_risks = input
                .risks
                .filter(|r| r.len() == f.rows.len())
                .map(|r| &r[from..to]);
        }
        Self {
            history_days,
            days_since_data,
            completeness,
            ratio_baseline,
            previous,
            previous_risks,
            view,
        }
    }
}

/// The rows of the `window` decision days before `date`, as a range of `f.rows`.
fn previous_range(f: &AthleteFeatures, date: jiff::civil::Date, window: u32) -> (usize, usize) {
    let d = i64::from(epoch_day(date)) - i64::from(epoch_day(f.start));
    let end = usize::try_from(d.max(0)).unwrap_or(0).min(f.rows.len());
    (end.saturating_sub(window as usize), end)
}

/// The athlete's standing risk (DESIGN.md "Who and when"): the median of the
/// model's risk over the decision days before d (up to
/// [`PolicyOptions::baseline_days`], at least
/// [`PolicyOptions::min_baseline_values`] of them). It is who the athlete is
/// (their level, their history); today's risk against it is what changed.
pub(super) fn standing_risk(
    artifact: &ModelArtifact,
    previous: &[&[f64]],
    scored: Option<&[f64]>,
    options: &PolicyOptions,
) -> Option<f64> {
    let schema_len = FeatureSchema::current().len();
    let mut risks: Vec<f64> = match scored.filter(|s| s.len() == previous.len()) {
        Some(scored) => previous
            .iter()
            .zip(scored)
            .map(|(x, p)| {
                if p.is_nan() {
                    artifact.score(x).value()
                } else {
                    *p
                }
            })
            .collect(),
        None => previous
            .iter()
            .filter(|x| x.len() == schema_len)
            .map(|x| artifact.score(x).value())
            .collect(),
    };
    if risks.len() < options.min_baseline_values.max(1) as usize {
        return None;
    }
    risks.sort_by(f64::total_cmp);
    let n = risks.len();
    Some(if n % 2 == 1 {
        risks[n / 2]
    } else {
        (risks[n / 2 - 1] + risks[n / 2]) / 2.0
    })
}

/// Who gives the probability behind the decision.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scoring<'a> {
    /// The model scores the day.
    Model {
        artifact: &'a ModelArtifact,
        /// The training event rate (the team's rate).
        base_rate: f64,
        /// The athlete's standing risk: the median of the model's risk on the
        /// decision days before d (see [`standing_risk`]), when enough are scored.
        standing: Option<f64>,
        /// What today's risk is read against: the standing risk, else the
        /// training rate.
        reference: f64,
        /// The caution threshold, [`risk_threshold`] of `reference`.
        threshold: f64,
        /// Whether the model beats its simple baselines in its own backtests
        /// (its card's verdict): without that, its risk is a weak hint, and
        /// what Forma says of it says so.
        skilled: bool,
    },
    /// The artifact's ratio-rule event rates (the model cannot score the day).
    Rates {
        above: f64,
        other: f64,
        threshold: f64,
    },
    /// No calibrated source: the rule prior.
    Prior,
}

impl<'a> Scoring<'a> {
    /// The scorer for `input` on `day`, and why the model does not score, if
    /// it does not.
    pub fn of(
        input: &PolicyInput<'a>,
        day: &Day<'_>,
        options: &PolicyOptions,
    ) -> (Self, Option<FallbackReason>) {
        let view = &day.view;
        let Some(artifact) = input.model else {
            return (Self::Prior, Some(FallbackReason::NoModel));
        };
        let here = FeatureSchema::current();
        if artifact.schema.hash != here.hash || artifact.schema.len() != here.len() {
            return (Self::Prior, Some(FallbackReason::SchemaMismatch));
        }
        let base_rate = artifact.models.base_rate;
        if !(base_rate > 0.0 && base_rate < 1.0) {
            return (Self::Prior, Some(FallbackReason::UnusableModel));
        }
        if view.x.is_none() {
            let threshold = risk_threshold(base_rate, options);
            let (above, other) = (
                artifact.models.rule_rate_above,
                artifact.models.rule_rate_other,
            );
            let valid = |r: f64| (0.0..=1.0).contains(&r);
            let scoring = if valid(above) && valid(other) {
                Self::Rates {
                    above,
                    other,
                    threshold,
                }
            } else {
                Self::Prior
            };
            return (scoring, Some(FallbackReason::NoFeatures));
        }
        let standing = standing_risk(artifact, &day.previous, day.previous_risks, options);
        let reference = standing.unwrap_or(base_rate);
        (
            Self::Model {
                artifact,
                base_rate,
                standing,
                reference,
                threshold: risk_threshold(reference, options),
                skilled: artifact.card.beats_baselines(),
            },
            None,
        )
    }

    /// The model's probability for a vector, when the model scores.
    pub fn risk(&self, x: Option<&[f64]>) -> Option<f64> {
        match (self, x) {
            (Self::Model { artifact, .. }, Some(x)) => Some(artifact.score(x).value()),
            _ => None,
        }
    }

    /// What the model's risk is read against, when the model scores.
    pub fn reference(&self) -> Option<super::decide::Reference> {
        match self {
            Self::Model {
                base_rate,
                standing,
                reference,
                skilled,
                ..
            } => Some(super::decide::Reference {
                level: *reference,
                standing: standing.is_some(),
                base_rate: *base_rate,
                skilled: *skilled,
            }),
            _ => None,
        }
    }

    /// Whether the model that scores beats its baselines; `None` when no model scores.
    pub fn skilled(&self) -> Option<bool> {
        match self {
            Self::Model { skilled, .. } => Some(*skilled),
            _ => None,
        }
    }

    /// The athlete's standing risk, when the model scores and it is known.
    pub fn standing(&self) -> Option<f64> {
        match self {
            Self::Model { standing, .. } => *standing,
            _ => None,
        }
    }

    /// The model branch's threshold, when an artifact gives one.
    pub fn threshold(&self) -> Option<f64> {
        match self {
            Self::Model { threshold, .. } | Self::Rates { threshold, .. } => Some(*threshold),
            Self::Prior => None,
        }
    }
}

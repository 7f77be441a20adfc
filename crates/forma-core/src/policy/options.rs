//! The policy's thresholds and bounds, each with its default and where it comes from.

use serde::{Deserialize, Serialize};

/// Every threshold and bound of the policy. `Default` gives the values below;
/// a stored set reads back with defaults for any field it lacks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PolicyOptions {
    // Guardrails.
    /// Days of history (before the decision day) needed for an automatic
    /// recommendation: 28, the chronic window of the load ratio.
    pub min_history_days: u32,
    /// Data older than this many days is stale: 3 (DESIGN.md, and
    /// [`crate::quality::QualityOptions::stale_days`]).
    pub stale_after_days: u32,
    /// Confidence below which an automatic change becomes manual review: 0.5.
    /// Below one half, in the cost-weighted sense of [`super::confidence`], the
    /// other branch is at least as likely right, so a coach decides.
    pub min_confidence: f64,

    // The rule baseline (coupled 7:28 rolling ACWR, read on the morning of d).
    /// Ratio above which load is cut: 1.5, the "danger zone" of Gabbett (2016),
    /// "The training-injury prevention paradox", Br J Sports Med 50:273-280.
    pub ratio_danger: f64,
    /// Upper end of the 0.8-1.3 "sweet spot" (Gabbett 2016): above it, no increase.
    pub ratio_raised: f64,
    /// Lower end of the sweet spot (Gabbett 2016): below it, room to build.
    pub ratio_low: f64,
    /// Self-rated readiness at or below this many SDs under the athlete's 28-day
    /// baseline counts as low readiness: -1.5 (a convention, not a finding).
    pub readiness_z_low: f64,
    /// Resting heart rate at or above this many SDs over the 28-day baseline
    /// counts as low readiness: 2.0 (a convention). HRV below its normal band
    /// (Plews et al. 2014, see [`crate::readiness`]) counts too.
    pub resting_hr_z_high: f64,

    // The model (probabilities relative to the training event rate).
    /// Risk is *high* at or above this multiple of the model's training event
    /// rate: 2.0. This is the model branch's threshold `t` (see [`super::confidence`]).
    pub high_risk_multiple: f64,
    /// Risk is *very high* at or above this multiple: 4.0.
    pub very_high_risk_multiple: f64,
    /// Risk is *low* below this multiple: 1.0 (below the usual rate). Volume is
    /// increased only when risk is low.
    pub low_risk_multiple: f64,
    /// Confidence of a rule-driven branch when no artifact gives the rule's
    /// track record: 0.7. A stated prior, not a measurement; the recommendation
    /// says which basis it used.
    pub rule_prior_confidence: f64,

    // What each action does to the plan.
    /// Reduce intensity: today's planned load times 0.7 (a coaching convention).
    pub reduce_today_factor: f64,
    /// Reduce intensity: the next 7 days' load times 0.9.
    pub reduce_week_factor: f64,
    /// Swap session: today's load times 0.5 (an easy session in place of the
    /// hard one, which moves later in the week; the week's total is unchanged).
    pub swap_today_factor: f64,
    /// Extend recovery: rest days added, today first: 2.
    pub recovery_rest_days: u32,
    /// Extend recovery: the next 7 days' load times 0.8.
    pub recovery_week_factor: f64,
    /// Increase volume: the next 7 days' load times (1 + 0.05) before bounds.
    pub increase_step: f64,

    // Bounds.
    /// No recommendation raises the next 7 days' load by more than this share:
    /// 0.10, the "10% rule" of weekly progression. That is a coaching
    /// convention, not a finding (a graded 10% programme did not lower injuries
    /// in novice runners: Buist et al. 2008, Am J Sports Med 36:33-39).
    pub max_increase_share: f64,

    // Reasons.
    /// Decision days before d whose feature values give a baseline: 28.
    pub baseline_days: u32,
    /// Values needed in that window for a median baseline: 7.
    pub min_baseline_values: u32,
    /// Most factor reasons shown: 3.
    pub top_reasons: u32,
    /// Smallest change of risk (probability) that makes a factor a reason: 0.001.
    pub min_effect: f64,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        Self {
            min_history_days: 28,
            stale_after_days: 3,
            min_confidence: 0.5,
            ratio_danger: 1.5,
            ratio_raised: 1.3,
            ratio_low: 0.8,
            readiness_z_low: -1.5,
            resting_hr_z_high: 2.0,
            high_risk_multiple: 2.0,
            very_high_risk_multiple: 4.0,
            low_risk_multiple: 1.0,
            rule_prior_confidence: 0.7,
            reduce_today_factor: 0.7,
            reduce_week_factor: 0.9,
            swap_today_factor: 0.5,
            recovery_rest_days: 2,
            recovery_week_factor: 0.8,
            increase_step: 0.05,
            max_increase_share: 0.10,
            baseline_days: 28,
            min_baseline_values: 7,
            top_reasons: 3,
            min_effect: 0.001,
        }
    }
}

//! What the policy returns: the action, how much it changes the plan, its
//! confidence and reasons, in serde types the server stores and the app renders.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::types::AthleteId;

/// What the coach is asked to do today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Keep the plan as it is.
    Maintain,
    /// Lighter today, slightly lighter week.
    ReduceIntensity,
    /// Today's hard session swapped for an easy one; the week's total unchanged.
    SwapSession,
    /// Rest days added and a lighter week.
    ExtendRecovery,
    /// A bounded increase of the next 7 days' load.
    IncreaseVolume,
    /// No automatic change: the coach decides.
    ManualReview,
}

impl Action {
    /// Every action, in order of caution (least first), manual review last.
    pub const ALL: [Self; 6] = [
        Self::IncreaseVolume,
        Self::Maintain,
        Self::SwapSession,
        Self::ReduceIntensity,
        Self::ExtendRecovery,
        Self::ManualReview,
    ];

    /// The action's name for a coach.
    pub fn label(self) -> &'static str {
        match self {
            Self::Maintain => "Maintain",
            Self::ReduceIntensity => "Reduce intensity",
            Self::SwapSession => "Swap session",
            Self::ExtendRecovery => "Extend recovery",
            Self::IncreaseVolume => "Increase volume",
            Self::ManualReview => "Manual review",
        }
    }

    /// The action addressed to the athlete.
    pub fn athlete_label(self) -> &'static str {
        match self {
            Self::Maintain => "Keep to your plan",
            Self::ReduceIntensity => "Take it easier today",
            Self::SwapSession => "Swap today's hard session for an easy one",
            Self::ExtendRecovery => "Take extra rest",
            Self::IncreaseVolume => "Build up a little this week",
            Self::ManualReview => "Your coach will look at your plan with you",
        }
    }

    /// Which side of the risk decision the action is on (`None` for manual review).
    pub fn branch(self) -> Option<Branch> {
        match self {
            Self::Maintain | Self::IncreaseVolume => Some(Branch::Proceed),
            Self::ReduceIntensity | Self::SwapSession | Self::ExtendRecovery => {
                Some(Branch::Caution)
            }
            Self::ManualReview => None,
        }
    }
}

/// The two sides of the risk decision every automatic action falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Branch {
    /// Less load than planned: right when an adverse episode would have followed.
    Caution,
    /// The plan or more: right when none would have followed.
    Proceed,
}

/// How an action changes the plan. Factors multiply planned load (1 = unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Multiplier of today's planned load (0 = rest).
    pub today_load_factor: f64,
    /// Multiplier of the planned load of the 7 days from today (today included).
    pub next_7_days_load_factor: f64,
    /// Rest days added, today first.
    pub extra_rest_days: u32,
    /// Today's hard session moves to a later day of the week.
    pub swap_hard_session: bool,
    /// Today's planned load after the change, when a plan was given.
    pub today_load: Option<f64>,
    /// The 7 days' planned load after the change, when a plan was given.
    pub next_7_days_load: Option<f64>,
}

impl Adjustment {
    /// No change.
    pub fn none() -> Self {
        Self {
            today_load_factor: 1.0,
            next_7_days_load_factor: 1.0,
            extra_rest_days: 0,
            swap_hard_session: false,
            today_load: None,
            next_7_days_load: None,
        }
    }
}

/// Which way a factor moves the risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The athlete's value gives a higher risk than their baseline would.
    RaisesRisk,
    /// ... a lower risk.
    LowersRisk,
}

/// How a reason's direction was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasuredBy {
    /// The model scored the day again with the factor at the athlete's baseline.
    Model,
    /// No model scored: the direction is the literature's reading of the rule.
    Rule,
}

/// A factor behind the decision: a group of features read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// 7-day load against the 28-day average.
    SevenDayLoad,
    /// The acute:chronic ratios (coupled, uncoupled, EWMA).
    LoadRatio,
    /// Load this week against the week before.
    WeekChange,
    /// Training monotony and strain.
    Monotony,
    /// Fitness (CTL) and its ramp.
    Fitness,
    /// Form (TSB) and fatigue (ATL).
    Form,
    /// Sessions in the last 7 days.
    SessionCount,
    /// Days since the last hard day.
    DaysSinceHard,
    /// HRV against its 60-day band.
    Hrv,
    /// Resting heart rate against its 28-day baseline.
    RestingHr,
    /// Sleep duration.
    SleepHours,
    /// Sleep quality rating.
    SleepQuality,
    /// Fatigue rating.
    Fatigue,
    /// Soreness rating.
    Soreness,
    /// Stress rating.
    Stress,
    /// Mood rating.
    Mood,
    /// Readiness rating.
    Readiness,
    /// Days since the last session.
    DaysSinceSession,
    /// Days since the last wellness entry, HRV and resting heart rate reading.
    DataFreshness,
    /// Share of the last 28 days with any data.
    DataCompleteness,
}

/// One factor that moved the decision, in the coach's and the athlete's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Which factor.
    pub factor: Factor,
    /// The athlete's value today (its headline feature, as in the sentence).
    pub value: f64,
    /// Their own baseline of it.
    pub baseline: f64,
    /// Which way it moves the risk.
    pub direction: Direction,
    /// Risk today minus the risk with this factor at baseline (model only).
    pub risk_delta: Option<f64>,
    /// How the direction was found.
    pub measured_by: MeasuredBy,
    /// For the coach.
    pub coach: String,
    /// For the athlete, addressed to them.
    pub athlete: String,
}

/// Which stage of the policy a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Checks that withhold any automatic change.
    Guardrail,
    /// The rule baseline.
    Rule,
    /// The model's adjustment.
    Model,
    /// Bounds on the final change.
    Bound,
    /// The model could not score.
    Fallback,
}

/// Every guardrail, rule, model step and bound, as stored codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Less history than [`super::PolicyOptions::min_history_days`].
    ShortHistory,
    /// No data in the last [`super::PolicyOptions::stale_after_days`] days.
    StaleData,
    /// An injury is open.
    OpenInjury,
    /// The data-quality report has errors.
    QualityErrors,
    /// Confidence below [`super::PolicyOptions::min_confidence`].
    LowConfidence,
    /// Ratio above the danger threshold with low readiness.
    RatioDangerLowReadiness,
    /// Ratio above the danger threshold.
    RatioDanger,
    /// Low readiness (HRV, resting heart rate, readiness rating).
    LowReadiness,
    /// Ratio above the sweet spot: hold.
    RatioRaised,
    /// Ratio below the sweet spot: room to build.
    RatioLow,
    /// Ratio within the sweet spot.
    RatioInBand,
    /// No ratio (no load in 28 days).
    RatioUndefined,
    /// Model risk very high: one step more caution.
    RiskVeryHigh,
    /// Model risk high: caution.
    RiskHigh,
    /// Model risk not low: no increase.
    RiskNotLow,
    /// An increase was cut to the bounds.
    IncreaseCapped,
    /// An increase was withheld by the bounds.
    IncreaseBlocked,
    /// The rule baseline answered instead of the model.
    ModelFallback,
}

impl Check {
    /// The stage the check belongs to.
    pub fn stage(self) -> Stage {
        match self {
            Self::ShortHistory
            | Self::StaleData
            | Self::OpenInjury
            | Self::QualityErrors
            | Self::LowConfidence => Stage::Guardrail,
            Self::RatioDangerLowReadiness
            | Self::RatioDanger
            | Self::LowReadiness
            | Self::RatioRaised
            | Self::RatioLow
            | Self::RatioInBand
            | Self::RatioUndefined => Stage::Rule,
            Self::RiskVeryHigh | Self::RiskHigh | Self::RiskNotLow => Stage::Model,
            Self::IncreaseCapped | Self::IncreaseBlocked => Stage::Bound,
            Self::ModelFallback => Stage::Fallback,
        }
    }
}

/// A guardrail, rule, model step or bound that fired, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fired {
    /// Which check.
    pub check: Check,
    /// Its stage.
    pub stage: Stage,
    /// For the coach.
    pub coach: String,
    /// For the athlete.
    pub athlete: String,
}

impl Fired {
    /// A check that fired, with its stage, in both voices.
    pub fn new(check: Check, coach: String, athlete: impl Into<String>) -> Self {
        Self {
            check,
            stage: check.stage(),
            coach,
            athlete: athlete.into(),
        }
    }
}

/// One sentence in both voices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// For the coach.
    pub coach: String,
    /// For the athlete, addressed to them.
    pub athlete: String,
}

/// The model's risk read two ways (DESIGN.md "Who and when"): the athlete's
/// standing risk, their usual over the recent days, which says whom to keep
/// an eye on; and today's change against it, which is what may change today's
/// session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskReading {
    /// Today's risk.
    pub today: f64,
    /// The standing risk: the median risk of the 28 decision days before
    /// (`None` with fewer than 7 of them).
    pub standing: Option<f64>,
    /// The model's training event rate (the team's usual).
    pub team_rate: f64,
    /// Today's risk over the standing risk (`None` without one).
    pub change: Option<f64>,
    /// The standing risk, in words.
    pub standing_words: Sentence,
    /// Today's change, in words.
    pub change_words: Sentence,
}

/// Why the rule baseline answered instead of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FallbackReason {
    /// No model artifact was given.
    NoModel,
    /// The artifact was trained on another feature schema.
    SchemaMismatch,
    /// No feature vector for the decision day.
    NoFeatures,
    /// The artifact has no usable training event rate to set the risk threshold.
    UnusableModel,
}

/// Where the confidence figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceBasis {
    /// The model's calibrated probability for the day.
    Model,
    /// The coupled-ratio rule's event rates on the artifact's training rows.
    RuleRates,
    /// [`super::PolicyOptions::rule_prior_confidence`], a stated prior.
    RulePrior,
    /// A guardrail withheld any automatic recommendation: confidence is 0.
    Withheld,
}

/// The few words for staff beside a confidence or risk from a model that does
/// not beat its simple baselines (`beats` is
/// [`Recommendation::model_beats_baselines`], or the artifact's verdict where a
/// page scores in the browser); `None` when there is nothing to warn of.
pub fn model_caveat(beats: Option<bool>) -> Option<&'static str> {
    (beats == Some(false)).then_some(
        "The active model does not beat its simple baselines in its own backtests (see the Model page): read its risk and this confidence as a weak hint.",
    )
}

/// [`model_caveat`] for the athlete, addressed to them.
pub fn model_caveat_for_athlete(beats: Option<bool>) -> Option<&'static str> {
    (beats == Some(false)).then_some(
        "Forma's risk model cannot yet predict reliably for your team: take this as a careful suggestion, and tell your coach how you feel.",
    )
}

/// [`model_caveat`] in a table cell's few words.
pub fn model_caveat_short(beats: Option<bool>) -> Option<&'static str> {
    (beats == Some(false)).then_some("weak model")
}

/// One athlete's recommendation for one decision day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The athlete.
    pub athlete_id: AthleteId,
    /// The decision day.
    pub date: Date,
    /// What to do.
    pub action: Action,
    /// By how much the plan changes (no change for maintain and manual review).
    pub adjustment: Adjustment,
    /// 0 to 1; see [`super::confidence`] for the definition.
    pub confidence: f64,
    /// Where the confidence comes from.
    pub confidence_basis: ConfidenceBasis,
    /// The automatic action a low confidence turned into manual review.
    pub withheld: Option<Action>,
    /// The model's probability of an adverse episode in the next 7 days, when it scored.
    pub risk: Option<f64>,
    /// The model branch's threshold `t`, when a model scored: twice the
    /// athlete's standing risk, or twice the training rate without one.
    pub risk_threshold: Option<f64>,
    /// Standing risk and today's change, when a model scored.
    #[serde(default)]
    pub risk_reading: Option<RiskReading>,
    /// Share of the 28 days before the decision day with any data.
    pub completeness: f64,
    /// The factors that moved the decision, largest effect first.
    pub reasons: Vec<Reason>,
    /// Guardrails, rules, model steps and bounds that fired, in order.
    pub fired: Vec<Fired>,
    /// What would change the decision.
    pub what_would_change: Vec<Sentence>,
    /// [`super::POLICY_VERSION`].
    pub policy_version: String,
    /// The artifact's version id, when one was given (scored or not: see `fallback`).
    pub model_version: Option<String>,
    /// When a model scored: whether it beats its simple baselines in its own
    /// backtests (its card's verdict). `Some(false)` puts [`model_caveat`] beside
    /// every confidence and risk shown from it.
    #[serde(default)]
    pub model_beats_baselines: Option<bool>,
    /// Why the rule baseline answered instead of the model, if it did.
    pub fallback: Option<FallbackReason>,
    /// One paragraph for the coach.
    pub coach_summary: String,
    /// One paragraph for the athlete, addressed to them.
    pub athlete_summary: String,
    /// The load figures the decision read, and the day they run to.
    #[serde(default)]
    pub figures: Option<DayFigures>,
}

/// The load figures a recommendation read, named by their day: on the morning
/// of the decision day `d` Forma knows the load up to `d - 1` (and the wellness
/// filed on `d`), so the ratio it reads is the one a chart shows for `d - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DayFigures {
    /// The last day of load the figures include (`d - 1`).
    pub load_through: Date,
    /// Coupled 7:28 rolling ratio through `load_through`, as the team page and
    /// the chart show for that day.
    pub ratio: Option<f64>,
    /// Mean daily load of the 7 and 28 days through `load_through`.
    pub acute: Option<f64>,
    pub chronic: Option<f64>,
}

impl DayFigures {
    /// "morning of Tue 31 Mar 2020, from load up to Mon 30 Mar".
    pub fn when(&self, decision_day: Date) -> String {
        format!(
            "morning of {}, from load up to {}",
            decision_day.strftime("%a %-d %b %Y"),
            self.load_through.strftime("%a %-d %b")
        )
    }
}

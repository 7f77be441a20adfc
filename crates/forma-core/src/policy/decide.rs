//! The automatic decision, after the guardrails: the rule baseline, the model's
//! adjustment, the bounds, then the confidence gate.

use crate::features::value_index;

use super::confidence::branch_probability;
use super::day::{Scoring, View};
use super::recommendation::{Action, Adjustment, Check, ConfidenceBasis, Factor, Fired};
use super::words::{percent, ratio};
use super::{PlannedLoad, PolicyOptions};

/// The artifact's ratio rule fires above this coupled ratio
/// ([`crate::model::fit::ratio_rule`]); its event rates are split here.
pub(super) const RULE_RATES_RATIO: f64 = 1.5;

/// Fixed inputs of a decision.
pub(super) struct Ctx<'a> {
    pub options: &'a PolicyOptions,
    pub scoring: Scoring<'a>,
    pub plan: Option<PlannedLoad>,
    pub completeness: f64,
}

/// The automatic decision for one view of the day.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Outcome {
    /// The final action (manual review when confidence falls short).
    pub action: Action,
    /// The automatic action before the confidence gate.
    pub proposed: Action,
    /// What the final action does to the plan.
    pub adjustment: Adjustment,
    /// Rules, model steps, bounds and the confidence gate that fired.
    pub fired: Vec<Fired>,
    /// The confidence of the proposed action.
    pub confidence: f64,
    /// Where it comes from.
    pub basis: ConfidenceBasis,
    /// The probability behind the branch, when calibrated.
    pub branch_p: Option<f64>,
}

/// A sign of low readiness in the day's features.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Signal {
    pub factor: Factor,
    pub value: f64,
    pub coach: String,
    pub athlete: String,
}

fn feature(x: &[f64], name: &str) -> Option<f64> {
    value_index(name)
        .and_then(|k| x.get(k).copied())
        .filter(|v| !v.is_nan())
}

/// Low-readiness signals: HRV below its band (Plews et al. 2014), resting heart
/// rate or self-rated readiness far from the athlete's 28-day baseline.
pub(super) fn low_readiness(x: Option<&[f64]>, options: &PolicyOptions) -> Vec<Signal> {
    let Some(x) = x else { return Vec::new() };
    let mut out = Vec::new();
    if feature(x, "hrv_below_band") == Some(1.0) {
        out.push(Signal {
            factor: Factor::Hrv,
            value: feature(x, "hrv_z").unwrap_or(f64::NAN),
            coach: "HRV below its normal band (Plews et al. 2014)".to_owned(),
            athlete: "your heart-rate variability is lower than normal".to_owned(),
        });
    }
    if let Some(z) = feature(x, "resting_hr_z").filter(|z| *z >= options.resting_hr_z_high) {
        out.push(Signal {
            factor: Factor::RestingHr,
            value: z,
            coach: format!("resting heart rate {z:.1} SD above its 28-day baseline"),
            athlete: "your resting heart rate is higher than usual".to_owned(),
        });
    }
    if let Some(z) = feature(x, "readiness_z").filter(|z| *z <= options.readiness_z_low) {
        out.push(Signal {
            factor: Factor::Readiness,
            value: z,
            coach: format!(
                "readiness rating {:.1} SD below its 28-day baseline",
                z.abs()
            ),
            athlete: "you rated your readiness lower than usual".to_owned(),
        });
    }
    out
}

/// "a", "a and b", "a, b and c".
fn join(items: impl Iterator<Item = String>) -> String {
    let mut items: Vec<String> = items.collect();
    match items.len() {
        0 | 1 => items.pop().unwrap_or_default(),
        _ => {
            let last = items.pop().unwrap_or_default();
            format!("{} and {last}", items.join(", "))
        }
    }
}

/// The rule baseline on the coupled ratio and readiness.
fn rule(view: &View, options: &PolicyOptions) -> (Action, Fired) {
    let signals = low_readiness(view.x.as_deref(), options);
    let coach_signals = join(signals.iter().map(|s| s.coach.clone()));
    let athlete_signals = join(signals.iter().map(|s| s.athlete.clone()));
    let (danger, raised, low) = (
        options.ratio_danger,
        options.ratio_raised,
        options.ratio_low,
    );
    match view.ratio {
        Some(r) if r > danger && !signals.is_empty() => (
            Action::ExtendRecovery,
            Fired::new(
                Check::RatioDangerLowReadiness,
                format!(
                    "Load ratio {} is above {danger} (the \"danger zone\" of Gabbett 2016) and readiness is low ({coach_signals}).",
                    ratio(r)
                ),
                format!(
                    "Your training this past week was well above your usual and {athlete_signals}, so extra rest comes first."
                ),
            ),
        ),
        Some(r) if r > danger => (
            Action::ReduceIntensity,
            Fired::new(
                Check::RatioDanger,
                format!(
                    "Load ratio {} (7-day over 28-day average load, coupled) is above {danger}, the \"danger zone\" of Gabbett 2016.",
                    ratio(r)
                ),
                "Your training this past week was well above your usual, so today should be easier.",
            ),
        ),
        _ if !signals.is_empty() => (
            Action::SwapSession,
            Fired::new(
                Check::LowReadiness,
                format!("Readiness is low today: {coach_signals}."),
                format!("Today {athlete_signals}, so an easy session suits you better."),
            ),
        ),
        Some(r) if r > raised => (
            Action::Maintain,
            Fired::new(
                Check::RatioRaised,
                format!(
                    "Load ratio {} is above {raised}, the top of the {low}-{raised} range (Gabbett 2016): hold the plan, no increase.",
                    ratio(r)
                ),
                "Your training has been climbing; keep to the plan this week.",
            ),
        ),
        Some(r) if r < low => (
            Action::IncreaseVolume,
            Fired::new(
                Check::RatioLow,
                format!(
                    "Load ratio {} is below {low}, under the {low}-{raised} range (Gabbett 2016): there is room to build.",
                    ratio(r)
                ),
                "You have trained less than your usual lately, so there is room to build up.",
            ),
        ),
        Some(r) => (
            Action::Maintain,
            Fired::new(
                Check::RatioInBand,
                format!(
                    "Load ratio {} is within {low}-{raised} (Gabbett 2016).",
                    ratio(r)
                ),
                "Your training load is in a steady range.",
            ),
        ),
        None => (
            Action::Maintain,
            Fired::new(
                Check::RatioUndefined,
                "No load ratio: no training load in the last 28 days.".to_owned(),
                "You have not logged training in the last four weeks.",
            ),
        ),
    }
}

/// One step more caution.
fn escalate(action: Action) -> Action {
    match action {
        Action::Maintain | Action::IncreaseVolume | Action::SwapSession => Action::ReduceIntensity,
        Action::ReduceIntensity | Action::ExtendRecovery => Action::ExtendRecovery,
        Action::ManualReview => Action::ManualReview,
    }
}

/// What today's risk is read against: the athlete's standing risk when known
/// (DESIGN.md "Who and when": today's change of a session rests on what
/// changed for that athlete), else the training rate.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reference {
    /// The level, as a probability.
    pub level: f64,
    /// Whether it is the athlete's standing risk (else the training rate).
    pub standing: bool,
    /// The training rate.
    pub base_rate: f64,
    /// Whether the model beats its baselines (see [`super::day::Scoring`]).
    pub skilled: bool,
}

impl Reference {
    /// "their standing risk of 2.6%" or "the training rate of 1.9%".
    pub fn words(&self) -> String {
        if self.standing {
            format!(
                "the athlete's standing risk of {} (their usual over the last 28 days)",
                percent(self.level)
            )
        } else {
            format!("the training rate of {}", percent(self.base_rate))
        }
    }
}

/// The model's adjustment: more caution when today's risk is high against the
/// athlete's own standing risk, no increase unless it is low against it. It
/// never removes a rule's caution; a disagreement shows as a low confidence
/// instead.
fn model_step(
    action: Action,
    p: f64,
    reference: Reference,
    threshold: f64,
    options: &PolicyOptions,
) -> (Action, Option<Fired>) {
    let level = reference.level;
    let very_high = (options.very_high_risk_multiple * level).max(threshold);
    let low = options.low_risk_multiple * level;
    let usual = if reference.standing {
        "than usual for you"
    } else {
        "than usual"
    };
    // What the athlete is told may not claim more than the model's own
    // backtests support: a model that does not beat its baselines only hints.
    let looks = |often: &str| {
        if reference.skilled {
            format!("Your recent data look like the days that came before an injury or illness {often}{usual}.")
        } else {
            "Your recent days look a little like those before an injury or illness, though Forma's model cannot yet tell this reliably: an easier day is the careful choice.".to_owned()
        }
    };
    // The multiple said is the limit's own (the threshold may have been clamped).
    let said = |grade: &str, limit: f64| {
        format!(
            "The model's 7-day risk is {}, {grade} (at or above {}, {}x {})",
            percent(p),
            percent(limit),
            super::words::num(limit / level, 1),
            reference.words()
        )
    };
    if p >= very_high {
        let to = escalate(action);
        let note = (to != action).then(|| {
            Fired::new(
                Check::RiskVeryHigh,
                format!(
                    "{}: {} rather than {}.",
                    said("very high", very_high),
                    to.label().to_lowercase(),
                    action.label().to_lowercase()
                ),
                looks("far more often "),
            )
        });
        (to, note)
    } else if p >= threshold {
        let to = match action {
            Action::Maintain | Action::IncreaseVolume => Action::ReduceIntensity,
            other => other,
        };
        let note = (to != action).then(|| {
            Fired::new(
                Check::RiskHigh,
                format!(
                    "{}: {} rather than {}.",
                    said("high", threshold),
                    to.label().to_lowercase(),
                    action.label().to_lowercase()
                ),
                looks("more often "),
            )
        });
        (to, note)
    } else if p >= low && action == Action::IncreaseVolume {
        (
            Action::Maintain,
            Some(Fired::new(
                Check::RiskNotLow,
                format!(
                    "The model's 7-day risk {} is not below {}: no increase.",
                    percent(p),
                    reference.words()
                ),
                "Build up in a calmer week: for now your recent days do not look calm enough.",
            )),
        )
    } else {
        (action, None)
    }
}

/// The bounds on an increase: only with a risk estimate that is not high, a
/// ratio at or below `ratio_raised`, at most `1 + max_increase_share`, and no
/// more than keeps the projected ratio at or below `ratio_raised`.
///
/// Projection: after 7 days at the planned load `P x f` (or the last 7 days'
/// load when no plan is given), the coupled ratio is
/// `4 P f / (P f + L21)` with `L21` the load of the 21 days before d; it stays
/// at or below `r` while `f <= r L21 / ((4 - r) P)`.
fn bound_increase(
    view: &View,
    risk: Option<f64>,
    threshold: Option<f64>,
    plan: Option<PlannedLoad>,
    options: &PolicyOptions,
) -> Result<(f64, Option<Fired>), Fired> {
    let blocked = |coach: String| {
        Fired::new(
            Check::IncreaseBlocked,
            coach,
            "Keep to your plan for now rather than adding training.",
        )
    };
    let Some(p) = risk else {
        return Err(blocked(
            "No increase without the model's risk estimate.".to_owned(),
        ));
    };
    let raised = options.ratio_raised;
    match view.ratio {
        Some(r) if r <= raised => {}
        _ => {
            return Err(blocked(format!(
                "No increase while the load ratio is above {raised} or undefined."
            )))
        }
    }
    if threshold.is_some_and(|t| p >= t) {
        return Err(blocked("No increase while the risk is high.".to_owned()));
    }
    let planned = plan
        .and_then(|p| p.next_7_days)
        .filter(|p| *p > 0.0)
        .or_else(|| view.acute.map(|a| 7.0 * a))
        .filter(|p| *p > 0.0);
    let Some(planned) = planned else {
        return Err(blocked(
            "No increase: there is no planned or recent load to build on.".to_owned(),
        ));
    };
    let cap_ratio = raised * view.last_21 / ((4.0 - raised) * planned);
    let wanted = 1.0 + options.increase_step.max(0.0);
    let limit = 1.0 + options.max_increase_share.max(0.0);
    let f = wanted.min(limit).min(cap_ratio);
    if f.is_nan() || f <= 1.0 + 1e-9 {
        return Err(blocked(format!(
            "No increase: more load would take the projected ratio above {raised}."
        )));
    }
    let note = (f < wanted).then(|| {
        Fired::new(
            Check::IncreaseCapped,
            format!(
                "Increase capped at +{}% (at most +{}% a week, and the projected ratio at or below {raised}).",
                super::words::num((f - 1.0) * 100.0, 1),
                super::words::num(options.max_increase_share * 100.0, 0)
            ),
            format!(
                "Build up by about {}%, no more.",
                super::words::num((f - 1.0) * 100.0, 0)
            ),
        )
    });
    Ok((f, note))
}

/// What `action` does to the plan.
pub(super) fn adjustment(
    action: Action,
    increase: f64,
    plan: Option<PlannedLoad>,
    options: &PolicyOptions,
) -> Adjustment {
    let mut a = Adjustment::none();
    match action {
        Action::Maintain | Action::ManualReview => {}
        Action::ReduceIntensity => {
            a.today_load_factor = options.reduce_today_factor;
            a.next_7_days_load_factor = options.reduce_week_factor;
        }
        Action::SwapSession => {
            a.today_load_factor = options.swap_today_factor;
            a.swap_hard_session = true;
        }
        Action::ExtendRecovery => {
            a.today_load_factor = 0.0;
            a.extra_rest_days = options.recovery_rest_days;
            a.next_7_days_load_factor = options.recovery_week_factor;
        }
        Action::IncreaseVolume => a.next_7_days_load_factor = increase,
    }
    // The bound holds whatever the options say.
    let limit = 1.0 + options.max_increase_share.max(0.0);
    a.next_7_days_load_factor = a.next_7_days_load_factor.clamp(0.0, limit);
    a.today_load_factor = a.today_load_factor.clamp(0.0, limit);
    if let Some(plan) = plan {
        a.today_load = plan.today.map(|t| t * a.today_load_factor);
        a.next_7_days_load = plan.next_7_days.map(|w| w * a.next_7_days_load_factor);
    }
    a
}

/// Rule, model, bounds and the confidence gate on one view of the day, with the
/// model's probability `risk` for it (when the model scores).
pub(super) fn evaluate(view: &View, risk: Option<f64>, ctx: &Ctx<'_>) -> Outcome {
    let options = ctx.options;
    let (rule_action, rule_fired) = rule(view, options);
    let mut fired = vec![rule_fired];
    let mut action = rule_action;
    if let (Some(reference), Some(threshold), Some(p)) =
        (ctx.scoring.reference(), ctx.scoring.threshold(), risk)
    {
        let (to, note) = model_step(action, p, reference, threshold, options);
        action = to;
        fired.extend(note);
    }
    let mut increase = 1.0;
    if action == Action::IncreaseVolume {
        match bound_increase(view, risk, ctx.scoring.threshold(), ctx.plan, options) {
            Ok((f, note)) => {
                increase = f;
                fired.extend(note);
            }
            Err(note) => {
                action = Action::Maintain;
                fired.push(note);
            }
        }
    }
    let branch = action
        .branch()
        .expect("the rule, model and bounds only choose automatic actions");
    let completeness = ctx.completeness.clamp(0.0, 1.0);
    let (branch_p, basis, confidence) = match ctx.scoring {
        Scoring::Model { threshold, .. } => match risk {
            Some(p) => (
                Some(p),
                ConfidenceBasis::Model,
                branch_probability(p, branch, threshold) * completeness,
            ),
            None => (
                None,
                ConfidenceBasis::RulePrior,
                options.rule_prior_confidence * completeness,
            ),
        },
        Scoring::Rates {
            above,
            other,
            threshold,
        } => {
            let p = if view.ratio.is_some_and(|r| r > RULE_RATES_RATIO) {
                above
            } else {
                other
            };
            (
                Some(p),
                ConfidenceBasis::RuleRates,
                branch_probability(p, branch, threshold) * completeness,
            )
        }
        Scoring::Prior => (
            None,
            ConfidenceBasis::RulePrior,
            options.rule_prior_confidence * completeness,
        ),
    };
    let confidence = if confidence.is_nan() {
        0.0
    } else {
        confidence.clamp(0.0, 1.0)
    };
    let proposed = action;
    if confidence < options.min_confidence {
        fired.push(Fired::new(
            Check::LowConfidence,
            format!(
                "Confidence {confidence:.2} is below {:.2}: {} is left to the coach.",
                options.min_confidence,
                proposed.label().to_lowercase()
            ),
            "Forma's estimate is too close to call today.",
        ));
        action = Action::ManualReview;
    }
    Outcome {
        action,
        proposed,
        adjustment: adjustment(action, increase, ctx.plan, options),
        fired,
        confidence,
        basis,
        branch_p,
    }
}

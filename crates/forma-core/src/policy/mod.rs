//! The recommendation policy (issue 8): one athlete's action for one decision
//! day, with how much it changes the plan, a confidence that can be checked,
//! the reasons in the coach's and the athlete's words, and what would change it.
//! Pure and deterministic, natively and in the browser.
//!
//! # Order
//!
//! 1. **Guardrails.** Manual review, never an automatic change, when the data
//!    cannot carry one: less than [`PolicyOptions::min_history_days`] (28) of
//!    history before d, no data in the last [`PolicyOptions::stale_after_days`]
//!    (3), an open injury, or an error in the data-quality report.
//! 2. **Rule baseline**, on the coupled 7:28 ratio at d-1 and the day's
//!    readiness (Gabbett 2016, Br J Sports Med 50:273; Plews et al. 2014):
//!    ratio > 1.5 with low readiness: extend recovery; ratio > 1.5: reduce
//!    intensity; low readiness (HRV below its band, resting heart rate well
//!    above or self-rated readiness well below the athlete's baseline): swap
//!    session; ratio > 1.3: maintain, no increase; ratio < 0.8: increase
//!    volume; otherwise maintain.
//! 3. **The model adjusts within bounds** ([`ModelArtifact::score`], calibrated),
//!    on today's change rather than on who the athlete is (DESIGN.md "Who and
//!    when"): today's risk is read against the athlete's **standing risk**, the
//!    median of the model's risk over the 28 decision days before d (the
//!    training event rate while fewer than 7 of them are scored). Risk at or
//!    above 4x that level adds one step of caution (reduce intensity becomes
//!    extend recovery); at or above 2x (`t`) turns maintain or an increase into
//!    reduce intensity; an increase needs a risk below 1x. An athlete whose
//!    risk is always high is flagged by the standing risk, not held to
//!    reduced sessions every day. The model never removes a rule's caution:
//!    when it disagrees, the confidence falls below one half and the day goes
//!    to manual review. [`Recommendation::risk_reading`] says both in words.
//! 4. **Bounds.** An increase needs a model score, a ratio at or below 1.3 and a
//!    risk below `t`; it is at most [`PolicyOptions::max_increase_share`] (10%,
//!    a coaching convention) and no more than keeps the ratio projected a week
//!    ahead at or below 1.3. No action's 7-day multiplier exceeds `1 + 10%`.
//! 5. **Confidence gate.** Below [`PolicyOptions::min_confidence`], manual
//!    review, with the withheld action named ([`confidence`] defines the figure).
//!
//! Each action that changes a plan says by how much ([`Adjustment`]): reduce
//! intensity: today x 0.7 and the next 7 days x 0.9; swap session: today x 0.5
//! with the hard session moved later, the week unchanged; extend recovery: 2
//! rest days from today and the week x 0.8; increase volume: the week x 1.05
//! or less. With a [`PlannedLoad`] the adjustment also gives the loads.
//!
//! # Reasons and what would change
//!
//! See [`reasons`]: each factor's effect is the model's risk today minus its
//! risk with that factor at the athlete's own baseline; the top three by size,
//! each with its direction and delta, in sentences with the athlete's value and
//! baseline. Every guardrail, rule, model step and bound that fired is said in
//! words ([`Fired`]). "What would change" runs the same decision again on edited
//! copies of the day (the 7-day load at the ratio thresholds with the 3 weeks
//! before unchanged; another factor at baseline; the risk across its threshold;
//! more data for a guardrail) and says which edits change the action.
//!
//! # Fallback
//!
//! With no model, a model trained on another feature schema, or no feature
//! vector for the day, the rule baseline answers; [`Recommendation::fallback`]
//! says why and a [`Fired`] sentence says so. Increases then wait for a model.
//!
//! # Versions
//!
//! Every recommendation carries [`POLICY_VERSION`] and the artifact's version id.
//!
//! ```
//! use forma_core::policy::{recommend, Action, PolicyData, PolicyOptions};
//! use forma_core::types::{AthleteId, Session};
//! let id: AthleteId = "a1".parse().unwrap();
//! let day = |i: i64| jiff::civil::date(2024, 1, 1).checked_add(jiff::Span::new().days(i)).unwrap();
//! // Four steady weeks, then a week at 2.5 times the load.
//! let sessions: Vec<Session> = (0..35)
//!     .map(|i| Session {
//!         athlete_id: id.clone(),
//!         date: day(i),
//!         sport: None,
//!         duration_min: Some(60.0),
//!         rpe: Some(5.0),
//!         load: if i < 28 { 300.0 } else { 750.0 },
//!         distance_km: None,
//!         avg_hr: None,
//!         source: None,
//!     })
//!     .collect();
//! let data = PolicyData::build(&id, &sessions, &[], &[], day(35)).unwrap();
//! let r = recommend(&data.input(day(35)), &PolicyOptions::default());
//! assert_eq!(r.action, Action::ReduceIntensity);
//! assert!(r.fallback.is_some() && r.model_version.is_none());
//! // Too short a history: manual review, whatever the load.
//! let r = recommend(&data.input(day(10)), &PolicyOptions::default());
//! assert_eq!(r.action, Action::ManualReview);
//! ```

pub mod athlete;
mod change;
pub mod confidence;
mod day;
mod decide;
mod input;
mod options;
mod overrides;
pub mod reasons;
mod recommendation;
mod words;

pub use input::{PlannedLoad, PolicyData, PolicyInput};
pub use options::PolicyOptions;
pub use overrides::{check_decision, override_warnings, CheckedDecision, DecisionRequest};
pub use recommendation::{model_caveat, model_caveat_for_athlete, model_caveat_short};
pub use recommendation::{
    Action, Adjustment, Branch, Check, ConfidenceBasis, DayFigures, Direction, Factor,
    FallbackReason, Fired, MeasuredBy, Reason, Recommendation, RiskReading, Sentence, Stage,
};

use crate::model::ModelArtifact;

use day::{Day, Scoring};
use decide::{adjustment, evaluate, low_readiness, Ctx};
use words::num;
/// A risk as the recommendation's sentences write it, for pages that show it beside them.
pub use words::percent as risk_percent;

/// The policy's version; change it whenever a rule, threshold default or
/// definition changes what a recommendation says.
pub const POLICY_VERSION: &str = "forma-policy-2";

/// The decision alone, without its reasons, "what would change" or summaries:
/// what [`recommend`] decides, at a fraction of the cost, for callers that
/// need many days at once (a what-if plan's every day).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// The decision day.
    pub date: jiff::civil::Date,
    /// The action.
    pub action: Action,
    /// What it changes.
    pub adjustment: Adjustment,
    /// The confidence, as in [`Recommendation::confidence`].
    pub confidence: f64,
    /// Where the confidence comes from.
    pub confidence_basis: ConfidenceBasis,
    /// The automatic action held back for manual review, if any.
    pub withheld: Option<Action>,
    /// The model's risk, when it scored the day.
    pub risk: Option<f64>,
    /// The athlete's standing risk the day's risk was read against, when known.
    #[serde(default)]
    pub standing_risk: Option<f64>,
    /// Share of the 28 days before d with any data.
    pub completeness: f64,
    /// Every guardrail, rule, model step and bound that fired.
    pub fired: Vec<Fired>,
}

/// What the decision day reads and what was decided, shared by [`decide`] and
/// [`recommend`].
struct Decided<'a> {
    day: Day<'a>,
    ctx: Ctx<'a>,
    risk: Option<f64>,
    outcome: decide::Outcome,
    fallback: Option<FallbackReason>,
    /// What would lift each guardrail that fired (empty when none fired).
    guard_changes: Vec<Sentence>,
    decision: Decision,
}

impl<'a> Decided<'a> {
    fn of(input: &PolicyInput<'a>, options: &'a PolicyOptions) -> Self {
        let day = Day::read(input, options);
        let (scoring, fallback) = Scoring::of(input, &day, options);
        let ctx = Ctx {
            options,
            scoring,
            plan: input.plan,
            completeness: day.completeness,
        };
        let risk = scoring.risk(day.view.x.as_deref());
        let outcome = evaluate(&day.view, risk, &ctx);
        let guards = change::guardrails(input, &day, options);
        let mut fired: Vec<Fired> = guards.iter().map(|(f, _)| f.clone()).collect();
        if let Some(reason) = fallback {
            fired.push(change::fallback_fired(reason, input, &scoring));
        }
        let decision = if guards.is_empty() {
            fired.extend(outcome.fired.iter().cloned());
            Decision {
                date: input.date,
                action: outcome.action,
                adjustment: outcome.adjustment,
                confidence: outcome.confidence,
                confidence_basis: outcome.basis,
                withheld: (outcome.action == Action::ManualReview).then_some(outcome.proposed),
                risk,
                standing_risk: scoring.standing(),
                completeness: day.completeness,
                fired,
            }
        } else {
            Decision {
                date: input.date,
                action: Action::ManualReview,
                adjustment: adjustment(Action::ManualReview, 1.0, input.plan, options),
                confidence: 0.0,
                confidence_basis: ConfidenceBasis::Withheld,
                withheld: None,
                risk,
                standing_risk: scoring.standing(),
                completeness: day.completeness,
                fired,
            }
        };
        Self {
            day,
            ctx,
            risk,
            outcome,
            fallback,
            guard_changes: guards.into_iter().map(|(_, s)| s).collect(),
            decision,
        }
    }
}

/// The model's calibrated risk for `input`'s athlete and day, as
/// [`recommend`] and [`decide`] read it (`None` when the rule baseline answers
/// because the model cannot score the day).
pub fn model_risk(input: &PolicyInput<'_>, options: &PolicyOptions) -> Option<f64> {
    let day = Day::read(input, options);
    let (scoring, _) = Scoring::of(input, &day, options);
    scoring.risk(day.view.x.as_deref())
}

/// The decision for `input`'s athlete and day: the same action, adjustment,
/// confidence and checks as [`recommend`], without the explanations.
pub fn decide(input: &PolicyInput<'_>, options: &PolicyOptions) -> Decision {
    Decided::of(input, options).decision
}

/// The recommendation for `input`'s athlete and day.
pub fn recommend(input: &PolicyInput<'_>, options: &PolicyOptions) -> Recommendation {
    let Decided {
        day,
        ctx,
        risk,
        outcome,
        fallback,
        guard_changes,
        decision,
    } = Decided::of(input, options);
    let x = day.view.x.as_deref();
    let factors = x
        .map(|x| reasons::factor_baselines(x, &day.previous, options))
        .unwrap_or_default();
    let what_would_change = if guard_changes.is_empty() {
        change::counterfactuals(&day, &ctx, &outcome, risk, &factors)
    } else {
        guard_changes
    };
    let reasons = match (&ctx.scoring, risk, x) {
        (Scoring::Model { artifact, .. }, Some(p), Some(x)) => {
            let score = |v: &[f64]| artifact.score(v).value();
            reasons::model_reasons(x, &factors, p, &score, options)
        }
        _ => rule_reasons(&day, options),
    };

    let mut rec = Recommendation {
        athlete_id: input.athlete_id.clone(),
        date: decision.date,
        action: decision.action,
        adjustment: decision.adjustment,
        confidence: decision.confidence,
        confidence_basis: decision.confidence_basis,
        withheld: decision.withheld,
        risk,
        risk_threshold: risk.and(ctx.scoring.threshold()),
        risk_reading: risk.and_then(|p| risk_reading(p, &ctx.scoring, options)),
        completeness: decision.completeness,
        reasons,
        fired: decision.fired,
        what_would_change,
        policy_version: POLICY_VERSION.to_owned(),
        model_version: input.model.map(|m: &ModelArtifact| m.version_id.clone()),
        model_beats_baselines: risk.and(ctx.scoring.skilled()),
        fallback,
        coach_summary: String::new(),
        athlete_summary: String::new(),
        figures: day_figures(input.date, &day.view),
    };
    rec.coach_summary = coach_summary(&rec, options);
    rec.athlete_summary = athlete::summary(&rec);
    rec
}

/// The load figures of the day, dated by the last day of load they include.
fn day_figures(date: jiff::civil::Date, view: &day::View) -> Option<DayFigures> {
    let load_through = date.yesterday().ok()?;
    Some(DayFigures {
        load_through,
        ratio: view.ratio,
        acute: view.acute,
        chronic: view.chronic,
    })
}

/// Standing risk and today's change, in the coach's and the athlete's words.
fn risk_reading(p: f64, scoring: &Scoring<'_>, options: &PolicyOptions) -> Option<RiskReading> {
    let reference = scoring.reference()?;
    let threshold = scoring.threshold()?;
    let team = reference.base_rate;
    let standing = scoring.standing();
    let times = |a: f64, b: f64| words::num(a / b, 1);
    let standing_words = match standing {
        Some(s) => Sentence {
            coach: format!(
                "Standing risk {}: the athlete's usual 7-day risk over the last 28 days, {}x the team's rate of {}. It says whom to keep an eye on (their level, their history), not what to change today.",
                words::percent(s),
                times(s, team),
                words::percent(team)
            ),
            athlete: format!(
                "Your usual chance of an injury or illness in a week is about {}{}.",
                words::percent(s),
                if s >= options.high_risk_multiple * team {
                    ", higher than most of the team's"
                } else {
                    ""
                }
            ),
        },
        None => Sentence {
            coach: "No standing risk yet: fewer than 7 of the last 28 days could be scored, so today's risk is read against the team's rate.".to_owned(),
            athlete: "Forma does not know your usual level yet.".to_owned(),
        },
    };
    let change = standing.filter(|s| *s > 0.0).map(|s| p / s);
    let change_words = match change {
        Some(c) if p >= threshold => Sentence {
            coach: format!(
                "Today's change: risk {}, {}x the athlete's standing risk (at or above {}x counts as raised): this is what the model moves today's session on.",
                words::percent(p),
                words::num(c, 1),
                words::num(options.high_risk_multiple, 1)
            ),
            athlete: format!(
                "Today your risk is about {} times your usual, so today's plan is adjusted.",
                words::num(c, 1)
            ),
        },
        Some(c) => Sentence {
            coach: format!(
                "Today's change: risk {}, {}x the athlete's standing risk, below the {}x that would change today's session.",
                words::percent(p),
                words::num(c, 1),
                words::num(options.high_risk_multiple, 1)
            ),
            athlete: if c <= 1.1 {
                "Today your risk is no higher than usual for you.".to_owned()
            } else {
                "Today your risk is a little above your usual, not enough to change your plan."
                    .to_owned()
            },
        },
        None => Sentence {
            coach: format!(
                "Today's risk {} is {}x the team's rate (at or above {}x would change today's session).",
                words::percent(p),
                times(p, team),
                words::num(threshold / team, 1)
            ),
            athlete: format!(
                "Today your chance of an injury or illness this week is about {}.",
                words::percent(p)
            ),
        },
    };
    Some(RiskReading {
        today: p,
        standing,
        team_rate: team,
        change,
        standing_words,
        change_words,
    })
}

/// Without a model: the rule's inputs, read as the literature reads them.
fn rule_reasons(day: &Day<'_>, options: &PolicyOptions) -> Vec<Reason> {
    let view = &day.view;
    let mut out = Vec::new();
    let band = |r: f64| {
        if r > options.ratio_raised || r < options.ratio_low {
            (
                Direction::RaisesRisk,
                format!(
                    "the rule reads a ratio outside {}-{} as raising the risk (Gabbett 2016); no model measured it",
                    options.ratio_low, options.ratio_raised
                ),
            )
        } else {
            (
                Direction::LowersRisk,
                format!(
                    "the rule reads a ratio within {}-{} as the lower-risk range (Gabbett 2016); no model measured it",
                    options.ratio_low, options.ratio_raised
                ),
            )
        }
    };
    if let (Some(r), Some(b)) = (view.ratio.filter(|r| r.is_finite()), day.ratio_baseline) {
        let (direction, why) = band(r);
        out.push(reasons::rule_reason(
            Factor::LoadRatio,
            r,
            b,
            direction,
            &why,
        ));
    }
    if let (Some(a), Some(c), Some(r)) = (view.acute, view.chronic, view.ratio) {
        if c > 0.0 {
            let (direction, why) = band(r);
            out.push(reasons::rule_reason(
                Factor::SevenDayLoad,
                a,
                c,
                direction,
                &why,
            ));
        }
    }
    for s in low_readiness(view.x.as_deref(), options) {
        if s.value.is_finite() {
            out.push(reasons::rule_reason(
                s.factor,
                s.value,
                0.0,
                Direction::RaisesRisk,
                "the rule reads low readiness as a reason for an easier day; no model measured it",
            ));
        }
    }
    out.truncate(options.top_reasons as usize);
    out
}

/// How the adjustment reads to the coach.
fn adjustment_words(rec: &Recommendation) -> String {
    let a = &rec.adjustment;
    let factor = |f: f64| num(f, 2);
    let amount = |load: Option<f64>, f: f64| {
        load.filter(|_| f != 1.0)
            .map(|after| {
                let before = if f > 0.0 { after / f } else { f64::NAN };
                if before.is_finite() {
                    format!(" ({} to {})", words::au(before), words::au(after))
                } else {
                    format!(" (to {})", words::au(after))
                }
            })
            .unwrap_or_default()
    };
    let today = format!(
        "today's planned load x {}{}",
        factor(a.today_load_factor),
        amount(a.today_load, a.today_load_factor)
    );
    let week = format!(
        "the next 7 days x {}{}",
        factor(a.next_7_days_load_factor),
        amount(a.next_7_days_load, a.next_7_days_load_factor)
    );
    match rec.action {
        Action::Maintain | Action::ManualReview => String::new(),
        Action::ReduceIntensity => format!(": {today}, {week}"),
        Action::SwapSession => format!(
            ": today's hard session moves later in the week, {today}; the week's total is unchanged"
        ),
        Action::ExtendRecovery => format!(
            ": {} from today, {week}",
            words::days(i64::from(a.extra_rest_days)).replace("day", "rest day")
        ),
        Action::IncreaseVolume => format!(": {week}"),
    }
}

fn coach_summary(rec: &Recommendation, options: &PolicyOptions) -> String {
    let mut s = format!("{}{}.", rec.action.label(), adjustment_words(rec));
    let main: Vec<&Fired> = if rec
        .fired
        .iter()
        .any(|f| f.stage == Stage::Guardrail && f.check != Check::LowConfidence)
    {
        rec.fired
            .iter()
            .filter(|f| f.stage == Stage::Guardrail)
            .collect()
    } else {
        rec.fired
            .iter()
            .filter(|f| f.stage != Stage::Fallback)
            .collect()
    };
    for f in main.iter().filter(|f| f.check != Check::LowConfidence) {
        s.push(' ');
        s.push_str(&f.coach);
    }
    let basis = match rec.confidence_basis {
        ConfidenceBasis::Model => "from the model's calibrated risk",
        ConfidenceBasis::RuleRates => "from the ratio rule's record on the model's training data",
        ConfidenceBasis::RulePrior => "a stated prior for the rule, not a measurement",
        ConfidenceBasis::Withheld => "no automatic recommendation",
    };
    s.push_str(&format!(" Confidence {:.2} ({basis})", rec.confidence));
    match rec.withheld {
        Some(w) => s.push_str(&format!(
            " is below {:.2}: {} is left to the coach.",
            options.min_confidence,
            w.label().to_lowercase()
        )),
        None => s.push('.'),
    }
    if let Some(f) = rec.fired.iter().find(|f| f.stage == Stage::Fallback) {
        s.push(' ');
        s.push_str(&f.coach);
    }
    if let Some(caveat) = model_caveat(rec.model_beats_baselines) {
        s.push(' ');
        s.push_str(caveat);
    }
    s
}

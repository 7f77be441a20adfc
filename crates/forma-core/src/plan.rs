//! What-if plans: the next 7 to 28 days of planned sessions, edits and presets,
//! and their projection: every load metric, fitness, fatigue and form, the
//! model's risk per day with an uncertainty band, and warnings, computed the same
//! way natively and in the browser.
//!
//! A projection treats the plan as if it were done: the athlete's recorded
//! sessions before the plan's first day, then the planned sessions, go through the
//! same series and metrics code as recorded data ([`crate::series`],
//! [`crate::metrics`]). Recorded sessions on or after the first plan day are
//! replaced by the plan. Risk for a plan day d is the active model's probability
//! on the features of d ([`crate::features`]): load up to d-1 (planned loads
//! included), and wellness as known, which for future days means none (the
//! model imputes missing values and the freshness features grow).
//!
//! The uncertainty band is the 10th to 90th percentile of the forest's trees,
//! each calibrated like the forest: how much the trees agree about the day. It is
//! a spread of opinions, not a confidence interval.
//!
//! Each projected day also carries the decision the policy
//! ([`crate::policy::decide`]) would make on it if the plan were followed up to
//! the day before: the same guardrails, rules, model step and bounds as today's
//! recommendation, reading the plan's load for the day and the week from it. One
//! day, [`ProjectionInput::detail_day`], also gets the whole recommendation with
//! its reasons and what would change it ([`crate::policy::recommend`]), which
//! costs several times more than the decision.
//! Planned days count as known data (a planned rest day is not a gap), an injury
//! is open on a day by [`crate::targets::open_on`] over the recorded reports, and
//! the recorded history's data-quality findings stand for every day. Guardrails
//! that fire are among the day's warnings.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::banister::{fit_banister, BanisterFit, BanisterParams, FitOptions};
use crate::bounds::{self, Bound};
use crate::features::{athlete_features_with, FeatureInputs, WellnessPart};
use crate::metrics::{DailyMetrics, MetricsOptions};
use crate::model::ModelArtifact;
use crate::policy::{
    decide, recommend, Decision, PolicyInput, PolicyOptions, Recommendation, Stage,
};
use crate::quality::Finding;
use crate::series::DailySeries;
use crate::stats;
use crate::targets::CoachLabel;
use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Event, Session, WellnessEntry};

/// Fewest days a plan covers.
pub const MIN_DAYS: usize = 7;
/// Most days a plan covers.
pub const MAX_DAYS: usize = 28;

/// One planned session. Its load is `load` when given, else session RPE (Foster
/// et al. 2001): RPE (CR-10) times minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlannedSession {
    /// Free-text sport, such as `running`.
    pub sport: Option<String>,
    /// Planned minutes.
    pub minutes: Option<f64>,
    /// Planned RPE, 0 to 10.
    pub rpe: Option<f64>,
    /// Planned load, overriding RPE times minutes.
    pub load: Option<f64>,
}

impl PlannedSession {
    /// The session's load: `load`, else RPE times minutes, else 0.
    pub fn planned_load(&self) -> f64 {
        self.load
            .or_else(|| Some(self.rpe? * self.minutes?))
            .unwrap_or(0.0)
    }

    /// The same session scaled by `factor`: minutes when the load comes from RPE
    /// times minutes (the intensity stays), the load when it is given.
    #[must_use]
    pub fn scaled(&self, factor: f64) -> Self {
        let mut s = self.clone();
        match s.load {
            Some(load) => s.load = Some(round1(load * factor)),
            None => s.minutes = s.minutes.map(|m| round1(m * factor)),
        }
        s
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A plan: sessions per day from `start`, one entry per day (empty = rest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The first planned day.
    pub start: Date,
    /// Sessions of each day, `days[0]` on `start`.
    pub days: Vec<Vec<PlannedSession>>,
}

/// Which number of a planned session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SessionField {
    Minutes,
    Rpe,
    Load,
}

impl SessionField {
    pub const ALL: [SessionField; 3] =
        [SessionField::Minutes, SessionField::Rpe, SessionField::Load];

    /// The values the field accepts: the same bounds as a recorded session's
    /// ([`bounds::DURATION_MIN`], [`bounds::RPE`], [`bounds::LOAD`]), under the
    /// plan's field names.
    pub fn bound(self) -> Bound {
        match self {
            SessionField::Minutes => bounds::DURATION_MIN.named("minutes"),
            SessionField::Rpe => bounds::RPE,
            SessionField::Load => bounds::LOAD,
        }
    }

    /// The field as the editor names it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            SessionField::Minutes => "Minutes",
            SessionField::Rpe => "RPE",
            SessionField::Load => "Load",
        }
    }

    /// The field's value in `session`.
    pub fn value(self, session: &PlannedSession) -> Option<f64> {
        match self {
            SessionField::Minutes => session.minutes,
            SessionField::Rpe => session.rpe,
            SessionField::Load => session.load,
        }
    }

    /// Sets the field's value in `session`.
    pub fn set(self, session: &mut PlannedSession, value: Option<f64>) {
        match self {
            SessionField::Minutes => session.minutes = value,
            SessionField::Rpe => session.rpe = value,
            SessionField::Load => session.load = value,
        }
    }

    /// Why `value` is refused, in words: "RPE 11 is not accepted: give an RPE
    /// from 0 to 10 (CR-10 scale)."
    pub fn refusal(self, value: f64) -> String {
        format!(
            "{} {value} is not accepted: give {}.",
            self.label(),
            self.bound().accepted
        )
    }

    /// Reads what was typed into the field: empty is no value, a comma may stand
    /// for the decimal point.
    ///
    /// # Errors
    /// Text that is not a number, or a number outside [`SessionField::bound`], with
    /// what is accepted.
    pub fn parse(self, text: &str) -> Result<Option<f64>, String> {
        let text = text.trim().replace(',', ".");
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(value) if self.bound().contains(value) => Ok(Some(value)),
            Ok(value) => Err(self.refusal(value)),
            Err(_) => Err(format!(
                "{} “{text}” is not a number: give {}.",
                self.label(),
                self.bound().accepted
            )),
        }
    }
}

/// A plan that cannot be projected, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// Where: `days`, or `days[3][0].rpe` and so on.
    pub field: String,
    /// What is wrong and what is accepted.
    pub message: String,
    /// The session and number at fault, for an editor to mark the field (`None`
    /// for the plan's length).
    pub at: Option<(usize, usize, SessionField)>,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for PlanError {}

impl Plan {
    /// A plan of `days` rest days from `start`.
    pub fn empty(start: Date, days: usize) -> Self {
        Self {
            start,
            days: vec![Vec::new(); days],
        }
    }

    /// The date of day `i`.
    pub fn date(&self, i: usize) -> Date {
        date_from_epoch_day(epoch_day(self.start) + i as i32)
    }

    /// The last planned day.
    pub fn end(&self) -> Date {
        self.date(self.days.len().saturating_sub(1))
    }

    /// The planned load of `date` and of the 7 days from it, as the policy reads
    /// a plan: days outside the plan count as unknown; the week is the sum of the
    /// known days (a plan starting tomorrow covers the week from today less today).
    pub fn planned_load(&self, date: Date) -> crate::policy::PlannedLoad {
        let loads = self.loads();
        let offset = epoch_day(date) - epoch_day(self.start);
        let at = |i: i32| usize::try_from(i).ok().and_then(|i| loads.get(i)).copied();
        let week: Vec<f64> = (offset..offset + 7).filter_map(at).collect();
        crate::policy::PlannedLoad {
            today: at(offset),
            next_7_days: (!week.is_empty()).then(|| week.iter().sum()),
        }
    }

    /// Each day's planned load. A rest day is 0, never the -0 an empty float
    /// sum starts from (shown as "-0").
    pub fn loads(&self) -> Vec<f64> {
        self.days
            .iter()
            .map(|d| d.iter().map(PlannedSession::planned_load).sum::<f64>() + 0.0)
            .collect()
    }

    /// Checks the plan: 7 to 28 days, and every number within its bound
    /// ([`SessionField::bound`]).
    ///
    /// # Errors
    /// The first problem, naming the day and session (see [`Plan::problems`]).
    pub fn validate(&self) -> Result<(), PlanError> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every problem of the plan, in order of day, session and field.
    pub fn problems(&self) -> Vec<PlanError> {
        let mut problems = Vec::new();
        if !(MIN_DAYS..=MAX_DAYS).contains(&self.days.len()) {
            problems.push(PlanError {
                field: "days".to_owned(),
                message: format!(
                    "a plan covers {MIN_DAYS} to {MAX_DAYS} days, not {}",
                    self.days.len()
                ),
                at: None,
            });
        }
        for (d, sessions) in self.days.iter().enumerate() {
            for (k, s) in sessions.iter().enumerate() {
                for field in SessionField::ALL {
                    let bound = field.bound();
                    match field.value(s) {
                        Some(v) if !bound.contains(v) => problems.push(PlanError {
                            field: format!("days[{d}][{k}].{}", bound.field),
                            message: format!(
                                "{v} is not accepted on {}: {} must be {}",
                                self.date(d),
                                bound.field,
                                bound.accepted
                            ),
                            at: Some((d, k, field)),
                        }),
                        _ => {}
                    }
                }
            }
        }
        problems
    }

    /// The plan with every value in error left empty, for a plan that starts
    /// with one (an editor holds a plan being typed at its last accepted state
    /// instead).
    pub fn without_problems(&self) -> Plan {
        let mut clean = self.clone();
        for problem in self.problems() {
            if let Some((d, k, field)) = problem.at {
                if let Some(s) = clean.days.get_mut(d).and_then(|d| d.get_mut(k)) {
                    field.set(s, None);
                }
            }
        }
        clean
    }

    /// `problems` of this plan in words, each with its day: "Not accepted: RPE
    /// 11 on Tue 2024-03-05 (give a number from 0 to 10)."; a problem of the
    /// whole plan (its length) in its own words.
    pub fn problems_words(&self, problems: &[PlanError]) -> String {
        let words: Vec<String> = problems
            .iter()
            .map(|problem| match problem.at {
                Some((d, k, field)) => {
                    let date = self.date(d);
                    let value = self
                        .days
                        .get(d)
                        .and_then(|day| day.get(k))
                        .and_then(|s| field.value(s))
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    format!(
                        "{} {value} on {} {date} (give {})",
                        field.label(),
                        date.strftime("%a"),
                        field.bound().accepted
                    )
                }
                None => problem.message.clone(),
            })
            .collect();
        format!("Not accepted: {}.", words.join("; "))
    }

    /// The planned sessions as [`Session`]s of `athlete` (source `plan`).
    pub fn sessions(&self, athlete: &AthleteId) -> Vec<Session> {
        self.days
            .iter()
            .enumerate()
            .flat_map(|(i, day)| {
                let date = self.date(i);
                day.iter().map(move |s| Session {
                    athlete_id: athlete.clone(),
                    date,
                    sport: s.sport.clone(),
                    duration_min: s.minutes,
                    rpe: s.rpe,
                    load: s.planned_load(),
                    distance_km: None,
                    avg_hr: None,
                    source: Some("plan".to_owned()),
                })
            })
            .collect()
    }
}

/// The presets a coach can apply to a whole plan.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// Every session's load down by 30% (a deload week).
    Deload,
    /// Every session's load up by 10% (a progression).
    Progression,
    /// The recorded sessions of the 7 days before the plan, repeated week by week.
    CopyLastWeek,
}

impl Preset {
    /// The load factor of a scaling preset.
    pub fn factor(self) -> Option<f64> {
        match self {
            Preset::Deload => Some(0.7),
            Preset::Progression => Some(1.1),
            Preset::CopyLastWeek => None,
        }
    }
}

/// `plan` with `preset` applied; `history` is the athlete's recorded sessions.
pub fn apply_preset(plan: &Plan, preset: Preset, history: &[Session]) -> Plan {
    match preset.factor() {
        Some(factor) => Plan {
            start: plan.start,
            days: plan
                .days
                .iter()
                .map(|day| day.iter().map(|s| s.scaled(factor)).collect())
                .collect(),
        },
        None => {
            let first = epoch_day(plan.start);
            let mut week: Vec<Vec<PlannedSession>> = vec![Vec::new(); 7];
            for s in history {
                let offset = epoch_day(s.date) - (first - 7);
                if (0..7).contains(&offset) {
                    let rpe_load = s.rpe.zip(s.duration_min).map(|(r, m)| r * m);
                    week[offset as usize].push(PlannedSession {
                        sport: s.sport.clone(),
                        minutes: s.duration_min,
                        rpe: s.rpe,
                        // Keep the recorded load when it is not RPE times minutes.
                        load: (rpe_load != Some(s.load)).then_some(s.load),
                    });
                }
            }
            Plan {
                start: plan.start,
                days: (0..plan.days.len()).map(|i| week[i % 7].clone()).collect(),
            }
        }
    }
}

/// The plan an editor starts from, `next_day` being the day after the
/// athlete's last day: the `saved` plan when it starts on that day or later,
/// else the last recorded week of `history` repeated for two weeks.
pub fn starting_plan(next_day: Date, saved: Option<&Plan>, history: &[Session]) -> Plan {
    match saved {
        Some(saved) if saved.start >= next_day => saved.clone(),
        _ => apply_preset(&Plan::empty(next_day, 14), Preset::CopyLastWeek, history),
    }
}

/// Copies day `from`'s sessions onto day `to` (replacing what was there).
pub fn copy_day(plan: &mut Plan, from: usize, to: usize) {
    if let Some(sessions) = plan.days.get(from).cloned() {
        if let Some(day) = plan.days.get_mut(to) {
            *day = sessions;
        }
    }
}

/// Moves session `index` of day `from` to the end of day `to`.
pub fn move_session(plan: &mut Plan, from: usize, index: usize, to: usize) {
    if to >= plan.days.len() || from >= plan.days.len() || index >= plan.days[from].len() {
        return;
    }
    let session = plan.days[from].remove(index);
    plan.days[to].push(session);
}

/// The model's probability for a day with the spread of the forest's trees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskBand {
    /// The active model's calibrated probability.
    pub p: f64,
    /// 10th percentile of the calibrated tree probabilities.
    pub low: f64,
    /// 90th percentile.
    pub high: f64,
}

/// One projected day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectedDay {
    pub date: Date,
    pub load: f64,
    pub acute: Option<f64>,
    pub chronic: Option<f64>,
    pub acwr_coupled: Option<f64>,
    pub acwr_uncoupled: Option<f64>,
    pub acwr_ewma: Option<f64>,
    pub monotony: Option<f64>,
    pub strain: Option<f64>,
    pub week_change_pct: Option<f64>,
    pub ctl: f64,
    pub atl: f64,
    pub tsb: f64,
    /// `None` without an active model.
    pub risk: Option<RiskBand>,
    /// Modelled performance (Banister), when the athlete has a fitted model.
    pub performance: Option<f64>,
    /// What the policy would decide on the day, the plan followed until then.
    pub policy: Decision,
    /// Plain-language warnings for the day, the policy's guardrails among them.
    pub warnings: Vec<String>,
}

/// A plan's projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    /// One entry per plan day.
    pub days: Vec<ProjectedDay>,
    /// The model that scored the risk, when there was one.
    pub model_version: Option<String>,
    /// The whole recommendation on [`ProjectionInput::detail_day`], when that is
    /// a plan day.
    pub detail: Option<Recommendation>,
}

/// A projection in a few figures, as the Plan page compares two plans.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Projected load over the plan.
    pub total_load: f64,
    /// Mean coupled ratio of the days where it is finite.
    pub mean_ratio: Option<f64>,
    /// Form (TSB) on the last day.
    pub last_form: Option<f64>,
    /// Mean model risk of the scored days.
    pub mean_risk: Option<f64>,
    /// Modelled performance on the last day.
    pub last_performance: Option<f64>,
    /// Days the policy would ease off (reduce intensity, swap session, extend
    /// recovery).
    pub caution_days: usize,
    /// Days the policy leaves to the coach (manual review).
    pub review_days: usize,
}

/// The mean of the defined, finite values.
fn mean_of(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    stats::mean(values.flatten().filter(|v| v.is_finite()))
}

impl Projection {
    /// The projection in a few figures.
    pub fn summary(&self) -> Summary {
        let last = self.days.last();
        let count = |f: &dyn Fn(crate::policy::Action) -> bool| {
            self.days.iter().filter(|d| f(d.policy.action)).count()
        };
        Summary {
            total_load: self.days.iter().map(|d| d.load).sum(),
            mean_ratio: mean_of(self.days.iter().map(|d| d.acwr_coupled)),
            last_form: last.map(|d| d.tsb),
            mean_risk: mean_of(self.days.iter().map(|d| d.risk.map(|r| r.p))),
            last_performance: last.and_then(|d| d.performance),
            caution_days: count(&|a| a.branch() == Some(crate::policy::Branch::Caution)),
            review_days: count(&|a| a == crate::policy::Action::ManualReview),
        }
    }
}

/// Warning thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WarningOptions {
    /// Coupled ACWR above which a day is flagged: 1.5, Gabbett 2016 (Br J Sports
    /// Med 50:273), the "danger zone" of the training-injury prevention paradox.
    pub acwr_high: f64,
    /// Coupled ACWR below which a day is flagged as detraining: 0.8, the lower edge
    /// of the same paper's "sweet spot" (0.8 to 1.3).
    pub acwr_low: f64,
    /// Weekly load increase flagged, percent: 10, a coaching convention (the
    /// "10% rule"), not a finding.
    pub week_increase_pct: f64,
    /// Monotony above which a week is flagged: 2.0, Foster 1998 (Med Sci Sports
    /// Exerc 30:1164), where illness rose with high monotony and strain.
    pub monotony_high: f64,
    /// Risk above which a day is flagged.
    pub risk_high: f64,
}

impl Default for WarningOptions {
    fn default() -> Self {
        Self {
            acwr_high: 1.5,
            acwr_low: 0.8,
            week_increase_pct: 10.0,
            monotony_high: 2.0,
            risk_high: 0.2,
        }
    }
}

/// Everything a projection reads.
#[derive(Debug, Clone, Copy)]
pub struct ProjectionInput<'a> {
    pub athlete: &'a AthleteId,
    /// The athlete's recorded sessions (any dates; those from the plan's start on
    /// are replaced by the plan).
    pub sessions: &'a [Session],
    /// The athlete's wellness (entries after the plan's start are left out).
    pub wellness: &'a [WellnessEntry],
    pub plan: &'a Plan,
    /// The active model, when there is one.
    pub model: Option<&'a ModelArtifact>,
    pub warnings: WarningOptions,
    /// The athlete's fitted performance model ([`fit_performance`]), when they
    /// have enough performance tests.
    pub performance: Option<&'a BanisterParams>,
    /// The athlete's injury and illness reports (any dates), for the policy's
    /// open-injury guardrail on each day and the model's history features.
    pub events: &'a [Event],
    /// The coaches' labels of the athlete (any dates); those coded injury or
    /// illness are reports for the model's history features, as in training.
    pub labels: &'a [CoachLabel],
    /// The data-quality findings of the recorded history
    /// ([`crate::overview::quality_report`] as of the day before the plan); errors
    /// hold the policy to manual review.
    pub quality_findings: &'a [Finding],
    /// The plan day whose whole recommendation (reasons, what would change it)
    /// the projection gives in [`Projection::detail`].
    pub detail_day: Option<Date>,
}

/// One performance test: a result on a day (a time-trial power, a jump height;
/// higher is better).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceTest {
    pub date: Date,
    pub value: f64,
}

/// Fits Banister's model (Banister et al. 1975, see [`crate::banister`]) to the
/// athlete's recorded daily load and performance tests, when there are at least
/// six tests inside the record. The fit reads only the past, so the Plan page fits
/// once and projects every edit with it.
pub fn fit_performance(
    athlete: &AthleteId,
    sessions: &[Session],
    tests: &[PerformanceTest],
) -> Option<BanisterFit> {
    let last_test = tests.iter().map(|t| t.date).max()?;
    let series = DailySeries::build(athlete, sessions, &[], &[], Some(last_test))?;
    let first = epoch_day(series.start);
    let indexed: Vec<(usize, f64)> = tests
        .iter()
        .filter_map(|t| Some((usize::try_from(epoch_day(t.date) - first).ok()?, t.value)))
        .collect();
    fit_banister(&series.load, &indexed, &FitOptions::default()).ok()
}

/// The data-quality findings a projection's policy reads: the recorded history's
/// report ([`crate::overview::quality_report`]) as of the day before the plan,
/// the day today's recommendation reads. The same on the server and in the
/// browser, computed once per page since it does not depend on the plan.
///
/// A short history is left out: the policy checks the history's length on each
/// projected day itself, and the plan's days lengthen it (a 10-day history is
/// enough by the plan's 18th day).
pub fn history_findings(
    athlete: &AthleteId,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    start: Date,
) -> Vec<Finding> {
    let today = date_from_epoch_day(epoch_day(start) - 1);
    crate::overview::quality_report(athlete, sessions, wellness, today)
        .map(|q| q.findings)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.check != crate::quality::Check::ShortHistory)
        .collect()
}

/// The risk of a feature vector with its band.
pub fn risk_band(model: &ModelArtifact, x: &[f64]) -> RiskBand {
    let p = model.score(x).value();
    let mut trees = model.models.forest_tree_probabilities(x);
    trees.retain(|v| v.is_finite());
    trees.sort_by(f64::total_cmp);
    if trees.is_empty() {
        return RiskBand { p, low: p, high: p };
    }
    RiskBand {
        p,
        low: stats::sorted_quantile(&trees, 0.1).min(p),
        high: stats::sorted_quantile(&trees, 0.9).max(p),
    }
}

/// Projects `input.plan` (which should be valid, see [`Plan::validate`]).
pub fn project(input: &ProjectionInput<'_>) -> Projection {
    PlanBase::new(
        input.athlete,
        input.sessions,
        input.wellness,
        input.events,
        input.labels,
        input.quality_findings,
        input.plan.start,
    )
    .project(&Scenario {
        plan: input.plan,
        model: input.model,
        warnings: input.warnings,
        performance: input.performance,
        detail_day: input.detail_day,
    })
}

/// What a projection reads besides the athlete's records: the plan and how to
/// read it.
#[derive(Debug, Clone, Copy)]
pub struct Scenario<'a> {
    /// The plan, starting on the [`PlanBase`]'s start.
    pub plan: &'a Plan,
    /// The active model, when there is one.
    pub model: Option<&'a ModelArtifact>,
    pub warnings: WarningOptions,
    /// The athlete's fitted performance model, when there is one.
    pub performance: Option<&'a BanisterParams>,
    /// The plan day given in full in [`Projection::detail`].
    pub detail_day: Option<Date>,
}

/// The part of a projection that does not depend on the plan, for one athlete
/// and one plan start: the recorded sessions before the start, the wellness up
/// to it and its readiness, the injury reports, the history's data-quality
/// findings and the last recorded day. Built once, it projects every edit of a
/// plan from that start ([`PlanBase::project`]) exactly as [`project`] does.
#[derive(Debug, Clone)]
pub struct PlanBase {
    athlete: AthleteId,
    start: Date,
    sessions: Vec<Session>,
    wellness: Vec<WellnessEntry>,
    events: Vec<Event>,
    /// Days of the injury and illness reports (events and labels); the features
    /// of a day read those before it.
    reports: Vec<Date>,
    findings: Vec<Finding>,
    recorded_last: Option<Date>,
    /// The wellness side of the features, for the longest plan.
    wellness_part: Option<WellnessPart>,
}

impl PlanBase {
    /// `athlete`'s records (of any athletes and dates) read for plans starting on
    /// `start`; `findings` are the history's ([`history_findings`]).
    pub fn new(
        athlete: &AthleteId,
        sessions: &[Session],
        wellness: &[WellnessEntry],
        events: &[Event],
        labels: &[CoachLabel],
        findings: &[Finding],
        start: Date,
    ) -> Self {
        let sessions: Vec<Session> = sessions
            .iter()
            .filter(|s| &s.athlete_id == athlete && s.date < start)
            .cloned()
            .collect();
        let wellness: Vec<WellnessEntry> = wellness
            .iter()
            .filter(|w| &w.athlete_id == athlete && w.date <= start)
            .cloned()
            .collect();
        // The last recorded data: sessions before the plan, wellness up to its start.
        let recorded_last = sessions
            .iter()
            .map(|s| s.date)
            .chain(wellness.iter().map(|w| w.date))
            .max();
        // The features' first day when there is a record: its first day (plan
        // days come later; a wellness entry with nothing in it is no record).
        let first = sessions
            .iter()
            .map(|s| s.date)
            .chain(wellness.iter().filter(|w| w.has_any()).map(|w| w.date))
            .min();
        let wellness_part = first.map(|first| {
            let days = epoch_day(start) - epoch_day(first) + MAX_DAYS as i32;
            WellnessPart::build(
                athlete,
                &wellness,
                first,
                usize::try_from(days).unwrap_or(0),
            )
        });
        Self {
            athlete: athlete.clone(),
            start,
            sessions,
            wellness,
            events: events
                .iter()
                .filter(|e| &e.athlete_id == athlete)
                .cloned()
                .collect(),
            reports: crate::targets::report_days(athlete, events, labels),
            findings: findings.to_vec(),
            recorded_last,
            wellness_part,
        }
    }

    /// The first plan day this base reads plans from.
    pub fn start(&self) -> Date {
        self.start
    }

    /// Projects `scenario.plan`, which should be valid ([`Plan::validate`]) and
    /// start on [`PlanBase::start`] (a plan starting elsewhere is read as
    /// starting there).
    pub fn project(&self, scenario: &Scenario<'_>) -> Projection {
        if scenario.plan.start == self.start {
            self.project_plan(scenario.plan, scenario)
        } else {
            let mut plan = scenario.plan.clone();
            plan.start = self.start;
            self.project_plan(&plan, scenario)
        }
    }

    fn project_plan(&self, plan: &Plan, input: &Scenario<'_>) -> Projection {
        let athlete = &self.athlete;
        let mut sessions = Vec::with_capacity(self.sessions.len() + 2 * plan.days.len());
        sessions.extend_from_slice(&self.sessions);
        sessions.extend(plan.sessions(athlete));
        let wellness = &self.wellness;
        let end = plan.end();
        // Every plan day is known, a planned rest as much as a session: the days
        // count as observed for the policy's completeness and freshness.
        let plan_days: Vec<Date> = (0..plan.days.len()).map(|i| plan.date(i)).collect();
        let Some(series) = DailySeries::build(athlete, &sessions, wellness, &plan_days, Some(end))
        else {
            return Projection {
                days: Vec::new(),
                model_version: None,
                detail: None,
            };
        };
        let metrics = DailyMetrics::compute(&series, &MetricsOptions::default());
        let performance = input.performance.map(|p| p.predict(&series.load));
        // The policy reads readiness from the features, with or without a model.
        let features = athlete_features_with(
            athlete,
            &FeatureInputs {
                sessions: &sessions,
                wellness,
                reports: &self.reports,
            },
            Some(end),
            self.wellness_part.as_ref(),
        );
        let events = &self.events;
        let recorded_last = self.recorded_last;
        let options = PolicyOptions::default();
        let w = input.warnings;
        let mut detail = None;
        // Each day the policy reads is scored once: the plan's days, and the
        // days before the plan that their standing risk reads.
        let risks: Option<Vec<f64>> = input.model.zip(features.as_ref()).map(|(model, f)| {
            let first = epoch_day(plan.start) - epoch_day(f.start) - options.baseline_days as i32;
            let first = usize::try_from(first.max(0)).unwrap_or(0);
            f.rows
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    if i >= first {
                        model.score(x).value()
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        });
        let days = (0..plan.days.len())
            .filter_map(|i| {
                let date = plan.date(i);
                let k = series.index_of(date)?;
                let risk = input
                    .model
                    .zip(features.as_ref())
                    .and_then(|(model, f)| f.on(date).map(|x| risk_band(model, x)));
                // Days of the plan before this one are known: a planned rest is data.
                let planned_before = (i > 0).then(|| plan.date(i - 1));
                let policy_input = PolicyInput {
                    athlete_id: athlete,
                    date,
                    series: &series,
                    features: features.as_ref(),
                    last_data: recorded_last.max(planned_before),
                    open_injury: crate::targets::open_on(events, date),
                    quality_findings: &self.findings,
                    plan: Some(plan.planned_load(date)),
                    model: input.model,
                    risks: risks.as_deref(),
                };
                let policy = decide(&policy_input, &options);
                if input.detail_day == Some(date) {
                    detail = Some(recommend(&policy_input, &options));
                }
                let mut day = ProjectedDay {
                    date,
                    load: metrics.load[k],
                    acute: metrics.acute_rac[k],
                    chronic: metrics.chronic_rac[k],
                    acwr_coupled: metrics.acwr_rac[k],
                    acwr_uncoupled: metrics.acwr_rau[k],
                    acwr_ewma: metrics.acwr_ewma[k],
                    monotony: metrics.monotony[k],
                    strain: metrics.strain[k],
                    week_change_pct: metrics.week_change_pct[k],
                    ctl: metrics.ctl[k],
                    atl: metrics.atl[k],
                    tsb: metrics.tsb[k],
                    risk,
                    performance: performance.as_ref().map(|p| p[k]),
                    policy,
                    warnings: Vec::new(),
                };
                day.warnings = warnings(&day, &w);
                Some(day)
            })
            .collect();
        Projection {
            days,
            model_version: input.model.map(|m| m.version_id.clone()),
            detail,
        }
    }
}

/// The day's warnings, in words.
pub fn warnings(day: &ProjectedDay, w: &WarningOptions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = day.acwr_coupled.filter(|r| r.is_finite()) {
        if r > w.acwr_high {
            out.push(format!(
                "The acute:chronic ratio reaches {r:.2}, above {:.1}: a sharp rise against the last four weeks.",
                w.acwr_high
            ));
        } else if r < w.acwr_low {
            out.push(format!(
                "The acute:chronic ratio falls to {r:.2}, below {:.1}: fitness may fade.",
                w.acwr_low
            ));
        }
    }
    if let Some(c) = day.week_change_pct.filter(|c| c.is_finite()) {
        if c > w.week_increase_pct {
            out.push(format!(
                "The last 7 days' load is {c:.0}% above the 7 before (more than {:.0}%).",
                w.week_increase_pct
            ));
        }
    }
    if let Some(m) = day.monotony.filter(|m| m.is_finite()) {
        if m > w.monotony_high {
            out.push(format!(
                "Monotony is {m:.1}, above {:.1}: the days are too alike; vary hard and easy days.",
                w.monotony_high
            ));
        }
    }
    if let Some(risk) = day.risk {
        if risk.p > w.risk_high {
            out.push(format!(
                "The model's risk is {:.0}%, above {:.0}%.",
                risk.p * 100.0,
                w.risk_high * 100.0
            ));
        }
    }
    out.extend(
        day.policy
            .fired
            .iter()
            .filter(|f| f.stage == Stage::Guardrail)
            .map(|f| format!("Guardrail: {}", f.coach)),
    );
    out
}

/// What a plan does, in words a coach and an athlete both read: the load against
/// the same number of days before it, where the ratio goes, fitness and form at
/// the end, the model's highest risk, what the policy would recommend day by
/// day, and the warnings.
pub fn explain(plan: &Plan, projection: &Projection, history: &[Session]) -> String {
    let days = plan.days.len();
    let total: f64 = plan.loads().iter().sum::<f64>() + 0.0;
    let sessions: usize = plan.days.iter().map(Vec::len).sum();
    let first = epoch_day(plan.start);
    let before: f64 = history
        .iter()
        .filter(|s| (first - days as i32..first).contains(&epoch_day(s.date)))
        .map(|s| s.load)
        .sum();
    let mut out = format!(
        "{days} days from {}: {total:.0} load units over {sessions} sessions",
        plan.start
    );
    if before > 0.0 {
        let change = (total / before - 1.0) * 100.0;
        out.push_str(&if change.abs() < 0.5 {
            format!(", the same as the {days} days before.")
        } else {
            format!(
                ", {:.0}% {} than the {days} days before.",
                change.abs(),
                if change > 0.0 { "more" } else { "less" }
            )
        });
    } else {
        out.push('.');
    }
    let ratios: Vec<f64> = projection
        .days
        .iter()
        .filter_map(|d| d.acwr_coupled)
        .filter(|r| r.is_finite())
        .collect();
    if let (Some(lo), Some(hi)) = (
        ratios.iter().copied().reduce(f64::min),
        ratios.iter().copied().reduce(f64::max),
    ) {
        out.push_str(&format!(
            " The acute:chronic ratio stays between {lo:.2} and {hi:.2}."
        ));
    }
    if let (Some(a), Some(b)) = (projection.days.first(), projection.days.last()) {
        out.push_str(&format!(
            " Fitness goes from {:.0} to {:.0}; form ends at {:+.0}.",
            a.ctl, b.ctl, b.tsb
        ));
    }
    if let Some((day, risk)) = projection
        .days
        .iter()
        .filter_map(|d| d.risk.map(|r| (d.date, r.p)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    {
        out.push_str(&format!(
            " The model's risk is highest on {day}, at {:.0}%.",
            risk * 100.0
        ));
    }
    out.push_str(&policy_words(projection));
    let warned = projection
        .days
        .iter()
        .filter(|d| !d.warnings.is_empty())
        .count();
    out.push_str(&match warned {
        0 => " No day carries a warning.".to_owned(),
        1 => " One day carries a warning.".to_owned(),
        n => format!(" {n} days carry warnings."),
    });
    out
}

/// How many days the policy would give each action, in the order of first
/// appearance, with the first day of any action other than maintain.
fn policy_words(projection: &Projection) -> String {
    let mut counts: Vec<(crate::policy::Action, usize, Date)> = Vec::new();
    for d in &projection.days {
        match counts.iter_mut().find(|(a, _, _)| *a == d.policy.action) {
            Some((_, n, _)) => *n += 1,
            None => counts.push((d.policy.action, 1, d.date)),
        }
    }
    if counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(action, n, first)| {
            let days = if *n == 1 { "day" } else { "days" };
            let label = action.label().to_lowercase();
            if *action == crate::policy::Action::Maintain {
                format!("{label} on {n} {days}")
            } else {
                format!("{label} on {n} {days} (from {first})")
            }
        })
        .collect();
    let list = match parts.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    format!(" Followed as written, the policy would recommend {list}.")
}

/// The difference of one day between two projections (`edited - baseline`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DayDiff {
    pub date: Date,
    pub load: f64,
    pub acwr_coupled: Option<f64>,
    pub tsb: f64,
    pub risk: Option<f64>,
    /// The baseline's policy action, when the edits changed it.
    pub policy_was: Option<crate::policy::Action>,
}

/// Day-by-day differences between `edited` and `baseline`: one per edited day,
/// against the baseline's day of the same date, `None` where the baseline has no
/// such day (a plan made longer by the edits).
pub fn compare(baseline: &Projection, edited: &Projection) -> Vec<Option<DayDiff>> {
    edited
        .days
        .iter()
        .map(|e| {
            let b = baseline.days.iter().find(|b| b.date == e.date)?;
            Some(DayDiff {
                date: e.date,
                load: e.load - b.load,
                acwr_coupled: e.acwr_coupled.zip(b.acwr_coupled).map(|(x, y)| x - y),
                tsb: e.tsb - b.tsb,
                risk: e.risk.zip(b.risk).map(|(x, y)| x.p - y.p),
                policy_was: Some(b.policy.action).filter(|a| *a != e.policy.action),
            })
        })
        .collect()
}

/// FNV-1a 64 over every number of a projection, for comparing the browser's and
/// the server's projections bit for bit.
pub fn fingerprint(p: &Projection) -> String {
    let mut h = crate::features::Fnv1a::default();
    let opt = |h: &mut crate::features::Fnv1a, x: Option<f64>| match x {
        Some(v) => h.write(&v.to_bits().to_le_bytes()),
        None => h.write(&[0xff]),
    };
    for d in &p.days {
        h.write(d.date.to_string().as_bytes());
        for x in [d.load, d.ctl, d.atl, d.tsb] {
            h.write(&x.to_bits().to_le_bytes());
        }
        for x in [
            d.acute,
            d.chronic,
            d.acwr_coupled,
            d.acwr_uncoupled,
            d.acwr_ewma,
            d.monotony,
            d.strain,
            d.week_change_pct,
        ] {
            opt(&mut h, x);
        }
        opt(&mut h, d.performance);
        opt(&mut h, d.risk.map(|r| r.p));
        opt(&mut h, d.risk.map(|r| r.low));
        opt(&mut h, d.risk.map(|r| r.high));
        h.write(d.policy.action.label().as_bytes());
        h.write(&d.policy.confidence.to_bits().to_le_bytes());
        h.write(d.policy.withheld.map_or("", |a| a.label()).as_bytes());
    }
    // The detailed day's words: the same sentences on both sides.
    if let Some(r) = &p.detail {
        h.write(r.date.to_string().as_bytes());
        h.write(r.coach_summary.as_bytes());
        h.write(r.athlete_summary.as_bytes());
        for reason in &r.reasons {
            h.write(reason.coach.as_bytes());
        }
        for change in &r.what_would_change {
            h.write(change.coach.as_bytes());
        }
    }
    h.hex()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn id() -> AthleteId {
        "a1".parse().unwrap()
    }

    fn daily(from: Date, days: i32, load: f64) -> Vec<Session> {
        (0..days)
            .map(|i| Session {
                athlete_id: id(),
                date: date_from_epoch_day(epoch_day(from) + i),
                sport: Some("run".into()),
                duration_min: Some(load / 5.0),
                rpe: Some(5.0),
                load,
                distance_km: None,
                avg_hr: None,
                source: None,
            })
            .collect()
    }

    fn steady_plan(start: Date, days: usize, load: f64) -> Plan {
        Plan {
            start,
            days: vec![
                vec![PlannedSession {
                    sport: Some("run".into()),
                    minutes: Some(load / 5.0),
                    rpe: Some(5.0),
                    load: None,
                }];
                days
            ],
        }
    }

    fn input<'a>(sessions: &'a [Session], plan: &'a Plan) -> ProjectionInput<'a> {
        ProjectionInput {
            athlete: Box::leak(Box::new(id())),
            sessions,
            wellness: &[],
            plan,
            model: None,
            warnings: WarningOptions::default(),
            performance: None,
            events: &[],
            labels: &[],
            quality_findings: &[],
            detail_day: None,
        }
    }

    #[test]
    fn a_week_at_double_load_after_four_steady_weeks_gives_the_published_ratios() {
        // Four weeks at 50 then a week at 100: coupled 1.6, uncoupled 2.0 (the
        // `acwr` package's worked example, as in the metrics tests).
        let start = date(2024, 1, 1);
        let history = daily(start, 28, 50.0);
        let plan = steady_plan(date(2024, 1, 29), 7, 100.0);
        let p = project(&input(&history, &plan));
        let last = p.days.last().unwrap();
        assert_eq!(p.days.len(), 7);
        assert!((last.acwr_coupled.unwrap() - 1.6).abs() < 1e-12);
        assert!((last.acwr_uncoupled.unwrap() - 2.0).abs() < 1e-12);
        assert!(last
            .warnings
            .iter()
            .any(|w| w.contains("ratio reaches 1.60")));
        assert!(last.warnings.iter().any(|w| w.contains("100% above")));
    }

    #[test]
    fn the_deload_preset_lowers_every_planned_load_by_30_percent_and_the_ratio_falls() {
        let history = daily(date(2024, 1, 1), 35, 50.0);
        let plan = steady_plan(date(2024, 2, 5), 14, 60.0);
        let deload = apply_preset(&plan, Preset::Deload, &history);
        for (a, b) in plan.loads().iter().zip(deload.loads()) {
            assert!((b - a * 0.7).abs() < 1e-9, "{a} -> {b}");
        }
        let before = project(&input(&history, &plan));
        let after = project(&input(&history, &deload));
        for (b, a) in before.days.iter().zip(&after.days) {
            assert!(a.acwr_coupled.unwrap() < b.acwr_coupled.unwrap());
            assert!(a.atl < b.atl);
        }
        let diff = compare(&before, &after);
        assert!(diff.iter().all(|d| d.is_some_and(|d| d.load < 0.0)));
        // A plan made longer: the new days have no baseline to differ from.
        let longer = steady_plan(date(2024, 2, 5), 21, 60.0);
        let diff = compare(&before, &project(&input(&history, &longer)));
        assert_eq!(diff.len(), 21);
        assert!(diff[..14].iter().all(|d| d.is_some_and(|d| d.load == 0.0)));
        assert!(diff[14..].iter().all(Option::is_none));
    }

    #[test]
    fn copy_last_week_repeats_the_recorded_week_and_sessions_after_the_start_are_replaced() {
        let mut history = daily(date(2024, 1, 1), 28, 50.0);
        history[27].load = 80.0; // the last recorded day, Sunday 28 January
        history.extend(daily(date(2024, 1, 29), 3, 999.0)); // replaced by the plan
        let plan = Plan::empty(date(2024, 1, 29), 14);
        let copied = apply_preset(&plan, Preset::CopyLastWeek, &history);
        let loads = copied.loads();
        assert_eq!(loads[6], 80.0);
        assert_eq!(loads[13], 80.0);
        assert_eq!(loads[0], 50.0);
        let p = project(&input(&history, &copied));
        assert_eq!(p.days[0].load, 50.0, "the recorded 999 is replaced");
    }

    #[test]
    fn editing_one_day_changes_nothing_before_it() {
        let history = daily(date(2024, 1, 1), 40, 50.0);
        let plan = steady_plan(date(2024, 2, 10), 21, 55.0);
        let mut edited = plan.clone();
        edited.days[10] = vec![PlannedSession {
            load: Some(300.0),
            ..PlannedSession::default()
        }];
        let a = project(&input(&history, &plan));
        let b = project(&input(&history, &edited));
        let without_policy = |p: &Projection| {
            p.days
                .iter()
                .map(|d| (d.date, d.load, d.acwr_coupled, d.tsb, d.monotony, d.strain))
                .collect::<Vec<_>>()
        };
        assert_eq!(without_policy(&a)[..10], without_policy(&b)[..10]);
        // The policy reads the week ahead: day 10 is in the planned week of days 4
        // to 10, not of the days before.
        assert_eq!(a.days[..4], b.days[..4]);
        assert_ne!(
            a.days[4].policy.adjustment.next_7_days_load,
            b.days[4].policy.adjustment.next_7_days_load
        );
        assert_ne!(a.days[10], b.days[10]);
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn moving_and_copying_sessions_keeps_the_total_or_duplicates_it() {
        let mut plan = steady_plan(date(2024, 3, 4), 7, 50.0);
        move_session(&mut plan, 0, 0, 3);
        assert_eq!(plan.loads()[0], 0.0);
        assert_eq!(plan.loads()[3], 100.0);
        copy_day(&mut plan, 3, 4);
        assert_eq!(plan.loads()[4], 100.0);
        assert_eq!(plan.loads().iter().sum::<f64>(), 400.0);
    }

    #[test]
    fn a_bad_plan_names_the_day_session_and_field() {
        let mut plan = steady_plan(date(2024, 3, 4), 7, 50.0);
        plan.days[2][0].rpe = Some(12.0);
        let e = plan.validate().unwrap_err();
        assert_eq!(e.field, "days[2][0].rpe");
        assert!(e.message.contains("2024-03-06"), "{e}");
        assert!(Plan::empty(date(2024, 3, 4), 6).validate().is_err());
        assert!(Plan::empty(date(2024, 3, 4), 29).validate().is_err());
        assert!(Plan::empty(date(2024, 3, 4), 28).validate().is_ok());
    }

    #[test]
    fn every_bad_number_is_a_problem_at_its_session_and_field() {
        let mut plan = Plan::empty(date(2024, 3, 4), 7);
        plan.days[0] = vec![PlannedSession {
            minutes: Some(-5.0),
            rpe: Some(11.0),
            ..PlannedSession::default()
        }];
        plan.days[3] = vec![
            PlannedSession {
                minutes: Some(45.0),
                rpe: Some(6.0),
                ..PlannedSession::default()
            },
            PlannedSession {
                load: Some(f64::NAN),
                ..PlannedSession::default()
            },
        ];
        let problems = plan.problems();
        let at: Vec<_> = problems.iter().map(|p| p.at).collect();
        assert_eq!(
            at,
            [
                Some((0, 0, SessionField::Minutes)),
                Some((0, 0, SessionField::Rpe)),
                Some((3, 1, SessionField::Load)),
            ]
        );
        assert_eq!(problems[1].field, "days[0][0].rpe");
        assert_eq!(
            problems[1].message,
            "11 is not accepted on 2024-03-04: rpe must be an RPE from 0 to 10 (CR-10 scale)"
        );
        assert_eq!(plan.validate().err().as_ref(), problems.first());
    }

    #[test]
    fn typed_numbers_are_read_within_their_bounds_and_refusals_say_what_is_accepted() {
        assert_eq!(SessionField::Rpe.parse(" 6,5 "), Ok(Some(6.5)));
        assert_eq!(SessionField::Rpe.parse(""), Ok(None));
        assert_eq!(SessionField::Rpe.parse("10"), Ok(Some(10.0)));
        assert_eq!(
            SessionField::Rpe.parse("11"),
            Err("RPE 11 is not accepted: give an RPE from 0 to 10 (CR-10 scale).".to_owned())
        );
        assert_eq!(
            SessionField::Minutes.parse("-5"),
            Err(
                "Minutes -5 is not accepted: give a duration from 0 to 1440 minutes (24 hours)."
                    .to_owned()
            )
        );
        assert_eq!(SessionField::Minutes.parse("1440"), Ok(Some(1440.0)));
        assert!(SessionField::Minutes.parse("1441").is_err());
        let not_a_number = SessionField::Load.parse("abc").unwrap_err();
        assert!(
            not_a_number.starts_with("Load “abc” is not a number: give a load from 0 to 15000"),
            "{not_a_number}"
        );
        assert!(SessionField::Load.parse("15000").is_ok());
        assert!(SessionField::Load.parse("15001").is_err());
        assert!(SessionField::Load.parse("inf").is_err());
        // Whatever the editor accepts, the plan accepts.
        for field in SessionField::ALL {
            let bound = field.bound();
            for v in [bound.min, bound.max, (bound.min + bound.max) / 2.0] {
                let mut s = PlannedSession::default();
                field.set(&mut s, field.parse(&v.to_string()).expect("accepted"));
                let mut plan = Plan::empty(date(2024, 3, 4), 7);
                plan.days[0].push(s);
                assert!(plan.validate().is_ok(), "{field:?} {v}");
            }
        }
    }

    #[test]
    fn an_empty_plan_has_zero_load_not_minus_zero() {
        let plan = Plan::empty(date(2024, 3, 4), 7);
        assert!(plan.loads().iter().all(|l| l.is_sign_positive()));
        let history = daily(date(2024, 2, 1), 30, 50.0);
        let p = project(&input(&history, &plan));
        let text = explain(&plan, &p, &history);
        assert!(
            text.starts_with("7 days from 2024-03-04: 0 load units over 0 sessions"),
            "{text}"
        );
        assert!(p.days.iter().all(|d| format!("{:.0}", d.load) == "0"));
    }

    #[test]
    fn the_explanation_compares_with_the_days_before_and_names_the_ratio_range() {
        let history = daily(date(2024, 1, 1), 28, 50.0);
        let plan = steady_plan(date(2024, 1, 29), 14, 40.0);
        let p = project(&input(&history, &plan));
        let text = explain(&plan, &p, &history);
        assert!(text.starts_with("14 days from 2024-01-29: 560 load units over 14 sessions, 20% less than the 14 days before."), "{text}");
        assert!(
            text.contains("The acute:chronic ratio stays between"),
            "{text}"
        );
    }

    #[test]
    fn performance_tests_fit_banister_and_the_plan_projects_it() {
        // Tests generated by known parameters on a varied load: the fit recovers a
        // model that projects the plan; a deload raises performance at the end.
        let params = BanisterParams {
            p0: 250.0,
            k1: 0.1,
            tau1: 40.0,
            k2: 0.2,
            tau2: 10.0,
        };
        let mut history = daily(date(2024, 1, 1), 120, 0.0);
        for (i, s) in history.iter_mut().enumerate() {
            s.load = 40.0 + ((i * 37) % 60) as f64;
        }
        let truth = params.predict(&history.iter().map(|s| s.load).collect::<Vec<_>>());
        let tests: Vec<PerformanceTest> = (10..120)
            .step_by(10)
            .map(|i| PerformanceTest {
                date: history[i].date,
                value: truth[i],
            })
            .collect();
        let fit = fit_performance(&id(), &history, &tests).expect("fits");
        assert!(fit.r_squared > 0.97, "{fit:?}");
        assert!(
            fit_performance(&id(), &history, &tests[..5]).is_none(),
            "six tests at least"
        );
        let plan = steady_plan(date(2024, 4, 30), 14, 80.0);
        let deload = apply_preset(&plan, Preset::Deload, &history);
        let run = |p: &Plan| {
            project(&ProjectionInput {
                performance: Some(&fit.params),
                ..input(&history, p)
            })
        };
        let (a, b) = (run(&plan), run(&deload));
        let last = |p: &Projection| {
            p.days
                .last()
                .and_then(|d| d.performance)
                .expect("performance")
        };
        assert!(last(&b) > last(&a), "less fatigue after a deload");
    }

    #[test]
    fn the_policy_reads_today_and_the_known_days_of_the_week_from_it() {
        let plan = steady_plan(date(2024, 3, 5), 7, 50.0);
        let from_start = plan.planned_load(date(2024, 3, 5));
        assert_eq!(
            (from_start.today, from_start.next_7_days),
            (Some(50.0), Some(350.0))
        );
        let day_before = plan.planned_load(date(2024, 3, 4));
        assert_eq!(
            (day_before.today, day_before.next_7_days),
            (None, Some(300.0))
        );
        let after = plan.planned_load(date(2024, 3, 20));
        assert_eq!((after.today, after.next_7_days), (None, None));
    }

    fn actions(p: &Projection) -> Vec<crate::policy::Action> {
        p.days.iter().map(|d| d.policy.action).collect()
    }

    #[test]
    fn each_day_carries_the_policy_s_recommendation_as_if_the_plan_were_followed() {
        use crate::policy::{Action, PolicyData};
        // Four steady weeks, then a plan at double the load: the ratio read at
        // d-1 passes 1.5 on the plan's fourth day (mean of 7 days over 28).
        let history = daily(date(2024, 1, 1), 28, 50.0);
        let plan = steady_plan(date(2024, 1, 29), 7, 100.0);
        let p = project(&input(&history, &plan));
        let got = actions(&p);
        // The ratio at d-1 passes 1.5 after six days at double load: (6 x 100 +
        // 50) / 7 over (6 x 100 + 22 x 50) / 28 = 1.53.
        assert_eq!(got[..6], [Action::Maintain; 6], "{got:?}");
        assert_eq!(got[6], Action::ReduceIntensity, "{got:?}");
        // The same as the policy on the plan's sessions taken as records.
        let mut done = history.clone();
        done.extend(plan.sessions(&id()));
        let day = plan.date(6);
        let data = PolicyData::build(&id(), &done, &[], &[], day).unwrap();
        let direct = crate::policy::recommend(
            &crate::policy::PolicyInput {
                plan: Some(plan.planned_load(day)),
                ..data.input(day)
            },
            &crate::policy::PolicyOptions::default(),
        );
        let decided = &p.days[6].policy;
        assert_eq!(
            (
                decided.action,
                decided.confidence,
                &decided.fired,
                decided.adjustment
            ),
            (
                direct.action,
                direct.confidence,
                &direct.fired,
                direct.adjustment
            )
        );
        assert_eq!(p.detail, None, "no day asked for in detail");
        let detailed = project(&ProjectionInput {
            detail_day: Some(day),
            ..input(&history, &plan)
        });
        assert_eq!(detailed.detail.as_ref(), Some(&direct));
        assert_eq!(detailed.days, p.days);
        // Its adjustment reads the planned load of the day and the week.
        assert_eq!(direct.adjustment.today_load, Some(70.0));
        // Against a steady plan, only the day the policy eases off differs.
        let steady = project(&input(&history, &steady_plan(date(2024, 1, 29), 7, 50.0)));
        let was: Vec<Option<Action>> = compare(&steady, &p)
            .iter()
            .map(|d| d.and_then(|d| d.policy_was))
            .collect();
        assert_eq!(was[..6], [None; 6]);
        assert_eq!(was[6], Some(Action::Maintain));
        let summary = p.summary();
        assert_eq!((summary.caution_days, summary.review_days), (1, 0));
        assert_eq!(summary.total_load, 700.0);
        assert_eq!(summary.mean_risk, None, "no model");
        let ratios: Vec<f64> = p.days.iter().filter_map(|d| d.acwr_coupled).collect();
        assert_eq!(
            summary.mean_ratio,
            Some(ratios.iter().sum::<f64>() / ratios.len() as f64)
        );
        let text = explain(&plan, &p, &history);
        assert!(
            text.contains("the policy would recommend maintain on 6 days and reduce intensity on 1 day (from 2024-02-04)"),
            "{text}"
        );
    }

    #[test]
    fn planned_rest_is_not_missing_data_but_a_short_history_or_an_open_injury_hold_to_review() {
        use crate::policy::{Action, Check};
        use crate::types::{EventKind, EventSeverity};
        let history = daily(date(2024, 1, 1), 35, 50.0);
        let rest = Plan::empty(date(2024, 2, 5), 14);
        let p = project(&input(&history, &rest));
        assert!(
            p.days
                .iter()
                .all(|d| !d.policy.fired.iter().any(|f| f.check == Check::StaleData)),
            "two weeks of planned rest are known days, not stale data"
        );
        // An injury reported two days before the plan is open for the plan's
        // first days (seven days from the report) and then closes.
        let events = [Event {
            athlete_id: id(),
            date: date(2024, 2, 3),
            kind: EventKind::Injury,
            severity: Some(EventSeverity::Minor),
            body_part: None,
            days_lost: None,
        }];
        let injured = project(&ProjectionInput {
            events: &events,
            ..input(&history, &rest)
        });
        let got = actions(&injured);
        assert!(
            got[..6].iter().all(|a| *a == Action::ManualReview),
            "{got:?}"
        );
        assert!(
            got[6..].iter().all(|a| *a != Action::ManualReview),
            "{got:?}"
        );
        assert!(injured.days[0]
            .warnings
            .iter()
            .any(|w| w.starts_with("Guardrail:")));
        assert!(injured.days[10]
            .warnings
            .iter()
            .all(|w| !w.starts_with("Guardrail:")));
        // Ten days of history: the history guardrail until 28 days are there, then
        // the policy decides (the history's quality report, which calls ten days
        // an error, does not hold the later days back).
        let short = daily(date(2024, 1, 26), 10, 50.0);
        let findings = history_findings(&id(), &short, &[], date(2024, 2, 5));
        let report = crate::overview::quality_report(&id(), &short, &[], date(2024, 2, 4)).unwrap();
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.check == crate::quality::Check::ShortHistory),
            "the report itself says the history is short"
        );
        let p = project(&ProjectionInput {
            quality_findings: &findings,
            ..input(&short, &steady_plan(date(2024, 2, 5), 28, 50.0))
        });
        let first_free = p
            .days
            .iter()
            .position(|d| {
                !d.policy
                    .fired
                    .iter()
                    .any(|f| f.check == Check::ShortHistory)
            })
            .unwrap();
        assert_eq!(
            p.days[first_free].date,
            date(2024, 2, 23),
            "28 days after 26 January"
        );
        assert!(
            p.days[first_free..]
                .iter()
                .all(|d| d.policy.action != Action::ManualReview),
            "{:?}",
            actions(&p)
        );
    }

    #[test]
    fn an_editor_starts_from_a_saved_plan_that_is_still_ahead_else_from_the_last_week() {
        let next = date(2024, 3, 4);
        let history = daily(date(2024, 2, 1), 32, 300.0);
        let saved = steady_plan(next, 7, 100.0);
        assert_eq!(starting_plan(next, Some(&saved), &history), saved);
        let past = steady_plan(date(2024, 3, 1), 7, 100.0);
        let fresh = starting_plan(next, Some(&past), &history);
        assert_eq!((fresh.start, fresh.days.len()), (next, 14));
        assert_eq!(fresh.loads(), vec![300.0; 14], "the last week, twice");
        assert_eq!(starting_plan(next, None, &history), fresh);
    }

    #[test]
    fn values_in_error_are_named_with_their_day_and_can_be_left_out() {
        let mut plan = steady_plan(date(2024, 3, 5), 7, 100.0);
        plan.days[0][0].rpe = Some(11.0);
        plan.days[2][0].minutes = Some(-5.0);
        let problems = plan.problems();
        assert_eq!(problems.len(), 2);
        let words = plan.problems_words(&problems);
        assert!(
            words.starts_with("Not accepted: RPE 11 on Tue 2024-03-05 (give "),
            "{words}"
        );
        assert!(
            words.contains("; Minutes -5 on Thu 2024-03-07 (give "),
            "{words}"
        );
        let clean = plan.without_problems();
        assert!(clean.problems().is_empty());
        assert_eq!(
            (clean.days[0][0].rpe, clean.days[2][0].minutes),
            (None, None)
        );
        assert_eq!(clean.days[1], plan.days[1], "what was accepted stays");
        let short = Plan::empty(date(2024, 3, 5), 3);
        assert_eq!(
            short.problems_words(&short.problems()),
            "Not accepted: a plan covers 7 to 28 days, not 3."
        );
    }
}

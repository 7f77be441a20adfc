//! A plan's projection: the metrics on history plus plan, the model's risk per
//! day with the forest's spread, the policy's decision per day, warnings, and
//! [`PlanBase`], what does not depend on the plan, built once per editor; and
//! how two projections differ.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::edit::{Plan, MAX_DAYS};
use crate::banister::{fit_banister, BanisterFit, BanisterParams, FitOptions};
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
use crate::types::{
    date_from_epoch_day, epoch_day, AthleteId, Event, FieldError, Session, WellnessEntry,
};

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
    /// ([`crate::quality::athlete_report`] as of the day before the plan); errors
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

impl PerformanceTest {
    /// Checks a test to record: a result above 0, on a day before `first_future_day`
    /// (a test is recorded after it happened).
    ///
    /// # Errors
    /// `value` or `date`, saying what is accepted.
    pub fn check(&self, first_future_day: Date) -> Result<(), FieldError> {
        if !self.value.is_finite() || self.value <= 0.0 {
            return Err(FieldError::new(
                "value",
                format!(
                    "value: {} is not accepted; a test result is a number above 0",
                    self.value
                ),
            ));
        }
        if self.date >= first_future_day {
            return Err(FieldError::new(
                "date",
                format!(
                    "date: {} is in the future; a test is recorded after it happened",
                    self.date
                ),
            ));
        }
        Ok(())
    }
}

/// The first day a new plan may start on: the day after the athlete's today.
pub fn first_day(today: Date) -> Date {
    date_from_epoch_day(epoch_day(today) + 1)
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
/// report ([`crate::quality::athlete_report`]) as of the day before the plan,
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
    crate::quality::athlete_report(athlete, sessions, wellness, today)
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

//! A plan and its edits: planned sessions with each number checked against
//! `bounds`, every problem at its session and field, presets (deload,
//! progression, copy last week), copy and move, and the plan an editor starts from.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::bounds::{self, Bound};
use crate::types::{date_from_epoch_day, epoch_day, AthleteId, FieldError, Session};

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
    /// Checks a plan sent to be projected or saved: its start within `dates`
    /// (the window every record keeps to) and [`Plan::validate`], each field
    /// named under `plan.`.
    ///
    /// # Errors
    /// The first problem.
    pub fn check(&self, dates: &bounds::DateWindow) -> Result<(), FieldError> {
        dates.check("plan.start", self.start)?;
        self.validate()
            .map_err(|e| FieldError::new(&format!("plan.{}", e.field), format!("plan.{e}")))
    }

    /// Checks a plan to save with its coach's `note`: [`Plan::check`], a start on
    /// `first_day` or later (a saved plan is about the days ahead) and a note within
    /// [`bounds::PLAN_NOTE`]. Gives the note without surrounding white space, `None`
    /// when there is none.
    ///
    /// # Errors
    /// The first problem, naming its field.
    pub fn check_to_save<'a>(
        &self,
        note: Option<&'a str>,
        dates: &bounds::DateWindow,
        first_day: Date,
    ) -> Result<Option<&'a str>, FieldError> {
        self.check(dates)?;
        if self.start < first_day {
            return Err(FieldError::new(
                "plan.start",
                format!(
                    "plan.start: a plan starts on {first_day} or later, not in the past ({})",
                    self.start
                ),
            ));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if let Some(note) = note {
            bounds::PLAN_NOTE.check(note)?;
        }
        Ok(note)
    }

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

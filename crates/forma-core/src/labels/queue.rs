//! The label queue: the items of an athlete that most need a label, ranked, and
//! what a new label will also cover.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::vocabulary::{Label, LabelCode, NewLabel, MAX_RANGE_DAYS};
use crate::stats::{self, Ddof};
use crate::targets::episodes;
use crate::types::SessionRecord;
use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Event};

/// Why an item is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// The coach overrode a recommendation: why is the best label there is.
    OverriddenRecommendation,
    /// A planned session with no session logged that day.
    MissedPlannedSession,
    /// Injury or illness reports no label explains.
    UnlabelledEvent,
    /// A session whose RPE and heart rate tell different stories.
    RpeHeartRateMismatch,
    /// A day whose load is far above the athlete's usual.
    UnusualLoad,
    /// Days whose 7-day load is far below the athlete's usual.
    LowLoad,
}

impl QueueKind {
    /// A short title for the app.
    pub fn title(self) -> &'static str {
        match self {
            QueueKind::OverriddenRecommendation => "Overridden recommendation",
            QueueKind::MissedPlannedSession => "Missed planned session",
            QueueKind::UnlabelledEvent => "Injury or illness reports",
            QueueKind::RpeHeartRateMismatch => "RPE and heart rate disagree",
            QueueKind::UnusualLoad => "Unusual load",
            QueueKind::LowLoad => "Load far below usual",
        }
    }

    /// How much an item of this kind needs a label, before its size and age.
    fn weight(self) -> f64 {
        match self {
            QueueKind::OverriddenRecommendation => 100.0,
            QueueKind::MissedPlannedSession => 80.0,
            QueueKind::UnlabelledEvent => 70.0,
            QueueKind::RpeHeartRateMismatch => 60.0,
            QueueKind::UnusualLoad => 50.0,
            QueueKind::LowLoad => 45.0,
        }
    }

    fn key(self) -> &'static str {
        match self {
            QueueKind::OverriddenRecommendation => "override",
            QueueKind::MissedPlannedSession => "missed",
            QueueKind::UnlabelledEvent => "event",
            QueueKind::RpeHeartRateMismatch => "rpe-hr",
            QueueKind::UnusualLoad => "load-high",
            QueueKind::LowLoad => "load-low",
        }
    }
}

/// One item of the label queue: a day, a range of days or a session of one athlete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Stable across calls: kind, athlete, day (and session).
    pub key: String,
    pub athlete_id: AthleteId,
    pub athlete_name: String,
    pub kind: QueueKind,
    pub date: Date,
    /// The last day of a range item.
    pub end_date: Option<Date>,
    /// The session a session item is about.
    pub session_id: Option<String>,
    /// Why it is in the queue, in words, with the athlete's numbers.
    pub reason: String,
    /// Higher first: kind, size and recency (see [`athlete_queue`]).
    pub priority: f64,
    /// The labels already on these days or this session, every author's.
    pub labels: Vec<Label>,
}

impl QueueItem {
    /// The label a code picked for this item would be: the item's day, range or
    /// session.
    pub fn new_label(&self, id: String, code: LabelCode, note: Option<String>) -> NewLabel {
        NewLabel {
            id,
            date: self.date.to_string(),
            end_date: self.end_date.map(|end| end.to_string()),
            session_id: self.session_id.clone(),
            code: code.as_str().to_owned(),
            note,
        }
    }

    /// The item's days as words.
    pub fn span(&self) -> String {
        match self.end_date {
            Some(end) => format!("{} to {end}", self.date),
            None => self.date.to_string(),
        }
    }

    /// The item's first and last day and its session.
    fn target(&self) -> (Date, Date, Option<&str>) {
        (
            self.date,
            self.end_date.unwrap_or(self.date),
            self.session_id.as_deref(),
        )
    }
}

/// Whether a label on `label` (first day, last day, session) shows on a queue
/// item on `item`: a session item shows its session's labels and the day or
/// range labels over its day; a day or range item shows every label on its days.
/// The queue attaches labels by this rule, so it is also what a new label will
/// cover.
fn shows_on(item: (Date, Date, Option<&str>), label: (Date, Date, Option<&str>)) -> bool {
    let (from, to, item_session) = item;
    let (label_from, label_to, label_session) = label;
    let overlaps = label_from <= to && label_to >= from;
    match (item_session, label_session) {
        (Some(item_session), Some(label_session)) => item_session == label_session,
        (Some(_), None) | (None, _) => overlaps,
    }
}

/// The other items of `items` that a label made for item `index` (its day, range
/// or session) will also show on, in queue order: a range label covers the day
/// and session items of its days for the same athlete. Shown before the label is
/// saved, so a coach is never surprised by what a label covers.
pub fn also_labelled(items: &[QueueItem], index: usize) -> Vec<usize> {
    let Some(chosen) = items.get(index) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter(|(i, item)| {
            *i != index
                && item.athlete_id == chosen.athlete_id
                && shows_on(item.target(), chosen.target())
        })
        .map(|(i, _)| i)
        .collect()
}

/// A recommendation the coach overrode (`recommendation_decisions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The day the recommendation was for.
    pub date: Date,
    /// The recommended action.
    pub action: String,
    /// The action the coach chose instead.
    pub chosen: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// What the queue of one athlete is made from.
#[derive(Debug, Clone, Copy)]
pub struct QueueInput<'a> {
    pub athlete: &'a AthleteId,
    pub athlete_name: &'a str,
    /// The athlete's today (or the team's fixed day): nothing after it is queued.
    pub as_of: Date,
    pub sessions: &'a [SessionRecord],
    pub events: &'a [Event],
    /// Days of the athlete's newest plans with at least one planned session.
    pub planned_days: &'a [Date],
    pub overrides: &'a [Override],
    /// The athlete's labels (taken-back ones are ignored).
    pub labels: &'a [Label],
}

/// A day's load this many standard deviations above the previous 28 days' mean
/// (and at least twice that mean) is unusual.
pub const SPIKE_SD: f64 = 2.5;
/// A 7-day mean load below this share of the 28-day mean is far below usual.
pub const LOW_SHARE: f64 = 0.5;
/// RPE and heart rate, each as standard scores within the athlete, this far apart
/// disagree.
pub const MISMATCH_SD: f64 = 2.0;
/// Sessions with both RPE and heart rate an athlete needs before they are compared.
pub const MISMATCH_MIN_SESSIONS: usize = 8;

/// Mean and sample standard deviation; (the value, 0) for one value, (0, 0) for none.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    match stats::mean_sd(values.iter().copied(), Ddof::One) {
        Some((mean, sd, _)) => (mean, sd),
        None => (values.first().copied().unwrap_or(0.0), 0.0),
    }
}

/// Points taken off per week of age, at most [`MAX_AGE_PENALTY`]: recent days matter
/// more to a coach than old ones.
const AGE_PENALTY_PER_WEEK: f64 = 2.0;
const MAX_AGE_PENALTY: f64 = 40.0;

/// The queue items of one athlete, unranked. Rules, each with its weight before a
/// size bonus (at most 20) and an age penalty (2 per week before `as_of`, at most 40):
/// - overridden recommendation (100): each override, on its day;
/// - missed planned session (80): a planned day up to `as_of` with no session;
/// - injury or illness without a label (70): each episode of reports (reports within
///   7 days join, as the model's targets do), over its days;
/// - RPE and heart rate disagree (60): a session whose RPE and average heart rate,
///   as standard scores among the athlete's sessions with both (8 or more), differ by
///   [`MISMATCH_SD`] or more;
/// - unusual load (50): a day whose load is [`SPIKE_SD`] standard deviations above
///   the 28 days before it and at least twice their mean;
/// - load far below usual (45): each run of days whose 7-day mean load is below
///   [`LOW_SHARE`] of the 28-day mean (coupled, as the ratio), over the run's days.
pub fn athlete_queue(input: &QueueInput<'_>) -> Vec<QueueItem> {
    let as_of = epoch_day(input.as_of);
    let labels: Vec<&Label> = input
        .labels
        .iter()
        .filter(|label| label.is_active() && &label.athlete_id == input.athlete)
        .collect();
    let mut items = Vec::new();
    let mut push = |kind: QueueKind,
                    first: i32,
                    last: i32,
                    session_id: Option<String>,
                    reason: String,
                    bonus: f64| {
        let first = first.max(last - (MAX_RANGE_DAYS - 1));
        let (date, end) = (date_from_epoch_day(first), date_from_epoch_day(last));
        let age_weeks = f64::from(as_of - last) / 7.0;
        let priority = kind.weight() + bonus.clamp(0.0, 20.0)
            - (age_weeks * AGE_PENALTY_PER_WEEK).min(MAX_AGE_PENALTY);
        let on_item: Vec<Label> = labels
            .iter()
            .filter(|label| {
                shows_on(
                    (date, end, session_id.as_deref()),
                    (label.date, label.last_day(), label.session_id.as_deref()),
                )
            })
            .map(|label| (*label).clone())
            .collect();
        let mut key = format!("{}:{}:{date}", kind.key(), input.athlete);
        if let Some(session) = &session_id {
            key.push(':');
            key.push_str(session);
        }
        items.push(QueueItem {
            key,
            athlete_id: input.athlete.clone(),
            athlete_name: input.athlete_name.to_owned(),
            kind,
            date,
            end_date: (last > first).then_some(end),
            session_id,
            reason,
            priority: (priority * 10.0).round() / 10.0,
            labels: on_item,
        });
    };

    for o in input
        .overrides
        .iter()
        .filter(|o| epoch_day(o.date) <= as_of)
    {
        let mut reason = format!(
            "You overrode the recommendation `{}` with `{}`",
            o.action, o.chosen
        );
        if let Some(code) = &o.reason_code {
            reason.push_str(&format!(" (reason: {code})"));
        }
        reason.push_str(": what happened?");
        let day = epoch_day(o.date);
        push(
            QueueKind::OverriddenRecommendation,
            day,
            day,
            None,
            reason,
            0.0,
        );
    }

    let session_days: BTreeSet<i32> = input
        .sessions
        .iter()
        .map(|record| epoch_day(record.session.date))
        .collect();
    let planned: BTreeSet<i32> = input.planned_days.iter().map(|d| epoch_day(*d)).collect();
    for day in planned
        .iter()
        .copied()
        .filter(|day| *day <= as_of && !session_days.contains(day))
    {
        push(
            QueueKind::MissedPlannedSession,
            day,
            day,
            None,
            "A session was planned but none was logged.".to_owned(),
            0.0,
        );
    }

    let own_events: Vec<&Event> = input
        .events
        .iter()
        .filter(|e| &e.athlete_id == input.athlete && epoch_day(e.date) <= as_of)
        .collect();
    let reports: Vec<(AthleteId, Date)> = own_events
        .iter()
        .map(|e| (e.athlete_id.clone(), e.date))
        .collect();
    for episode in episodes(&reports, &[]) {
        let (first, last) = (epoch_day(episode.onset), epoch_day(episode.last_report));
        let in_episode = |e: &&&Event| (first..=last).contains(&epoch_day(e.date));
        let injuries = own_events
            .iter()
            .filter(in_episode)
            .filter(|e| e.kind == crate::types::EventKind::Injury)
            .count();
        let illnesses = episode.reports - injuries;
        let what = match (injuries, illnesses) {
            (0, n) => format!("{n} illness report(s)"),
            (n, 0) => format!("{n} injury report(s)"),
            (i, s) => format!("{i} injury and {s} illness report(s)"),
        };
        let reason = if first == last {
            format!("{what} on {}: what happened?", episode.onset)
        } else {
            format!(
                "{what} from {} to {}: what happened?",
                episode.onset, episode.last_report
            )
        };
        let bonus = (episode.reports as f64 * 2.0).min(20.0);
        push(QueueKind::UnlabelledEvent, first, last, None, reason, bonus);
    }

    let known: Vec<&SessionRecord> = input
        .sessions
        .iter()
        .filter(|r| epoch_day(r.session.date) <= as_of)
        .collect();
    let both: Vec<(&SessionRecord, f64, f64)> = known
        .iter()
        .filter_map(|r| Some((*r, r.session.rpe?, r.session.avg_hr?)))
        .collect();
    if both.len() >= MISMATCH_MIN_SESSIONS {
        let (rpe_mean, rpe_sd) = mean_sd(&both.iter().map(|(_, r, _)| *r).collect::<Vec<_>>());
        let (hr_mean, hr_sd) = mean_sd(&both.iter().map(|(_, _, h)| *h).collect::<Vec<_>>());
        if rpe_sd > 0.0 && hr_sd > 0.0 {
            let words = |z: f64| {
                if z > 0.5 {
                    "high"
                } else if z < -0.5 {
                    "low"
                } else {
                    "usual"
                }
            };
            for (record, rpe, hr) in both {
                let (z_rpe, z_hr) = ((rpe - rpe_mean) / rpe_sd, (hr - hr_mean) / hr_sd);
                let gap = (z_rpe - z_hr).abs();
                if gap >= MISMATCH_SD {
                    let day = epoch_day(record.session.date);
                    let reason = format!(
                        "RPE {rpe:.0} ({} for them) but average heart rate {hr:.0} bpm ({} for them).",
                        words(z_rpe),
                        words(z_hr)
                    );
                    push(
                        QueueKind::RpeHeartRateMismatch,
                        day,
                        day,
                        Some(record.id.clone()),
                        reason,
                        (gap - MISMATCH_SD) * 10.0,
                    );
                }
            }
        }
    }

    // Over the athlete's current history, as every series is: the work grows
    // with the days that have data, not with the calendar.
    let span = crate::series::history_span(session_days.iter().copied(), Some(as_of));
    if let Some((start, _)) = span {
        let len = usize::try_from(as_of - start + 1).unwrap_or(0);
        let mut load = vec![0.0; len];
        for record in &known {
            let Ok(i) = usize::try_from(epoch_day(record.session.date) - start) else {
                continue;
            };
            if record.session.load.is_finite() && i < len {
                load[i] += record.session.load;
            }
        }
        let day_of = |i: usize| start + i as i32;
        for i in 28..len {
            let (mean, sd) = mean_sd(&load[i - 28..i]);
            let z = if sd > 0.0 { (load[i] - mean) / sd } else { 0.0 };
            if load[i] > 0.0 && z >= SPIKE_SD && load[i] >= 2.0 * mean {
                let reason = format!(
                    "Load {:.0}, {z:.1} standard deviations above their previous 28 days (mean {mean:.0}).",
                    load[i]
                );
                push(
                    QueueKind::UnusualLoad,
                    day_of(i),
                    day_of(i),
                    None,
                    reason,
                    (z - SPIKE_SD) * 5.0,
                );
            }
        }
        // Runs of days with a low 7-day share of the coupled 28-day mean.
        let mut run: Option<(usize, usize, f64)> = None;
        let mut close = |run: Option<(usize, usize, f64)>| {
            if let Some((from, to, lowest)) = run {
                let reason = format!(
                    "7-day load down to {:.0} % of their 28-day average, {} to {}.",
                    lowest * 100.0,
                    date_from_epoch_day(day_of(from)),
                    date_from_epoch_day(day_of(to))
                );
                push(
                    QueueKind::LowLoad,
                    day_of(from),
                    day_of(to),
                    None,
                    reason,
                    (LOW_SHARE - lowest) * 40.0,
                );
            }
        };
        for i in 27..len {
            let acute = load[i - 6..=i].iter().sum::<f64>() / 7.0;
            let chronic = load[i - 27..=i].iter().sum::<f64>() / 28.0;
            let low = chronic > 0.0 && acute < LOW_SHARE * chronic;
            let share = if chronic > 0.0 { acute / chronic } else { 1.0 };
            run = match (run, low) {
                (Some((from, _, lowest)), true) => Some((from, i, lowest.min(share))),
                (None, true) => Some((i, i, share)),
                (done, false) => {
                    close(done);
                    None
                }
            };
        }
        close(run);
    }
    items
}

/// Orders a queue: items without a label first, then by priority (highest first),
/// newest day, athlete and key, so the order is the same on every call.
pub fn rank(items: &mut [QueueItem]) {
    items.sort_by(|a, b| {
        a.labels
            .is_empty()
            .cmp(&b.labels.is_empty())
            .reverse()
            .then(b.priority.total_cmp(&a.priority))
            .then(b.date.cmp(&a.date))
            .then(a.athlete_id.cmp(&b.athlete_id))
            .then(a.key.cmp(&b.key))
    });
}

/// `GET /api/labels/queue`: a team's items that most need a label, first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelQueue {
    pub team: String,
    /// The vocabulary version new labels get.
    pub vocabulary_version: String,
    /// Ranked by [`rank`], at most the limit asked for.
    pub items: Vec<QueueItem>,
    /// Items left out by the limit.
    pub more: usize,
}

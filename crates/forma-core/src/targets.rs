//! What the model predicts for an athlete on decision day d: the onset of an
//! adverse episode (injury or illness) in the 7 days **after** d, and which days
//! are left out of training.
//!
//! Rules (DESIGN.md "Events are episodes, not reports"):
//! - **Reports.** An injury or illness [`Event`], or a coach label whose code is
//!   `injury` or `illness` ([`CoachLabel`]), is one report on one day.
//! - **Episodes.** One athlete's reports, in date order, belong to the same
//!   episode while each is at most [`EPISODE_GAP_DAYS`] (7) days after the
//!   previous one. The episode's onset is its first report; it is open from the
//!   onset to its last report, inclusive.
//! - **Target.** y(d) = 1 when an episode's onset falls on d+1 ..= d+7. Day d
//!   itself does not count: the onset day's own wellness is often filed with the
//!   report, and features for d read wellness of d, so an onset on d could be
//!   "predicted" by its own report.
//! - **Left out** (no target): days while an episode is open, or may still be
//!   as far as anyone knows that morning: from the onset to
//!   [`EPISODE_GAP_DAYS`] days after its last report. On those days a report
//!   in the 7 days before d keeps the injury open for the recommendation
//!   ([`open_on`]), so the model never moves their session; and whether the
//!   episode was in fact over is known only later (a report within the gap
//!   would have joined it), so keeping those days would train and judge the
//!   model on days chosen by what came after them. Also left out: the
//!   athlete's first [`WARM_UP_DAYS`] (28) days, where the load metrics are
//!   not yet defined and an episode is usually one the athlete
//!   brought with them (such an episode is marked `brought_in` and is never a
//!   positive; its open days stay left out even past day 28); and the last 7
//!   days of the athlete's follow-up, whose window is not fully observed
//!   (censored).
//! - For a day that is not left out, y(d) reads only reports after d: a report
//!   on or before d that joined an episode with one after d would keep that
//!   episode open over d. (A test checks this.)
//!
//! No target becomes a feature: the history features ([`crate::features`]) read
//! only reports dated before d, so an episode still open is never one.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Event};

/// Reports at most this many days apart belong to one episode.
pub const EPISODE_GAP_DAYS: i32 = 7;
/// Days after d in the target window (d+1 ..= d+7).
pub const HORIZON_DAYS: i32 = 7;
/// Whether an injury or illness is open on `today` for a recommendation: reported
/// on or before `today` and within [`EPISODE_GAP_DAYS`] of it (the episode rule
/// above), or reported with days lost that reach `today`, and not closed by the
/// coach on or before `today` (a coach who clears the athlete knows more than the
/// gap rule guesses). Closing changes only this; the model's episodes and targets
/// keep the report as it was.
pub fn open_on(events: &[Event], today: Date) -> bool {
    let t = epoch_day(today);
    events.iter().any(|e| {
        if e.closed_on.is_some_and(|closed| closed <= today) {
            return false;
        }
        let d = epoch_day(e.date);
        let lost = e
            .days_lost
            .map_or(0, |l| i32::try_from(l).unwrap_or(i32::MAX));
        d <= t && (t - d <= EPISODE_GAP_DAYS || d.saturating_add(lost) >= t)
    })
}

/// An athlete's first days, left out of training.
pub const WARM_UP_DAYS: i32 = 28;

/// A coach's label on an athlete's day; codes `injury` and `illness` are reports
/// of an adverse event, any other code (`fatigue`, `travel` ...) is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoachLabel {
    /// The athlete.
    pub athlete_id: AthleteId,
    /// The labelled day.
    pub date: Date,
    /// The label code from the vocabulary, such as `illness`.
    pub code: String,
}

impl CoachLabel {
    /// Whether the label reports an injury or an illness.
    pub fn is_adverse(&self) -> bool {
        matches!(self.code.as_str(), "injury" | "illness")
    }
}

/// One adverse episode of one athlete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    /// The athlete.
    pub athlete_id: AthleteId,
    /// The first report.
    pub onset: Date,
    /// The last report.
    pub last_report: Date,
    /// Number of reports in the episode.
    pub reports: usize,
    /// Onset within the athlete's first [`WARM_UP_DAYS`] days.
    pub brought_in: bool,
}

/// Groups reports into episodes. `first_day` gives each athlete's first day with
/// data (for `brought_in`); an athlete missing from it is taken to start at the
/// first report.
///
/// ```
/// use forma_core::targets::episodes;
/// use jiff::civil::date;
/// let a: forma_core::types::AthleteId = "a".parse().unwrap();
/// let days = [date(2020, 3, 1), date(2020, 3, 8), date(2020, 3, 16)];
/// let reports: Vec<_> = days.iter().map(|d| (a.clone(), *d)).collect();
/// let e = episodes(&reports, &[(a.clone(), date(2020, 1, 1))]);
/// assert_eq!(e.len(), 2); // 1 and 8 March join (7 days apart); 16 March is 8 after
/// assert_eq!(e[0].last_report, date(2020, 3, 8));
/// ```
pub fn episodes(reports: &[(AthleteId, Date)], first_day: &[(AthleteId, Date)]) -> Vec<Episode> {
    let mut by_athlete: BTreeMap<&AthleteId, Vec<i32>> = BTreeMap::new();
    for (a, d) in reports {
        by_athlete.entry(a).or_default().push(epoch_day(*d));
    }
    let mut out = Vec::new();
    for (athlete, mut days) in by_athlete {
        days.sort_unstable();
        let start = first_day
            .iter()
            .find(|(a, _)| a == athlete)
            .map_or(days[0], |(_, d)| epoch_day(*d));
        let mut current: Option<(i32, i32, usize)> = None;
        let mut close = |(onset, last, reports): (i32, i32, usize)| {
            out.push(Episode {
                athlete_id: athlete.clone(),
                onset: date_from_epoch_day(onset),
                last_report: date_from_epoch_day(last),
                reports,
                brought_in: onset < start + WARM_UP_DAYS,
            });
        };
        for d in days {
            current = match current {
                Some((onset, last, n)) if d - last <= EPISODE_GAP_DAYS => Some((onset, d, n + 1)),
                Some(done) => {
                    close(done);
                    Some((d, d, 1))
                }
                None => Some((d, d, 1)),
            };
        }
        if let Some(done) = current {
            close(done);
        }
    }
    out
}

/// Every adverse report of `events` and `labels`, as (athlete, day).
pub fn adverse_reports(events: &[Event], labels: &[CoachLabel]) -> Vec<(AthleteId, Date)> {
    events
        .iter()
        .map(|e| (e.athlete_id.clone(), e.date))
        .chain(
            labels
                .iter()
                .filter(|l| l.is_adverse())
                .map(|l| (l.athlete_id.clone(), l.date)),
        )
        .collect()
}

/// The days of `athlete`'s adverse reports among `events` and `labels` (of any
/// athletes): what the history features read ([`crate::features::FeatureInputs`]).
pub fn report_days(athlete: &AthleteId, events: &[Event], labels: &[CoachLabel]) -> Vec<Date> {
    events
        .iter()
        .filter(|e| &e.athlete_id == athlete)
        .map(|e| e.date)
        .chain(
            labels
                .iter()
                .filter(|l| &l.athlete_id == athlete && l.is_adverse())
                .map(|l| l.date),
        )
        .collect()
}

/// Why a day has no target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOut {
    /// In the athlete's first 28 days.
    WarmUp,
    /// An episode is open or may still be (onset to [`EPISODE_GAP_DAYS`]
    /// days after its last report).
    EpisodeOpen,
    /// The 7 days after d reach past the athlete's follow-up.
    Censored,
}

/// Targets of one athlete for each day from `start` to `end`: `Ok(y)` or why the
/// day is left out. `episodes` may hold other athletes' episodes (ignored).
pub fn athlete_targets(
    athlete: &AthleteId,
    start: Date,
    end: Date,
    episodes: &[Episode],
) -> Vec<Result<bool, LeftOut>> {
    let (first, last) = (epoch_day(start), epoch_day(end));
    let own: Vec<&Episode> = episodes
        .iter()
        .filter(|e| &e.athlete_id == athlete)
        .collect();
    (first..=last)
        .map(|d| {
            let open = own.iter().any(|e| {
                epoch_day(e.onset) <= d && d <= epoch_day(e.last_report) + EPISODE_GAP_DAYS
            });
            if open {
                Err(LeftOut::EpisodeOpen)
            } else if d < first + WARM_UP_DAYS {
                Err(LeftOut::WarmUp)
            } else if d + HORIZON_DAYS > last {
                Err(LeftOut::Censored)
            } else {
                Ok(own.iter().any(|e| {
                    let onset = epoch_day(e.onset);
                    !e.brought_in && d < onset && onset <= d + HORIZON_DAYS
                }))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn an_injury_is_open_for_the_episode_gap_or_the_days_lost() {
        let event = |day: i8, lost: Option<u32>| Event {
            athlete_id: "a".parse().unwrap(),
            date: date(2020, 3, day),
            kind: crate::types::EventKind::Injury,
            severity: None,
            body_part: None,
            days_lost: lost,
            closed_on: None,
        };
        let today = date(2020, 3, 20);
        assert!(
            open_on(&[event(13, None)], today),
            "7 days before: still open"
        );
        assert!(!open_on(&[event(12, None)], today), "8 days before: closed");
        assert!(
            open_on(&[event(5, Some(15))], today),
            "days lost reach today"
        );
        assert!(
            !open_on(&[event(21, None)], today),
            "a later report does not count"
        );
        let closed = |on: i8| Event {
            closed_on: Some(date(2020, 3, on)),
            ..event(15, Some(30))
        };
        assert!(!open_on(&[closed(20)], today), "closed today");
        assert!(!open_on(&[closed(16)], today), "closed before today");
        assert!(open_on(&[closed(21)], today), "closed only tomorrow");
    }

    #[test]
    fn target_is_an_onset_in_the_seven_days_after_and_open_days_are_left_out() {
        let a: AthleteId = "a".parse().unwrap();
        let start = date(2020, 1, 1);
        // Day 40 and 42: one episode, open 40..=42. Day 10: brought in.
        let reports: Vec<_> = [10, 40, 42]
            .iter()
            .map(|d| (a.clone(), date_from_epoch_day(epoch_day(start) + d)))
            .collect();
        let eps = episodes(&reports, &[(a.clone(), start)]);
        assert_eq!(eps.len(), 2);
        assert!(eps[0].brought_in && !eps[1].brought_in);
        let end = date_from_epoch_day(epoch_day(start) + 99);
        let t = athlete_targets(&a, start, end, &eps);
        assert_eq!(t[10], Err(LeftOut::EpisodeOpen));
        assert_eq!(t[20], Err(LeftOut::WarmUp));
        assert_eq!(t[32], Ok(false)); // onset 40 is 8 days after
        assert_eq!(t[33], Ok(true)); // 7 days after
        assert_eq!(t[39], Ok(true));
        // Open from the onset to the last report, and for the 7 days after it,
        // when another report could still have joined the episode.
        assert!(t[40..=49].iter().all(|x| *x == Err(LeftOut::EpisodeOpen)));
        assert_eq!(t[50], Ok(false));
        assert_eq!(t[93], Err(LeftOut::Censored));
        assert_eq!(t[92], Ok(false));
    }

    #[test]
    fn only_injury_and_illness_labels_are_reports() {
        let l = |code: &str| CoachLabel {
            athlete_id: "a".parse().unwrap(),
            date: date(2020, 1, 1),
            code: code.into(),
        };
        let r = adverse_reports(&[], &[l("illness"), l("travel"), l("injury")]);
        assert_eq!(r.len(), 2);
    }
}

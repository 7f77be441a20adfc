//! One athlete's day-by-day record: load summed per local date, zero on days
//! without sessions, and a separate `observed` flag for days with any data at all.
//!
//! A series covers the athlete's current history: after more than
//! [`MAX_GAP_DAYS`] without any data the history starts afresh, as for a new
//! athlete. Every load metric has then forgotten what came before (the rolling
//! windows hold 28 days, fitness decays to under 0.02% of its value in a year), so
//! nothing shown changes in substance, and the work of every figure grows with the
//! days that have data, not with the calendar: one session typed as 1920 instead
//! of 2020 adds one day, not a century.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Session, WellnessEntry};

/// The longest run of days without any data that a history carries over.
pub const MAX_GAP_DAYS: i32 = 365;

/// One athlete's continuous daily series from `start`, one entry per day.
///
/// All vectors have the same length. Load is 0 on a day without sessions (rest
/// and missing look alike to the load metrics, as in every published definition);
/// `observed` is false only on days with no session, no wellness entry and no
/// device data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailySeries {
    /// Whose series this is.
    pub athlete_id: AthleteId,
    /// The first day of the series.
    pub start: Date,
    /// Summed session load per day.
    pub load: Vec<f64>,
    /// Number of sessions per day.
    pub sessions: Vec<u32>,
    /// Highest session RPE per day, when any session carried one.
    pub max_rpe: Vec<Option<f64>>,
    /// Whether anything at all was recorded on the day.
    pub observed: Vec<bool>,
}

impl DailySeries {
    /// Number of days.
    pub fn len(&self) -> usize {
        self.load.len()
    }

    /// Whether the series has no days.
    pub fn is_empty(&self) -> bool {
        self.load.is_empty()
    }

    /// The date of day `index`.
    pub fn date(&self, index: usize) -> Date {
        let offset = i32::try_from(index).unwrap_or(i32::MAX);
        date_from_epoch_day(epoch_day(self.start).saturating_add(offset))
    }

    /// The last day of the series.
    pub fn end(&self) -> Date {
        self.date(self.len().saturating_sub(1))
    }

    /// The index of `date`, when it lies inside the series.
    pub fn index_of(&self, date: Date) -> Option<usize> {
        let i = usize::try_from(epoch_day(date) - epoch_day(self.start)).ok()?;
        (i < self.len()).then_some(i)
    }

    /// Every date of the series, in order.
    pub fn dates(&self) -> impl Iterator<Item = Date> + '_ {
        let first = epoch_day(self.start);
        (0..self.len()).map(move |i| date_from_epoch_day(first + i as i32))
    }

    /// Builds `athlete`'s series from records of any athletes (others are ignored).
    ///
    /// The series runs from the first day with any data to the last, or to `end`
    /// when given (records after `end` are left out; days up to `end` are added as
    /// unobserved rest). `device_days` are days with device data (a watch sync) that
    /// appear in neither list. Returns `None` when nothing falls on or before `end`.
    ///
    /// Only the current history counts: the series starts after the last run of
    /// more than [`MAX_GAP_DAYS`] days without data, and when the last data lies
    /// further back than that from `end`, it is the [`MAX_GAP_DAYS`] days before
    /// `end`, all unobserved rest.
    pub fn build(
        athlete: &AthleteId,
        sessions: &[Session],
        wellness: &[WellnessEntry],
        device_days: &[Date],
        end: Option<Date>,
    ) -> Option<Self> {
        let sessions: Vec<SessionLoad> = sessions
            .iter()
            .filter(|s| &s.athlete_id == athlete)
            .map(|s| SessionLoad {
                day: epoch_day(s.date),
                load: s.load,
                rpe: s.rpe,
            })
            .collect();
        let observed_days: Vec<i32> = wellness
            .iter()
            .filter(|w| &w.athlete_id == athlete)
            .map(|w| epoch_day(w.date))
            .chain(device_days.iter().map(|d| epoch_day(*d)))
            .collect();
        Self::from_days(
            athlete.clone(),
            &sessions,
            &observed_days,
            end.map(epoch_day),
        )
    }

    /// As [`DailySeries::build`], from one athlete's sessions and other observed
    /// days (wellness, device data), as days since 1970-01-01.
    pub(crate) fn from_days(
        athlete_id: AthleteId,
        sessions: &[SessionLoad],
        observed_days: &[i32],
        end_day: Option<i32>,
    ) -> Option<Self> {
        let mut series = Self::from_loads(athlete_id, Date::default(), Vec::new());
        series
            .fill_from_days(sessions, observed_days, end_day)
            .then_some(series)
    }

    /// As [`DailySeries::from_days`] into this series, keeping its athlete and
    /// reusing its buffers; false (and the series unchanged) when nothing falls
    /// on or before `end_day`.
    #[inline]
    pub(crate) fn fill_from_days(
        &mut self,
        sessions: &[SessionLoad],
        observed_days: &[i32],
        end_day: Option<i32>,
    ) -> bool {
        let days = sessions
            .iter()
            .map(|s| s.day)
            .chain(observed_days.iter().copied());
        let Some((first, last)) = history_span(days, end_day) else {
            return false;
        };
        let Ok(n) = usize::try_from(last - first + 1) else {
            return false;
        };
        self.start = date_from_epoch_day(first);
        self.load.clear();
        self.load.resize(n, 0.0);
        self.sessions.clear();
        self.sessions.resize(n, 0);
        self.max_rpe.clear();
        self.max_rpe.resize(n, None);
        self.observed.clear();
        self.observed.resize(n, false);
        let index = |d: i32| usize::try_from(d - first).ok().filter(|i| *i < n);
        // In the given order, so that each day's load sums as it always has.
        for s in sessions {
            if let Some(i) = index(s.day) {
                self.load[i] += s.load;
                self.sessions[i] += 1;
                self.observed[i] = true;
                if let Some(r) = s.rpe {
                    self.max_rpe[i] = Some(self.max_rpe[i].map_or(r, |m: f64| m.max(r)));
                }
            }
        }
        for d in observed_days {
            if let Some(i) = index(*d) {
                self.observed[i] = true;
            }
        }
        true
    }

    /// A series of loads alone, every day observed; handy for tests and what-if plans.
    pub fn from_loads(athlete_id: AthleteId, start: Date, load: Vec<f64>) -> Self {
        let n = load.len();
        let sessions = load.iter().map(|l| u32::from(*l != 0.0)).collect();
        Self {
            athlete_id,
            start,
            load,
            sessions,
            max_rpe: vec![None; n],
            observed: vec![true; n],
        }
    }
}

/// The first and last day of the current history of the days with data in
/// `days` ([`DailySeries::build`]): up to `end_day` when given, from the first day
/// with data after the last run of more than [`MAX_GAP_DAYS`] empty days, or the
/// [`MAX_GAP_DAYS`] days before `end_day` when the last data is further back.
/// `None` when no day falls on or before `end_day`.
pub(crate) fn history_span(
    days: impl Iterator<Item = i32> + Clone,
    end_day: Option<i32>,
) -> Option<(i32, i32)> {
    let days = days.filter(move |d| end_day.is_none_or(|e| *d <= e));
    let (mut first, mut last) = (i32::MAX, i32::MIN);
    for d in days.clone() {
        first = first.min(d);
        last = last.max(d);
    }
    if first > last {
        return None;
    }
    if last - first > MAX_GAP_DAYS {
        first = history_start(days, first, last);
    }
    if let Some(e) = end_day {
        if e - last > MAX_GAP_DAYS {
            first = e - MAX_GAP_DAYS;
        }
        last = e;
    }
    Some((first, last))
}

/// The first day of the last history in `days` (all within `first..=last`): the
/// first day with data after the last run of more than [`MAX_GAP_DAYS`] empty days.
/// One bit per day, so a long span costs a little memory, not a series.
fn history_start(days: impl Iterator<Item = i32>, first: i32, last: i32) -> i32 {
    let span = usize::try_from(last - first + 1).unwrap_or(0);
    let mut has_data = vec![0u64; span.div_ceil(64)];
    for d in days {
        if let Ok(i) = usize::try_from(d - first) {
            if let Some(word) = has_data.get_mut(i / 64) {
                *word |= 1 << (i % 64);
            }
        }
    }
    let mut next_with_data = last;
    let mut day = last;
    while day > first {
        day -= 1;
        let i = (day - first) as usize;
        let word = has_data[i / 64];
        if word == 0 && i % 64 == 63 {
            // A whole empty word: 64 days at once.
            day -= 63;
            if next_with_data - day - 1 > MAX_GAP_DAYS {
                return next_with_data;
            }
            continue;
        }
        if word & (1 << (i % 64)) != 0 {
            if next_with_data - day - 1 > MAX_GAP_DAYS {
                return next_with_data;
            }
            next_with_data = day;
        }
    }
    if next_with_data - first - 1 > MAX_GAP_DAYS {
        next_with_data
    } else {
        first
    }
}

/// What a day's series needs from one session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SessionLoad {
    /// Days since 1970-01-01.
    pub day: i32,
    pub load: f64,
    pub rpe: Option<f64>,
}

/// Builds one series per athlete found in `sessions` or `wellness`, sorted by id.
/// Every athlete's series runs over their own dates (see [`DailySeries::build`]).
pub fn series_by_athlete(
    sessions: &[Session],
    wellness: &[WellnessEntry],
    end: Option<Date>,
) -> Vec<DailySeries> {
    // Group first so each athlete's build scans only their own records.
    let mut by_athlete: BTreeMap<&AthleteId, (Vec<Session>, Vec<WellnessEntry>)> = BTreeMap::new();
    for s in sessions {
        by_athlete
            .entry(&s.athlete_id)
            .or_default()
            .0
            .push(s.clone());
    }
    for w in wellness {
        by_athlete
            .entry(&w.athlete_id)
            .or_default()
            .1
            .push(w.clone());
    }
    by_athlete
        .into_iter()
        .filter_map(|(id, (s, w))| DailySeries::build(id, &s, &w, &[], end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn session(id: &str, d: Date, load: f64) -> Session {
        Session {
            athlete_id: id.parse().unwrap(),
            date: d,
            sport: None,
            duration_min: None,
            rpe: Some(5.0),
            load,
            distance_km: None,
            avg_hr: None,
            source: None,
        }
    }

    #[test]
    fn sums_sessions_per_day_fills_rest_days_and_marks_unobserved_days() {
        let p01: AthleteId = "p01".parse().unwrap();
        let sessions = [
            session("p01", date(2020, 1, 1), 100.0),
            session("p01", date(2020, 1, 1), 50.0),
            session("p01", date(2020, 1, 5), 80.0),
            session("p02", date(2019, 1, 1), 999.0),
        ];
        let wellness = [WellnessEntry::empty(p01.clone(), date(2020, 1, 3))];
        let s = DailySeries::build(&p01, &sessions, &wellness, &[date(2020, 1, 4)], None).unwrap();
        assert_eq!(s.start, date(2020, 1, 1));
        assert_eq!(s.load, [150.0, 0.0, 0.0, 0.0, 80.0]);
        assert_eq!(s.sessions, [2, 0, 0, 0, 1]);
        assert_eq!(s.observed, [true, false, true, true, true]);
        assert_eq!(s.end(), date(2020, 1, 5));
        assert_eq!(s.index_of(date(2020, 1, 3)), Some(2));

        let to = DailySeries::build(&p01, &sessions, &[], &[], Some(date(2020, 1, 7))).unwrap();
        assert_eq!(to.load, [150.0, 0.0, 0.0, 0.0, 80.0, 0.0, 0.0]);
        let cut = DailySeries::build(&p01, &sessions, &[], &[], Some(date(2020, 1, 2))).unwrap();
        assert_eq!(cut.load, [150.0, 0.0]);
        assert!(DailySeries::build(&p01, &sessions, &[], &[], Some(date(2019, 1, 1))).is_none());
    }

    fn days(n: i64, from: Date) -> Vec<Session> {
        (0..n)
            .map(|i| {
                let d = from.checked_add(jiff::Span::new().days(i)).unwrap();
                session("p01", d, 100.0 + (i % 7) as f64 * 20.0)
            })
            .collect()
    }

    #[test]
    fn a_year_without_data_starts_the_history_afresh_so_a_typo_adds_a_day_not_a_century() {
        let p01: AthleteId = "p01".parse().unwrap();
        let mut sessions = days(120, date(2020, 1, 1));
        sessions.push(session("p01", date(1920, 1, 1), 500.0));
        let s = DailySeries::build(&p01, &sessions, &[], &[], Some(date(2020, 4, 29))).unwrap();
        assert_eq!(s.start, date(2020, 1, 1));
        assert_eq!(s.len(), 120);

        // Exactly MAX_GAP_DAYS empty days are carried over; one more is not.
        let before = date(2020, 1, 1)
            .checked_sub(jiff::Span::new().days(366))
            .unwrap();
        let kept = [
            session("p01", before, 1.0),
            session("p01", date(2020, 1, 1), 1.0),
        ];
        let s = DailySeries::build(&p01, &kept, &[], &[], None).unwrap();
        assert_eq!((s.start, s.len()), (before, 367));
        let earlier = before.yesterday().unwrap();
        let apart = [
            session("p01", earlier, 1.0),
            session("p01", date(2020, 1, 1), 1.0),
        ];
        let s = DailySeries::build(&p01, &apart, &[], &[], None).unwrap();
        assert_eq!((s.start, s.len()), (date(2020, 1, 1), 1));

        // Long gaps far apart, found across whole empty words of the bitmap.
        let scattered: Vec<Session> = (0..40)
            .map(|k| session("p01", date(1950 + 2 * k, 6, 1), 1.0))
            .chain(days(3, date(2030, 6, 1)))
            .collect();
        let s = DailySeries::build(&p01, &scattered, &[], &[], None).unwrap();
        assert_eq!((s.start, s.len()), (date(2030, 6, 1), 3));

        // Nothing for more than a year before the end: a year of unobserved rest.
        let s = DailySeries::build(&p01, &sessions, &[], &[], Some(date(2040, 1, 1))).unwrap();
        assert_eq!(s.len(), MAX_GAP_DAYS as usize + 1);
        assert!(s.observed.iter().all(|o| !o) && s.load.iter().all(|l| *l == 0.0));
    }

    #[test]
    fn starting_afresh_after_a_year_changes_fitness_by_less_than_a_fiftieth_of_a_percent() {
        use crate::metrics::{DailyMetrics, MetricsOptions};
        let p01: AthleteId = "p01".parse().unwrap();
        let old = days(200, date(2017, 1, 1));
        let new_start = date(2018, 10, 1);
        let mut all = old.clone();
        all.extend(days(100, new_start));
        let fresh = DailySeries::build(&p01, &all, &[], &[], None).unwrap();
        assert_eq!(fresh.start, new_start);
        // The same days with the old history kept as zeros in between.
        let span = (epoch_day(fresh.end()) - epoch_day(date(2017, 1, 1)) + 1) as usize;
        let mut load = vec![0.0; span];
        for s in &all {
            load[(epoch_day(s.date) - epoch_day(date(2017, 1, 1))) as usize] += s.load;
        }
        let whole = DailySeries::from_loads(p01, date(2017, 1, 1), load);
        let options = MetricsOptions::default();
        let (a, b) = (
            DailyMetrics::compute(&fresh, &options),
            DailyMetrics::compute(&whole, &options),
        );
        let peak = b.ctl.iter().copied().fold(0.0, f64::max);
        let (last_a, last_b) = (a.ctl.len() - 1, b.ctl.len() - 1);
        assert!((a.ctl[last_a] - b.ctl[last_b]).abs() < 2e-4 * peak);
        assert_eq!(a.acute_rac[last_a], b.acute_rac[last_b]);
        assert_eq!(a.chronic_rac[last_a], b.chronic_rac[last_b]);
    }

    #[test]
    fn series_by_athlete_keeps_athletes_apart() {
        let sessions = [
            session("b", date(2020, 1, 2), 10.0),
            session("a", date(2020, 1, 1), 20.0),
        ];
        let all = series_by_athlete(&sessions, &[], None);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].athlete_id.as_str(), "a");
        assert_eq!(all[1].load, [10.0]);
    }
}

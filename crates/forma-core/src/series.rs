//! One athlete's day-by-day record: load summed per local date, zero on days
//! without sessions, and a separate `observed` flag for days with any data at all.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Session, WellnessEntry};

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
        let in_range = |d: i32| end_day.is_none_or(|e| d <= e);
        let days = sessions
            .iter()
            .map(|s| s.day)
            .chain(observed_days.iter().copied())
            .filter(|d| in_range(*d));
        let (mut first, mut last) = (i32::MAX, i32::MIN);
        for d in days {
            first = first.min(d);
            last = last.max(d);
        }
        if first > last {
            return false;
        }
        if let Some(e) = end_day {
            last = e;
        }
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

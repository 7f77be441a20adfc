//! The model's features for an athlete and a decision day d, built only from what
//! was known on the morning of d (DESIGN.md "Time awareness"):
//!
//! - **load** from sessions up to d-1: every [`DailyMetrics`] column is read at
//!   index d-1, because a value at index i includes day i's load;
//! - **readiness** from wellness entered up to and including d: HRV status (ln
//!   rMSSD 7-day mean against the 60-day band, Plews et al. 2014); and for every
//!   wellness item (the seven ratings, rMSSD and resting heart rate) the day's
//!   value, its mean over d-6..=d, and its z-score against the athlete's own 28
//!   days before d ([`crate::readiness`]). The value and the mean carry the
//!   athlete's level, the z-score the day's change from it (DESIGN.md "Who and
//!   when");
//! - **engagement**: days with a wellness entry in the last 7 and 28 days (d
//!   included) and sessions in the 28 days before d;
//! - **history**: the athlete's injury and illness episodes that started before
//!   d (reports one [`crate::targets::EPISODE_GAP_DAYS`] apart or less are one
//!   episode, as in [`crate::targets`]), the days since the last report before
//!   d, and the days since the athlete's first record. Only reports dated before
//!   d are read, so an episode still open is never a feature: its days are left
//!   out of training ([`crate::targets`]);
//! - **freshness**: days since the last session (up to d-1), the last wellness
//!   entry, HRV and resting heart rate reading (up to d), and the share of the 28
//!   days before d with any data at all.
//!
//! A wellness entry with nothing recorded in it is no data: it neither starts an
//! athlete's record nor counts as an entry.
//!
//! Every value feature `x` has an indicator `x_missing` (1 when `x` is undefined:
//! too short a history, no reading, a window of rest). A missing value is `NaN` in
//! the vector; the model imputes it (see [`crate::model`]). Ratios that are `inf`
//! (positive load over zero) are capped at a fixed value, so "back from a long
//! break" stays distinguishable from "no data"; counts of days are capped where
//! a model trained on one season would otherwise meet values it never saw.
//!
//! The vector's layout is a [`FeatureSchema`]: names in order and a version, with
//! an FNV-1a hash that is the same on every platform. A model artifact records the
//! hash it was trained on, and scoring checks it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::metrics::{DailyMetrics, MetricsOptions};
use crate::readiness::{readiness, HrvOptions, HrvStatus, WellnessColumns};
use crate::series::DailySeries;
use crate::types::{epoch_day, AthleteId, Session, WellnessEntry};

/// The schema version; change it whenever a feature's meaning changes.
pub const SCHEMA_VERSION: &str = "forma-features-2";

/// What a feature tells about the athlete (DESIGN.md "Who and when").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureGroup {
    /// Training load from sessions up to d-1.
    Load,
    /// Wellness, HRV and resting heart rate: level (value, 7-day mean) and change (z).
    Readiness,
    /// How often the athlete logs wellness and trains.
    Engagement,
    /// Earlier episodes and time in Forma.
    History,
    /// How recent and complete the data are.
    Freshness,
}

use FeatureGroup::{Engagement, Freshness, History, Load, Readiness};

/// The value features, in order: name, group, and the cap applied to a
/// non-finite or extreme value (`None`: no cap needed, a non-finite value is
/// missing).
const VALUE_FEATURES: &[(&str, FeatureGroup, Option<f64>)] = &[
    ("acute_load", Load, None),
    ("chronic_load", Load, None),
    ("acwr_coupled", Load, Some(5.0)),
    ("acwr_uncoupled", Load, Some(5.0)),
    ("acwr_ewma", Load, Some(5.0)),
    ("monotony", Load, Some(10.0)),
    ("strain", Load, None),
    ("week_change_pct", Load, Some(500.0)),
    ("ctl", Load, None),
    ("atl", Load, None),
    ("tsb", Load, None),
    ("ramp_rate", Load, None),
    ("sessions_7d", Load, None),
    ("days_since_hard", Load, Some(60.0)),
    ("hrv_z", Readiness, Some(10.0)),
    ("hrv_below_band", Readiness, None),
    ("hrv_above_band", Readiness, None),
    ("resting_hr_z", Readiness, Some(10.0)),
    ("sleep_h_z", Readiness, Some(10.0)),
    ("sleep_quality_z", Readiness, Some(10.0)),
    ("fatigue_z", Readiness, Some(10.0)),
    ("soreness_z", Readiness, Some(10.0)),
    ("stress_z", Readiness, Some(10.0)),
    ("mood_z", Readiness, Some(10.0)),
    ("readiness_z", Readiness, Some(10.0)),
    ("days_since_session", Freshness, Some(60.0)),
    ("days_since_wellness", Freshness, Some(60.0)),
    ("days_since_hrv", Freshness, Some(60.0)),
    ("days_since_resting_hr", Freshness, Some(60.0)),
    ("observed_share_28d", Freshness, None),
    // The athlete's level: each item's value on d and its mean over d-6..=d,
    // in the order of `WELLNESS_ITEMS`.
    ("sleep_h", Readiness, Some(24.0)),
    ("sleep_h_7d", Readiness, Some(24.0)),
    ("sleep_quality", Readiness, None),
    ("sleep_quality_7d", Readiness, None),
    ("fatigue", Readiness, None),
    ("fatigue_7d", Readiness, None),
    ("soreness", Readiness, None),
    ("soreness_7d", Readiness, None),
    ("stress", Readiness, None),
    ("stress_7d", Readiness, None),
    ("mood", Readiness, None),
    ("mood_7d", Readiness, None),
    ("readiness", Readiness, None),
    ("readiness_7d", Readiness, None),
    ("hrv_rmssd_ms", Readiness, Some(500.0)),
    ("hrv_rmssd_ms_7d", Readiness, Some(500.0)),
    ("resting_hr", Readiness, Some(250.0)),
    ("resting_hr_7d", Readiness, Some(250.0)),
    ("wellness_entries_7d", Engagement, None),
    ("wellness_entries_28d", Engagement, None),
    ("sessions_28d", Engagement, Some(200.0)),
    // A season's model sees at most about a year of history; later values are
    // read as "a year or more" rather than extrapolated.
    ("prior_episodes", History, Some(10.0)),
    ("days_since_episode", History, Some(365.0)),
    ("days_in_forma", History, Some(365.0)),
];

/// The wellness items whose value and 7-day mean are features, in schema order.
const WELLNESS_ITEMS: usize = 9;

/// The group of a value feature, by name.
pub fn feature_group(name: &str) -> Option<FeatureGroup> {
    let base = name.strip_suffix("_missing").unwrap_or(name);
    VALUE_FEATURES
        .iter()
        .find(|(n, _, _)| *n == base)
        .map(|(_, g, _)| *g)
}

/// Index of a value feature in the vector, by name, for baselines and reasons.
pub fn value_index(name: &str) -> Option<usize> {
    VALUE_FEATURES.iter().position(|(n, _, _)| *n == name)
}

/// Number of value features (each also has a missingness indicator).
pub const VALUE_FEATURE_COUNT: usize = VALUE_FEATURES.len();

/// The names and order of the feature vector, with its version and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSchema {
    /// Version string, such as `forma-features-2`.
    pub version: String,
    /// Column names in order: the value features, then one `<name>_missing` each.
    pub names: Vec<String>,
    /// FNV-1a 64 over the version and names (see [`FeatureSchema::compute_hash`]), hex.
    pub hash: String,
}

impl Default for FeatureSchema {
    /// The schema this build computes.
    fn default() -> Self {
        let names: Vec<String> = VALUE_FEATURES
            .iter()
            .map(|(n, _, _)| (*n).to_owned())
            .chain(
                VALUE_FEATURES
                    .iter()
                    .map(|(n, _, _)| format!("{n}_missing")),
            )
            .collect();
        let hash = Self::compute_hash(SCHEMA_VERSION, &names);
        Self {
            version: SCHEMA_VERSION.to_owned(),
            names,
            hash,
        }
    }
}

impl FeatureSchema {
    /// The schema this build computes, built once ([`FeatureSchema::default`]
    /// builds a fresh copy, with its names and hash, on every call).
    pub fn current() -> &'static FeatureSchema {
        static CURRENT: std::sync::OnceLock<FeatureSchema> = std::sync::OnceLock::new();
        CURRENT.get_or_init(FeatureSchema::default)
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the schema has no columns.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// FNV-1a 64 (Fowler, Noll, Vo) over `version`, a 0 byte, then each name
    /// followed by a 0 byte; 16 lower-case hex digits. Integer arithmetic only,
    /// so the browser computes the server's hash.
    ///
    /// ```
    /// use forma_core::features::FeatureSchema;
    /// let a = FeatureSchema::compute_hash("v1", &["a".into(), "b".into()]);
    /// assert_eq!(a.len(), 16);
    /// assert_ne!(a, FeatureSchema::compute_hash("v1", &["b".into(), "a".into()]));
    /// ```
    pub fn compute_hash(version: &str, names: &[String]) -> String {
        let mut h = Fnv1a::default();
        h.write(version.as_bytes());
        h.write(&[0]);
        for n in names {
            h.write(n.as_bytes());
            h.write(&[0]);
        }
        h.hex()
    }
}

/// FNV-1a, 64 bits: for every byte, `h = (h xor byte) * 0x100000001b3`, from
/// `0xcbf29ce484222325`. Not cryptographic; a stable fingerprint.
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// Adds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }

    /// The hash as 16 lower-case hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// One athlete's feature vectors, one per decision day from `start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AthleteFeatures {
    /// Whose features these are.
    pub athlete_id: AthleteId,
    /// The first decision day (the athlete's first day with data).
    pub start: Date,
    /// Share of days with any data over the whole series, 0 to 1.
    pub observed_share: f64,
    /// One vector per day, laid out as [`FeatureSchema::default`]; `NaN` = missing.
    pub rows: Vec<Vec<f64>>,
}

impl AthleteFeatures {
    /// The vector for decision day `date`, when it lies in the range.
    pub fn on(&self, date: Date) -> Option<&[f64]> {
        let i = usize::try_from(epoch_day(date) - epoch_day(self.start)).ok()?;
        self.rows.get(i).map(Vec::as_slice)
    }
}

/// What the features of one athlete read: their records, of any athletes (others
/// are ignored), and the days of their injury and illness reports
/// ([`crate::targets::report_days`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct FeatureInputs<'a> {
    /// Sessions.
    pub sessions: &'a [Session],
    /// Wellness entries.
    pub wellness: &'a [WellnessEntry],
    /// Days of the athlete's injury and illness reports (any order); only those
    /// before a decision day are read for it.
    pub reports: &'a [Date],
}

/// Builds `athlete`'s feature vectors for every decision day from their first day
/// with data to `end` (or their last day with data), in one pass.
///
/// Records of other athletes are ignored, as are records after `end`. Returns
/// `None` when the athlete has no data on or before `end`.
///
/// ```
/// use forma_core::features::{athlete_features, FeatureInputs};
/// let id: forma_core::types::AthleteId = "p01".parse().unwrap();
/// assert!(athlete_features(&id, &FeatureInputs::default(), None).is_none());
/// ```
pub fn athlete_features(
    athlete: &AthleteId,
    inputs: &FeatureInputs<'_>,
    end: Option<Date>,
) -> Option<AthleteFeatures> {
    athlete_features_with(athlete, inputs, end, None)
}

/// The part of an athlete's features that reads wellness alone: the wellness
/// laid out per day, its readiness, each item's 7-day mean, and which days have
/// any. Every value on a day reads only that day and the days before, so one
/// part built for a long enough run of days serves any shorter run from the
/// same first day. Prepared once when the same wellness is read with many loads
/// (a plan being edited).
#[derive(Debug, Clone, PartialEq)]
pub struct WellnessPart {
    athlete_id: AthleteId,
    start: Date,
    columns: WellnessColumns,
    ready: crate::readiness::Readiness,
    /// Per item (in `WELLNESS_ITEMS` order), the mean of the entries of d-6..=d.
    means_7d: Vec<Vec<Option<f64>>>,
    any: Vec<bool>,
}

/// Mean of the present values of `col` over each day's last `days` days.
fn rolling_present_mean(col: &[Option<f64>], days: usize) -> Vec<Option<f64>> {
    (0..col.len())
        .map(|i| {
            crate::stats::mean(
                col[(i + 1).saturating_sub(days)..=i]
                    .iter()
                    .flatten()
                    .copied(),
            )
        })
        .collect()
}

impl WellnessColumns {
    /// The items whose value and 7-day mean are features, in schema order.
    fn items(&self) -> [&[Option<f64>]; WELLNESS_ITEMS] {
        [
            &self.sleep_h,
            &self.sleep_quality,
            &self.fatigue,
            &self.soreness,
            &self.stress,
            &self.mood,
            &self.readiness,
            &self.hrv_rmssd_ms,
            &self.resting_hr,
        ]
    }
}

impl WellnessPart {
    /// `athlete`'s wellness (entries of other athletes are ignored) laid out on
    /// `days` days from `start`.
    pub fn build(
        athlete: &AthleteId,
        wellness: &[WellnessEntry],
        start: Date,
        days: usize,
    ) -> Self {
        let own: Vec<WellnessEntry> = wellness
            .iter()
            .filter(|w| &w.athlete_id == athlete && w.has_any())
            .cloned()
            .collect();
        Self::of_own(athlete, &own, start, days)
    }

    fn of_own(athlete: &AthleteId, own: &[WellnessEntry], start: Date, days: usize) -> Self {
        let columns = WellnessColumns::build(start, days, own);
        let ready = readiness(&columns, &HrvOptions::default());
        let items = columns.items();
        let any = (0..days)
            .map(|i| items.iter().any(|c| c[i].is_some()))
            .collect();
        let means_7d = items.iter().map(|c| rolling_present_mean(c, 7)).collect();
        Self {
            athlete_id: athlete.clone(),
            start,
            columns,
            ready,
            means_7d,
            any,
        }
    }

    /// Whether the part serves `n` days of `athlete` from `start`.
    fn serves(&self, athlete: &AthleteId, start: Date, n: usize) -> bool {
        &self.athlete_id == athlete && self.start == start && n <= self.any.len()
    }
}

/// An athlete's injury and illness history as the pass over the days reads it:
/// reports before d only.
struct HistoryWalk {
    /// Report days, sorted, without repeats.
    days: Vec<i32>,
    /// Reports read so far (those before the current day).
    read: usize,
    /// Episodes among them.
    episodes: usize,
    /// The last report read.
    last: Option<i32>,
}

impl HistoryWalk {
    fn new(reports: &[Date]) -> Self {
        let mut days: Vec<i32> = reports.iter().map(|d| epoch_day(*d)).collect();
        days.sort_unstable();
        days.dedup();
        Self {
            days,
            read: 0,
            episodes: 0,
            last: None,
        }
    }

    /// Reads every report before `day`.
    fn advance_to(&mut self, day: i32) {
        while let Some(&r) = self.days.get(self.read).filter(|r| **r < day) {
            // The episode rule of `crate::targets`: a report more than the gap
            // after the one before starts a new episode.
            if self
                .last
                .is_none_or(|l| r - l > crate::targets::EPISODE_GAP_DAYS)
            {
                self.episodes += 1;
            }
            self.last = Some(r);
            self.read += 1;
        }
    }
}

/// As [`athlete_features`], reading the wellness side from `prepared` when it
/// was built from the same wellness (up to `end`) for this athlete, first day
/// and at least as many days; otherwise it is built afresh. The result is the
/// same either way.
pub fn athlete_features_with(
    athlete: &AthleteId,
    inputs: &FeatureInputs<'_>,
    end: Option<Date>,
    prepared: Option<&WellnessPart>,
) -> Option<AthleteFeatures> {
    let own_wellness: Vec<WellnessEntry> = inputs
        .wellness
        .iter()
        .filter(|w| &w.athlete_id == athlete && end.is_none_or(|e| w.date <= e) && w.has_any())
        .cloned()
        .collect();
    let series = DailySeries::build(athlete, inputs.sessions, &own_wellness, &[], end)?;
    let n = series.len();
    let first = epoch_day(series.start);
    let metrics = DailyMetrics::compute(&series, &MetricsOptions::default());
    let fresh;
    let part = match prepared.filter(|p| p.serves(athlete, series.start, n)) {
        Some(part) => part,
        None => {
            fresh = WellnessPart::of_own(athlete, &own_wellness, series.start, n);
            &fresh
        }
    };
    let (columns, ready, any_wellness) = (&part.columns, &part.ready, &part.any);
    let items = columns.items();
    let mut history = HistoryWalk::new(inputs.reports);

    let mut rows = Vec::with_capacity(n);
    // Last day (index) with each kind of data, updated as the pass moves on.
    let (mut last_session, mut last_wellness, mut last_hrv, mut last_rhr) =
        (None::<usize>, None::<usize>, None::<usize>, None::<usize>);
    let mut observed_28 = 0usize;
    // Wellness days in d-6..=d and d-27..=d; sessions in d-28..=d-1.
    let (mut entries_7, mut entries_28, mut sessions_28) = (0usize, 0usize, 0u32);
    for d in 0..n {
        // Wellness is known on the morning of d; sessions only up to d-1.
        if any_wellness[d] {
            last_wellness = Some(d);
        }
        entries_7 += usize::from(any_wellness[d]);
        entries_28 += usize::from(any_wellness[d]);
        if d >= 7 {
            entries_7 -= usize::from(any_wellness[d - 7]);
        }
        if d >= 28 {
            entries_28 -= usize::from(any_wellness[d - 28]);
        }
        if columns.hrv_rmssd_ms[d].is_some() {
            last_hrv = Some(d);
        }
        if columns.resting_hr[d].is_some() {
            last_rhr = Some(d);
        }
        if d >= 1 {
            if series.sessions[d - 1] > 0 {
                last_session = Some(d - 1);
            }
            observed_28 += usize::from(series.observed[d - 1]);
            sessions_28 += series.sessions[d - 1];
        }
        if d >= 29 {
            observed_28 -= usize::from(series.observed[d - 29]);
            sessions_28 -= series.sessions[d - 29];
        }
        let day = first + d as i32;
        history.advance_to(day);
        let since = |last: Option<usize>| last.map(|l| (d - l) as f64);
        let y = d.checked_sub(1);
        let at = |col: &[Option<f64>]| y.and_then(|i| col[i]);
        let hrv = ready.hrv[d];
        let hrv_z = match (hrv.rolling_mean, hrv.baseline_mean, hrv.baseline_sd) {
            (Some(r), Some(b), Some(sd)) if sd > 0.0 => Some((r - b) / sd),
            _ => None,
        };
        let hrv_known = hrv.status != HrvStatus::Insufficient;
        let z = |col: &[Option<crate::readiness::Deviation>]| col[d].and_then(|v| v.z);
        let level = |k: usize| [items[k][d], part.means_7d[k][d]];
        let count = |c: usize| Some(c as f64);
        let mut values: Vec<Option<f64>> = Vec::with_capacity(VALUE_FEATURE_COUNT);
        values.extend([
            at(&metrics.acute_rac),
            at(&metrics.chronic_rac),
            at(&metrics.acwr_rac),
            at(&metrics.acwr_rau),
            at(&metrics.acwr_ewma),
            at(&metrics.monotony),
            at(&metrics.strain),
            at(&metrics.week_change_pct),
            y.map(|i| metrics.ctl[i]),
            y.map(|i| metrics.atl[i]),
            y.map(|i| metrics.tsb[i]),
            at(&metrics.ramp_rate),
            y.and_then(|i| metrics.sessions_7d[i]).map(f64::from),
            y.and_then(|i| metrics.days_since_hard[i])
                .map(|v| f64::from(v) + 1.0),
            hrv_z,
            hrv_known.then(|| f64::from(u8::from(hrv.status == HrvStatus::Below))),
            hrv_known.then(|| f64::from(u8::from(hrv.status == HrvStatus::Above))),
            z(&ready.resting_hr),
            z(&ready.sleep_h),
            z(&ready.sleep_quality),
            z(&ready.fatigue),
            z(&ready.soreness),
            z(&ready.stress),
            z(&ready.mood),
            z(&ready.readiness),
            since(last_session),
            since(last_wellness),
            since(last_hrv),
            since(last_rhr),
            (d >= 28).then(|| observed_28 as f64 / 28.0),
        ]);
        for k in 0..WELLNESS_ITEMS {
            values.extend(level(k));
        }
        values.extend([
            count(entries_7),
            count(entries_28),
            (d >= 28).then(|| f64::from(sessions_28)),
            count(history.episodes),
            history.last.map(|l| f64::from(day - l)),
            count(d),
        ]);
        debug_assert_eq!(values.len(), VALUE_FEATURE_COUNT);
        let mut row = vec![0.0; 2 * VALUE_FEATURE_COUNT];
        for (k, (v, (_, _, cap))) in values.iter().zip(VALUE_FEATURES).enumerate() {
            let v = v.filter(|x| !x.is_nan()).map(|x| match cap {
                Some(c) => x.clamp(-c, *c),
                None if x.is_finite() => x,
                None => f64::NAN,
            });
            match v {
                Some(x) if !x.is_nan() => row[k] = x,
                _ => {
                    row[k] = f64::NAN;
                    row[VALUE_FEATURE_COUNT + k] = 1.0;
                }
            }
        }
        rows.push(row);
    }
    let observed_share = series.observed.iter().filter(|o| **o).count() as f64 / n.max(1) as f64;
    Some(AthleteFeatures {
        athlete_id: athlete.clone(),
        start: series.start,
        observed_share,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn schema_lists_every_value_then_its_indicator_and_hashes_stably() {
        let s = FeatureSchema::default();
        assert_eq!(s.len(), 2 * VALUE_FEATURE_COUNT);
        assert_eq!(s.names[0], "acute_load");
        assert_eq!(s.names[VALUE_FEATURE_COUNT], "acute_load_missing");
        assert_eq!(s.hash, FeatureSchema::compute_hash(&s.version, &s.names));
        // FNV-1a 64 of the empty input is its offset basis; of "a" a published value.
        assert_eq!(Fnv1a::default().hex(), "cbf29ce484222325");
        let mut h = Fnv1a::default();
        h.write(b"a");
        assert_eq!(h.hex(), "af63dc4c8601ec8c");
    }

    #[test]
    fn load_features_for_d_read_the_metrics_of_d_minus_1() {
        let id: AthleteId = "a".parse().unwrap();
        let sessions: Vec<Session> = (0..40)
            .map(|i| Session {
                athlete_id: id.clone(),
                date: date(2020, 1, 1)
                    .checked_add(jiff::Span::new().days(i))
                    .unwrap(),
                sport: None,
                duration_min: Some(60.0),
                rpe: Some(5.0),
                load: 100.0 + f64::from(i),
                distance_km: None,
                avg_hr: None,
                source: None,
            })
            .collect();
        let inputs = FeatureInputs {
            sessions: &sessions,
            ..FeatureInputs::default()
        };
        let f = athlete_features(&id, &inputs, None).unwrap();
        let series = DailySeries::build(&id, &sessions, &[], &[], None).unwrap();
        let m = DailyMetrics::compute(&series, &MetricsOptions::default());
        let acute = value_index("acute_load").unwrap();
        assert_eq!(f.rows[35][acute], m.acute_rac[34].unwrap());
        assert!(f.rows[0][acute].is_nan());
        assert_eq!(f.rows[0][VALUE_FEATURE_COUNT + acute], 1.0);
        assert_eq!(f.rows[35][value_index("days_since_session").unwrap()], 1.0);
    }

    #[test]
    fn level_engagement_and_history_features_read_the_morning_of_d() {
        let id: AthleteId = "a".parse().unwrap();
        let day = |i: i64| {
            date(2020, 1, 1)
                .checked_add(jiff::Span::new().days(i))
                .unwrap()
        };
        // Fatigue 1, 2, 3, ... on days 0-9 (none on day 4), and an entry with
        // nothing in it on day 12, which is no record.
        let mut wellness: Vec<WellnessEntry> = (0..10)
            .filter(|i| *i != 4)
            .map(|i| WellnessEntry {
                fatigue: Some(1.0 + i as f64),
                ..WellnessEntry::empty(id.clone(), day(i))
            })
            .collect();
        wellness.push(WellnessEntry::empty(id.clone(), day(12)));
        let sessions: Vec<Session> = (0..20)
            .map(|i| Session {
                athlete_id: id.clone(),
                date: day(i),
                sport: None,
                duration_min: Some(30.0),
                rpe: Some(4.0),
                load: 120.0,
                distance_km: None,
                avg_hr: None,
                source: None,
            })
            .collect();
        // Reports on days 3 and 8 (one episode: 5 days apart), 16 (a second),
        // and 25, after the last decision day read below.
        let reports = [day(3), day(8), day(16), day(25)];
        let inputs = FeatureInputs {
            sessions: &sessions,
            wellness: &wellness,
            reports: &reports,
        };
        let f = athlete_features(&id, &inputs, Some(day(20))).unwrap();
        let at = |d: usize, name: &str| f.rows[d][value_index(name).unwrap()];
        // Day 9: fatigue 10 today, mean of days 3..=9 without day 4.
        assert_eq!(at(9, "fatigue"), 10.0);
        assert_eq!(
            at(9, "fatigue_7d"),
            (4.0 + 6.0 + 7.0 + 8.0 + 9.0 + 10.0) / 6.0
        );
        assert!(at(4, "fatigue").is_nan());
        assert_eq!(
            f.rows[4][VALUE_FEATURE_COUNT + value_index("fatigue").unwrap()],
            1.0
        );
        assert_eq!(at(9, "wellness_entries_7d"), 6.0);
        assert_eq!(at(9, "wellness_entries_28d"), 9.0);
        assert_eq!(
            at(14, "wellness_entries_7d"),
            2.0,
            "days 8 and 9; the empty entry of day 12 is none"
        );
        assert_eq!(at(20, "days_in_forma"), 20.0);
        // History: only reports before d.
        assert_eq!(at(3, "prior_episodes"), 0.0);
        assert!(at(3, "days_since_episode").is_nan());
        assert_eq!(at(4, "prior_episodes"), 1.0);
        assert_eq!(at(4, "days_since_episode"), 1.0);
        assert_eq!(at(9, "prior_episodes"), 1.0, "day 8 joined the episode");
        assert_eq!(at(9, "days_since_episode"), 1.0);
        assert_eq!(at(16, "prior_episodes"), 1.0);
        assert_eq!(at(17, "prior_episodes"), 2.0);
        assert_eq!(at(20, "days_since_episode"), 4.0);
        // Sessions in the 28 days before d once 28 days have passed: none yet.
        assert!(at(20, "sessions_28d").is_nan());
        assert_eq!(
            feature_group("prior_episodes_missing"),
            Some(FeatureGroup::History)
        );
        assert_eq!(feature_group("fatigue_7d"), Some(FeatureGroup::Readiness));
        assert_eq!(feature_group("unknown"), None);
    }
}

//! The model's features for an athlete and a decision day d, built only from what
//! was known on the morning of d (DESIGN.md "Time awareness"):
//!
//! - **load** from sessions up to d-1: every [`DailyMetrics`] column is read at
//!   index d-1, because a value at index i includes day i's load;
//! - **readiness** from wellness entered up to and including d: HRV status (ln
//!   rMSSD 7-day mean against the 60-day band, Plews et al. 2014), and resting
//!   heart rate and each wellness item as a z-score against the athlete's own 28
//!   days before d ([`crate::readiness`]);
//! - **freshness**: days since the last session (up to d-1), the last wellness
//!   entry, HRV and resting heart rate reading (up to d), and the share of the 28
//!   days before d with any data at all.
//!
//! Nothing about injuries, illnesses or labels is a feature: no feature carries
//! the previous event's status.
//!
//! Every value feature `x` has an indicator `x_missing` (1 when `x` is undefined:
//! too short a history, no reading, a window of rest). A missing value is `NaN` in
//! the vector; the model imputes it (see [`crate::model`]). Ratios that are `inf`
//! (positive load over zero) are capped at a fixed value, so "back from a long
//! break" stays distinguishable from "no data".
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
pub const SCHEMA_VERSION: &str = "forma-features-1";

/// The value features, in order, and the cap applied to a non-finite or extreme
/// value (`None`: no cap needed).
const VALUE_FEATURES: &[(&str, Option<f64>)] = &[
    ("acute_load", None),
    ("chronic_load", None),
    ("acwr_coupled", Some(5.0)),
    ("acwr_uncoupled", Some(5.0)),
    ("acwr_ewma", Some(5.0)),
    ("monotony", Some(10.0)),
    ("strain", None),
    ("week_change_pct", Some(500.0)),
    ("ctl", None),
    ("atl", None),
    ("tsb", None),
    ("ramp_rate", None),
    ("sessions_7d", None),
    ("days_since_hard", Some(60.0)),
    ("hrv_z", Some(10.0)),
    ("hrv_below_band", None),
    ("hrv_above_band", None),
    ("resting_hr_z", Some(10.0)),
    ("sleep_h_z", Some(10.0)),
    ("sleep_quality_z", Some(10.0)),
    ("fatigue_z", Some(10.0)),
    ("soreness_z", Some(10.0)),
    ("stress_z", Some(10.0)),
    ("mood_z", Some(10.0)),
    ("readiness_z", Some(10.0)),
    ("days_since_session", Some(60.0)),
    ("days_since_wellness", Some(60.0)),
    ("days_since_hrv", Some(60.0)),
    ("days_since_resting_hr", Some(60.0)),
    ("observed_share_28d", None),
];

/// Index of a value feature in the vector, by name, for baselines and reasons.
pub fn value_index(name: &str) -> Option<usize> {
    VALUE_FEATURES.iter().position(|(n, _)| *n == name)
}

/// Number of value features (each also has a missingness indicator).
pub const VALUE_FEATURE_COUNT: usize = VALUE_FEATURES.len();

/// The names and order of the feature vector, with its version and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureSchema {
    /// Version string, such as `forma-features-1`.
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
            .map(|(n, _)| (*n).to_owned())
            .chain(VALUE_FEATURES.iter().map(|(n, _)| format!("{n}_missing")))
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

/// Builds `athlete`'s feature vectors for every decision day from their first day
/// with data to `end` (or their last day with data), in one pass.
///
/// Records of other athletes are ignored, as are records after `end`. Returns
/// `None` when the athlete has no data on or before `end`.
///
/// ```
/// use forma_core::features::{athlete_features, FeatureSchema};
/// let id: forma_core::types::AthleteId = "p01".parse().unwrap();
/// assert!(athlete_features(&id, &[], &[], None).is_none());
/// ```
pub fn athlete_features(
    athlete: &AthleteId,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    end: Option<Date>,
) -> Option<AthleteFeatures> {
    athlete_features_with(athlete, sessions, wellness, end, None)
}

/// The part of an athlete's features that reads wellness alone: the wellness
/// laid out per day, its readiness and which days have any. Every value on a
/// day reads only that day and the days before, so one part built for a long
/// enough run of days serves any shorter run from the same first day. Prepared
/// once when the same wellness is read with many loads (a plan being edited).
#[derive(Debug, Clone, PartialEq)]
pub struct WellnessPart {
    athlete_id: AthleteId,
    start: Date,
    columns: WellnessColumns,
    ready: crate::readiness::Readiness,
    any: Vec<bool>,
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
            .filter(|w| &w.athlete_id == athlete)
            .cloned()
            .collect();
        Self::of_own(athlete, &own, start, days)
    }

    fn of_own(athlete: &AthleteId, own: &[WellnessEntry], start: Date, days: usize) -> Self {
        let columns = WellnessColumns::build(start, days, own);
        let ready = readiness(&columns, &HrvOptions::default());
        let any = (0..days)
            .map(|i| {
                [
                    &columns.sleep_h,
                    &columns.sleep_quality,
                    &columns.fatigue,
                    &columns.soreness,
                    &columns.stress,
                    &columns.mood,
                    &columns.readiness,
                    &columns.hrv_rmssd_ms,
                    &columns.resting_hr,
                ]
                .iter()
                .any(|c| c[i].is_some())
            })
            .collect();
        Self {
            athlete_id: athlete.clone(),
            start,
            columns,
            ready,
            any,
        }
    }

    /// Whether the part serves `n` days of `athlete` from `start`.
    fn serves(&self, athlete: &AthleteId, start: Date, n: usize) -> bool {
        &self.athlete_id == athlete && self.start == start && n <= self.any.len()
    }
}

/// As [`athlete_features`], reading the wellness side from `prepared` when it
/// was built from the same wellness (up to `end`) for this athlete, first day
/// and at least as many days; otherwise it is built afresh. The result is the
/// same either way.
pub fn athlete_features_with(
    athlete: &AthleteId,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    end: Option<Date>,
    prepared: Option<&WellnessPart>,
) -> Option<AthleteFeatures> {
    let own_wellness: Vec<WellnessEntry> = wellness
        .iter()
        .filter(|w| &w.athlete_id == athlete && end.is_none_or(|e| w.date <= e))
        .cloned()
        .collect();
    let series = DailySeries::build(athlete, sessions, &own_wellness, &[], end)?;
    let n = series.len();
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

    let mut rows = Vec::with_capacity(n);
    // Last day (index) with each kind of data, updated as the pass moves on.
    let (mut last_session, mut last_wellness, mut last_hrv, mut last_rhr) =
        (None::<usize>, None::<usize>, None::<usize>, None::<usize>);
    let mut observed_28 = 0usize;
    for d in 0..n {
        // Wellness is known on the morning of d; sessions only up to d-1.
        if any_wellness[d] {
            last_wellness = Some(d);
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
        }
        if d >= 29 {
            observed_28 -= usize::from(series.observed[d - 29]);
        }
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
        let values: [Option<f64>; VALUE_FEATURE_COUNT] = [
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
        ];
        let mut row = vec![0.0; 2 * VALUE_FEATURE_COUNT];
        for (k, (v, (_, cap))) in values.iter().zip(VALUE_FEATURES).enumerate() {
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
        let f = athlete_features(&id, &sessions, &[], None).unwrap();
        let series = DailySeries::build(&id, &sessions, &[], &[], None).unwrap();
        let m = DailyMetrics::compute(&series, &MetricsOptions::default());
        let acute = value_index("acute_load").unwrap();
        assert_eq!(f.rows[35][acute], m.acute_rac[34].unwrap());
        assert!(f.rows[0][acute].is_nan());
        assert_eq!(f.rows[0][VALUE_FEATURE_COUNT + acute], 1.0);
        assert_eq!(f.rows[35][value_index("days_since_session").unwrap()], 1.0);
    }
}

//! Readiness from the athlete's own baselines: HRV as ln rMSSD against a 60-day
//! normal band (Plews et al. 2014), resting heart rate and each wellness item as
//! a deviation from the athlete's own 28-day baseline.
//!
//! Every value for day d uses only entries dated up to d (wellness is entered on
//! the morning of d, so it is known when d's decision is made).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::stats::{self, Ddof};
use crate::types::{epoch_day, WellnessEntry};

/// Where the 7-day HRV mean sits against the athlete's normal band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HrvStatus {
    /// Below the normal band: a sign of accumulated fatigue or illness.
    Below,
    /// Within the normal band.
    Within,
    /// Above the normal band (after a taper, or a sign of overreaching in some athletes).
    Above,
    /// Too few readings in the rolling window or the baseline.
    Insufficient,
}

/// Parameters of the HRV status, with Plews et al. (2014) defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HrvOptions {
    /// Rolling window of the ln rMSSD mean (7 days).
    pub rolling_days: usize,
    /// Readings needed in the rolling window (3).
    pub min_rolling_values: usize,
    /// Baseline window, ending today (60 days).
    pub baseline_days: usize,
    /// Readings needed in the baseline (14).
    pub min_baseline_values: usize,
    /// Half-width of the normal band in baseline standard deviations (0.5).
    pub band_sd: f64,
}

impl Default for HrvOptions {
    fn default() -> Self {
        Self {
            rolling_days: 7,
            min_rolling_values: 3,
            baseline_days: 60,
            min_baseline_values: 14,
            band_sd: 0.5,
        }
    }
}

/// One day's HRV reading against the band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HrvReading {
    /// Mean ln rMSSD over the rolling window.
    pub rolling_mean: Option<f64>,
    /// Mean ln rMSSD over the baseline window.
    pub baseline_mean: Option<f64>,
    /// Sample standard deviation of ln rMSSD over the baseline window.
    pub baseline_sd: Option<f64>,
    /// Where the rolling mean sits against the band.
    pub status: HrvStatus,
}

/// Mean and sample standard deviation of the present values, the deviation 0 for
/// one value; `None` below `min`.
fn mean_sd(values: &[Option<f64>], min: usize) -> Option<(f64, f64, usize)> {
    let present = values.iter().flatten().copied();
    let n = present.clone().count();
    if n < min.max(1) {
        return None;
    }
    stats::mean_sd(present.clone(), Ddof::One).or_else(|| Some((stats::mean(present)?, 0.0, n)))
}

/// HRV status per day from daily rMSSD in ms (`None` = no reading):
/// 7-day mean of ln rMSSD vs baseline mean +- 0.5 SD of the 60 days ending today.
///
/// ```
/// use forma_core::readiness::{hrv_status, HrvOptions, HrvStatus};
/// let mut rmssd = vec![Some(60.0), Some(66.0)].repeat(30);
/// rmssd.extend([Some(40.0); 7]);
/// let last = hrv_status(&rmssd, &HrvOptions::default()).pop().unwrap();
/// assert_eq!(last.status, HrvStatus::Below);
/// assert_eq!(hrv_status(&[Some(60.0)], &HrvOptions::default())[0].status, HrvStatus::Insufficient);
/// ```
pub fn hrv_status(daily_rmssd_ms: &[Option<f64>], options: &HrvOptions) -> Vec<HrvReading> {
    let ln: Vec<Option<f64>> = daily_rmssd_ms
        .iter()
        // `libm`, not `f64::ln`: the same bits natively and in the browser.
        .map(|v| v.filter(|x| *x > 0.0).map(libm::log))
        .collect();
    (0..ln.len())
        .map(|i| {
            let window = |days: usize| &ln[(i + 1).saturating_sub(days)..=i];
            let rolling = mean_sd(window(options.rolling_days), options.min_rolling_values);
            let baseline = mean_sd(window(options.baseline_days), options.min_baseline_values);
            let status = match (rolling, baseline) {
                (Some((r, _, _)), Some((b, sd, _))) => {
                    if r < b - options.band_sd * sd {
                        HrvStatus::Below
                    } else if r > b + options.band_sd * sd {
                        HrvStatus::Above
                    } else {
                        HrvStatus::Within
                    }
                }
                _ => HrvStatus::Insufficient,
            };
            HrvReading {
                rolling_mean: rolling.map(|r| r.0),
                baseline_mean: baseline.map(|b| b.0),
                baseline_sd: baseline.map(|b| b.1),
                status,
            }
        })
        .collect()
}

/// A value against the athlete's own baseline of the days before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Deviation {
    /// Today's value.
    pub value: f64,
    /// Mean of the baseline days.
    pub baseline_mean: f64,
    /// Sample standard deviation of the baseline days.
    pub baseline_sd: f64,
    /// Readings in the baseline.
    pub baseline_values: usize,
    /// value - baseline mean.
    pub deviation: f64,
    /// deviation / baseline SD; `None` when the baseline does not vary.
    pub z: Option<f64>,
}

/// Each day's value against the mean and SD of the `baseline_days` before it
/// (today excluded, so a bad morning does not hide in its own baseline); `None`
/// without a value today or with fewer than `min_values` in the baseline.
pub fn baseline_deviation(
    values: &[Option<f64>],
    baseline_days: usize,
    min_values: usize,
) -> Vec<Option<Deviation>> {
    (0..values.len())
        .map(|i| {
            let value = values[i]?;
            let (mean, sd, n) = mean_sd(&values[i.saturating_sub(baseline_days)..i], min_values)?;
            Some(Deviation {
                value,
                baseline_mean: mean,
                baseline_sd: sd,
                baseline_values: n,
                deviation: value - mean,
                z: (sd > 0.0).then(|| (value - mean) / sd),
            })
        })
        .collect()
}

/// Wellness items laid out per day from `start` for `days` days.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct WellnessColumns {
    /// Hours slept.
    pub sleep_h: Vec<Option<f64>>,
    /// Sleep quality.
    pub sleep_quality: Vec<Option<f64>>,
    /// Fatigue.
    pub fatigue: Vec<Option<f64>>,
    /// Soreness.
    pub soreness: Vec<Option<f64>>,
    /// Stress.
    pub stress: Vec<Option<f64>>,
    /// Mood.
    pub mood: Vec<Option<f64>>,
    /// Self-rated readiness.
    pub readiness: Vec<Option<f64>>,
    /// Morning rMSSD, ms.
    pub hrv_rmssd_ms: Vec<Option<f64>>,
    /// Resting heart rate, bpm.
    pub resting_hr: Vec<Option<f64>>,
}

impl WellnessColumns {
    /// Lays out `entries` (one athlete's) on the days from `start`; a later entry
    /// for the same day overrides an earlier one item by item.
    pub fn build(start: Date, days: usize, entries: &[WellnessEntry]) -> Self {
        let mut c = Self {
            sleep_h: vec![None; days],
            ..Self::default()
        };
        for col in [
            &mut c.sleep_quality,
            &mut c.fatigue,
            &mut c.soreness,
            &mut c.stress,
            &mut c.mood,
            &mut c.readiness,
            &mut c.hrv_rmssd_ms,
            &mut c.resting_hr,
        ] {
            col.resize(days, None);
        }
        let first = epoch_day(start);
        for e in entries {
            let Some(i) = usize::try_from(epoch_day(e.date) - first)
                .ok()
                .filter(|i| *i < days)
            else {
                continue;
            };
            let pairs = [
                (&mut c.sleep_h, e.sleep_h),
                (&mut c.sleep_quality, e.sleep_quality),
                (&mut c.fatigue, e.fatigue),
                (&mut c.soreness, e.soreness),
                (&mut c.stress, e.stress),
                (&mut c.mood, e.mood),
                (&mut c.readiness, e.readiness),
                (&mut c.hrv_rmssd_ms, e.hrv_rmssd_ms),
                (&mut c.resting_hr, e.resting_hr),
            ];
            for (col, value) in pairs {
                if value.is_some() {
                    col[i] = value;
                }
            }
        }
        c
    }
}

/// One athlete's readiness per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readiness {
    /// HRV status per day.
    pub hrv: Vec<HrvReading>,
    /// Resting heart rate against its 28-day baseline.
    pub resting_hr: Vec<Option<Deviation>>,
    /// Hours slept against the baseline.
    pub sleep_h: Vec<Option<Deviation>>,
    /// Sleep quality against the baseline.
    pub sleep_quality: Vec<Option<Deviation>>,
    /// Fatigue against the baseline.
    pub fatigue: Vec<Option<Deviation>>,
    /// Soreness against the baseline.
    pub soreness: Vec<Option<Deviation>>,
    /// Stress against the baseline.
    pub stress: Vec<Option<Deviation>>,
    /// Mood against the baseline.
    pub mood: Vec<Option<Deviation>>,
    /// Self-rated readiness against the baseline.
    pub readiness: Vec<Option<Deviation>>,
}

/// Readiness for every day of `columns`: HRV status, and resting heart rate and
/// each wellness item against the 28 days before (at least 7 readings).
pub fn readiness(columns: &WellnessColumns, hrv: &HrvOptions) -> Readiness {
    let dev = |v: &[Option<f64>]| baseline_deviation(v, 28, 7);
    Readiness {
        hrv: hrv_status(&columns.hrv_rmssd_ms, hrv),
        resting_hr: dev(&columns.resting_hr),
        sleep_h: dev(&columns.sleep_h),
        sleep_quality: dev(&columns.sleep_quality),
        fatigue: dev(&columns.fatigue),
        soreness: dev(&columns.soreness),
        stress: dev(&columns.stress),
        mood: dev(&columns.mood),
        readiness: dev(&columns.readiness),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn hrv_band_is_baseline_plus_minus_half_an_sd_of_ln_rmssd() {
        // Baseline alternating e^4 and e^4.2: ln values 4 and 4.2, mean 4.1,
        // sample SD over 60 values = 0.1 x sqrt(60/59); band 4.1 +- ~0.0504.
        let (a, b) = (4.0f64.exp(), 4.2f64.exp());
        let base: Vec<Option<f64>> = [Some(a), Some(b)].repeat(30);
        let r = hrv_status(&base, &HrvOptions::default());
        let last = r[59];
        assert!((last.baseline_mean.unwrap() - 4.1).abs() < 1e-12);
        assert!((last.baseline_sd.unwrap() - 0.1 * (60.0f64 / 59.0).sqrt()).abs() < 1e-12);
        assert_eq!(last.status, HrvStatus::Within);
        // A high week: 7 days at ln 4.3 lifts the rolling mean above the band.
        let mut high = base.clone();
        high.extend([Some(4.3f64.exp()); 7]);
        assert_eq!(
            hrv_status(&high, &HrvOptions::default())[66].status,
            HrvStatus::Above
        );
        // Only 2 readings in the last 7 days: insufficient.
        let mut sparse = base;
        sparse.extend([None, None, None, None, None, Some(a), Some(a)]);
        assert_eq!(
            hrv_status(&sparse, &HrvOptions::default())[66].status,
            HrvStatus::Insufficient
        );
    }

    #[test]
    fn deviation_compares_today_with_the_days_before() {
        // Baseline 50, 52, 50, 52, ... (mean 51, SD 1.0177 over 28), today 56: +5.
        let mut rhr: Vec<Option<f64>> = [Some(50.0), Some(52.0)].repeat(14);
        rhr.push(Some(56.0));
        let d = baseline_deviation(&rhr, 28, 7)[28].unwrap();
        assert_eq!(d.baseline_mean, 51.0);
        assert_eq!(d.deviation, 5.0);
        assert!((d.z.unwrap() - 5.0 / (28.0f64 / 27.0).sqrt()).abs() < 1e-12);
        assert_eq!(baseline_deviation(&rhr, 28, 7)[5], None); // 5 readings before: too few
        let e = WellnessEntry {
            resting_hr: Some(50.0),
            ..WellnessEntry::empty("a".parse().unwrap(), date(2020, 1, 2))
        };
        let cols = WellnessColumns::build(date(2020, 1, 1), 3, &[e]);
        assert_eq!(cols.resting_hr, [None, Some(50.0), None]);
        assert_eq!(readiness(&cols, &HrvOptions::default()).hrv.len(), 3);
    }
}

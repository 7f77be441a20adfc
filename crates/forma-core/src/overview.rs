//! What the team page and the athlete page show, computed from one athlete's stored
//! records: the daily series with every metric, and the latest status.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::api::{AthleteProfile, AthleteStatus, PmcColumns, QualityCounts, SeriesResponse};
use crate::metrics::{self, DailyMetrics, MetricsOptions, PmcVariant};
use crate::quality::{self, QualityOptions, Severity};
use crate::readiness::{self, HrvOptions, HrvStatus, WellnessColumns};
use crate::series::DailySeries;
use crate::types::{epoch_day, AthleteId, Session, WellnessEntry};

/// The ratio the team page shows, named as the page names it.
pub const STATUS_RATIO_FORM: &str = "coupled 7:28 rolling";

const VARIANTS: [(PmcVariant, &str); 3] = [
    (PmcVariant::TrainingPeaks, "trainingpeaks"),
    (PmcVariant::GoldenCheetah, "goldencheetah"),
    (PmcVariant::Intervals, "intervals"),
];

/// The day an athlete's figures are computed for: their team's fixed day when it
/// has one (a team shown as of its last data), else the date `now` in the
/// athlete's time zone (UTC for a zone this build does not know). Forma's core
/// reads no clock: the caller passes `now`.
pub fn today_of(team_day: Option<Date>, time_zone: &str, now: jiff::Timestamp) -> Date {
    team_day.unwrap_or_else(|| {
        let zone = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        zone.to_datetime(now).date()
    })
}

/// The most days one series answer covers: ten years.
pub const MAX_SERIES_DAYS: usize = 3653;

/// Every metric for `athlete` from their first day with data up to `to` (or their
/// last day), returned for the days `from..=to`, at most the last
/// [`MAX_SERIES_DAYS`] of them. Metrics are computed over the athlete's history
/// ([`DailySeries::build`]) so that a window's first days carry their true values.
pub fn series(
    athlete: &AthleteId,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    from: Option<Date>,
    to: Option<Date>,
) -> SeriesResponse {
    let Some(full) = DailySeries::build(athlete, sessions, wellness, &[], to) else {
        return SeriesResponse {
            athlete_id: Some(athlete.clone()),
            from,
            to,
            ..SeriesResponse::default()
        };
    };
    let start = from.map_or(0, |from| {
        usize::try_from(epoch_day(from) - epoch_day(full.start)).unwrap_or(0)
    });
    let start = start.max(full.len().saturating_sub(MAX_SERIES_DAYS));
    let range = start.min(full.len())..full.len();
    let options = MetricsOptions::default();
    let metrics = DailyMetrics::compute(&full, &options);
    let columns = WellnessColumns::build(full.start, full.len(), wellness);
    let hrv_options = HrvOptions::default();
    let ready = readiness::readiness(&columns, &hrv_options);
    let cut = |column: &[Option<f64>]| column[range.clone()].to_vec();
    let pmc = VARIANTS
        .iter()
        .map(|(variant, name)| {
            let columns = metrics::pmc(
                &full.load,
                *variant,
                options.ctl_days,
                options.atl_days,
                options.ctl_start,
                options.atl_start,
            );
            PmcColumns {
                variant: (*name).to_owned(),
                ctl: columns.ctl[range.clone()].to_vec(),
                atl: columns.atl[range.clone()].to_vec(),
                tsb: columns.tsb[range.clone()].to_vec(),
            }
        })
        .collect();
    let hrv = &ready.hrv[range.clone()];
    let band = |sign: f64| -> Vec<Option<f64>> {
        hrv.iter()
            .map(|reading| {
                Some(reading.baseline_mean? + sign * hrv_options.band_sd * reading.baseline_sd?)
            })
            .collect()
    };
    SeriesResponse {
        athlete_id: Some(athlete.clone()),
        from: Some(full.date(range.start.min(full.len().saturating_sub(1)))),
        to: Some(full.date(full.len() - 1)),
        dates: range.clone().map(|i| full.date(i)).collect(),
        observed: full.observed[range.clone()].to_vec(),
        load: full.load[range.clone()].to_vec(),
        sessions: full.sessions[range.clone()].to_vec(),
        acute_rac: cut(&metrics.acute_rac),
        chronic_rac: cut(&metrics.chronic_rac),
        acwr_rac: cut(&metrics.acwr_rac),
        chronic_rau: cut(&metrics.chronic_rau),
        acwr_rau: cut(&metrics.acwr_rau),
        acute_ewma: cut(&metrics.acute_ewma),
        chronic_ewma: cut(&metrics.chronic_ewma),
        acwr_ewma: cut(&metrics.acwr_ewma),
        monotony: cut(&metrics.monotony),
        strain: cut(&metrics.strain),
        week_change_pct: cut(&metrics.week_change_pct),
        pmc,
        ramp_rate: cut(&metrics.ramp_rate),
        days_since_hard: metrics.days_since_hard[range.clone()].to_vec(),
        sessions_7d: metrics.sessions_7d[range.clone()].to_vec(),
        sleep_h: cut(&columns.sleep_h),
        sleep_quality: cut(&columns.sleep_quality),
        fatigue: cut(&columns.fatigue),
        soreness: cut(&columns.soreness),
        stress: cut(&columns.stress),
        mood: cut(&columns.mood),
        readiness: cut(&columns.readiness),
        resting_hr: cut(&columns.resting_hr),
        hrv_rmssd_ms: cut(&columns.hrv_rmssd_ms),
        hrv_rolling_ln: hrv.iter().map(|reading| reading.rolling_mean).collect(),
        hrv_band_low: band(-1.0),
        hrv_band_high: band(1.0),
        hrv_status: hrv.iter().map(|reading| reading.status).collect(),
        unreliable: Vec::new(),
    }
}

/// One athlete's row on the team page, as of `as_of`.
pub fn status(
    profile: &AthleteProfile,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    as_of: Date,
) -> AthleteStatus {
    let mut status = AthleteStatus {
        athlete: profile.clone(),
        as_of,
        last_data: None,
        days_since_data: None,
        acwr: None,
        ratio_through: None,
        ratio_form: STATUS_RATIO_FORM.to_owned(),
        form: None,
        fitness: None,
        hrv_status: None,
        readiness: None,
        quality: QualityCounts::default(),
        intentional_deload: false,
    };
    let Some(series) = DailySeries::build(&profile.id, sessions, wellness, &[], Some(as_of)) else {
        return status;
    };
    let last = series.len() - 1;
    // From the records: data more than a history's gap ago is not in the series.
    let last_data = sessions
        .iter()
        .filter(|s| s.athlete_id == profile.id)
        .map(|s| s.date)
        .chain(
            wellness
                .iter()
                .filter(|w| w.athlete_id == profile.id)
                .map(|w| w.date),
        )
        .filter(|date| *date <= as_of)
        .max();
    if let Some(date) = last_data {
        status.last_data = Some(date);
        status.days_since_data = Some(i64::from(epoch_day(as_of) - epoch_day(date)));
    }
    let metrics = DailyMetrics::compute(&series, &MetricsOptions::default());
    // The morning's ratio: load up to the day before, as the recommendation reads it.
    if let (Some(before), Some(through)) = (last.checked_sub(1), as_of.yesterday().ok()) {
        if series.date(before) == through {
            status.acwr = metrics.acwr_rac[before];
            status.ratio_through = Some(through);
        }
    }
    status.form = Some(metrics.tsb[last]);
    status.fitness = Some(metrics.ctl[last]);
    let columns = WellnessColumns::build(series.start, series.len(), wellness);
    let hrv = readiness::hrv_status(&columns.hrv_rmssd_ms, &HrvOptions::default());
    status.hrv_status = hrv
        .get(last)
        .map(|reading| reading.status)
        .filter(|s| *s != HrvStatus::Insufficient);
    status.readiness = columns.readiness[last];
    let report = quality::check(
        &series,
        &QualityOptions {
            report_date: Some(as_of),
            ..QualityOptions::default()
        },
    );
    let own: Vec<Session> = sessions
        .iter()
        .filter(|s| s.athlete_id == profile.id)
        .cloned()
        .collect();
    let units = quality::unit_findings(&own, Some(as_of));
    for finding in report.findings.iter().chain(&units) {
        match finding.severity {
            Severity::Error => status.quality.errors += 1,
            Severity::Warning => status.quality.warnings += 1,
            Severity::Note => status.quality.notes += 1,
        }
    }
    status
}

/// Why an athlete needs the coach's attention today, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attention {
    /// 0 = nothing to look at; higher = more urgent.
    pub level: u8,
    /// Each reason as a short phrase a coach reads at a glance.
    pub reasons: Vec<String>,
}

/// Ratios above this are the "danger zone" of the early ACWR literature (Gabbett 2016);
/// Forma flags them for a look, not as a verdict.
pub const HIGH_RATIO: f64 = 1.5;
/// Above the conventional band.
pub const RAISED_RATIO: f64 = 1.3;
/// Below the conventional 0.8 to 1.3 band: load well under what the athlete is used
/// to (Gabbett 2016's "undertraining" side), which detrains unless it is planned.
pub const LOW_RATIO: f64 = 0.8;
/// Data older than this many days is stale (DESIGN.md).
pub const STALE_DAYS: i64 = 3;
/// Form (TSB) below this is deep fatigue in TrainingPeaks' usual reading.
pub const DEEP_FATIGUE_TSB: f64 = -30.0;

/// How urgently an athlete needs a look, and why. The rules, in order of weight:
/// quality errors (3); no data at all, or data older than [`STALE_DAYS`] (2); a
/// ratio above [`HIGH_RATIO`] (2) or above [`RAISED_RATIO`] (1), or below
/// [`LOW_RATIO`] (1, detraining) unless a coach labelled those days an intentional
/// deload; HRV below the normal band (1); form below [`DEEP_FATIGUE_TSB`] (1). The
/// level is the sum.
pub fn attention(status: &AthleteStatus) -> Attention {
    let mut level = 0;
    let mut reasons = Vec::new();
    if status.quality.errors > 0 {
        level += 3;
        reasons.push(format!("{} data error(s)", status.quality.errors));
    }
    match status.days_since_data {
        None => {
            level += 2;
            reasons.push("no data yet".to_owned());
        }
        Some(days) if days > STALE_DAYS => {
            level += 2;
            reasons.push(format!("no data for {days} days"));
        }
        Some(_) => {}
    }
    match status.acwr {
        Some(ratio) if ratio > HIGH_RATIO => {
            level += 2;
            reasons.push(format!("load ratio {ratio:.2}, above {HIGH_RATIO}"));
        }
        Some(ratio) if ratio > RAISED_RATIO => {
            level += 1;
            reasons.push(format!("load ratio {ratio:.2}, above {RAISED_RATIO}"));
        }
        Some(ratio) if ratio < LOW_RATIO && !status.intentional_deload => {
            level += 1;
            reasons.push(format!(
                "load ratio {ratio:.2}, below {LOW_RATIO}: detraining?"
            ));
        }
        _ => {}
    }
    if status.hrv_status == Some(HrvStatus::Below) {
        level += 1;
        reasons.push("HRV below normal".to_owned());
    }
    if let Some(form) = status.form.filter(|form| *form < DEEP_FATIGUE_TSB) {
        level += 1;
        reasons.push(format!("form {form:.0}, deep fatigue"));
    }
    Attention { level, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_athletes_today_is_the_teams_fixed_day_or_the_date_in_their_zone() {
        let now: jiff::Timestamp = "2024-03-10T23:30:00Z".parse().expect("time");
        let fixed = jiff::civil::date(2020, 3, 31);
        assert_eq!(today_of(Some(fixed), "Europe/Oslo", now), fixed);
        assert_eq!(today_of(None, "UTC", now), jiff::civil::date(2024, 3, 10));
        // Oslo is an hour ahead of UTC in March: already the 11th there.
        assert_eq!(
            today_of(None, "Europe/Oslo", now),
            jiff::civil::date(2024, 3, 11)
        );
        assert_eq!(
            today_of(None, "Nowhere/Atlantis", now),
            jiff::civil::date(2024, 3, 10)
        );
    }
    use crate::types::parse_date;

    fn session(day: &str, load: f64) -> Session {
        Session {
            athlete_id: "a1".parse().expect("id"),
            date: parse_date(day).expect("date"),
            sport: None,
            duration_min: None,
            rpe: None,
            load,
            distance_km: None,
            avg_hr: None,
            source: None,
        }
    }

    fn step_sessions() -> Vec<Session> {
        let start = parse_date("2024-01-01").expect("date");
        (0..35)
            .map(|i| {
                let day = crate::types::date_from_epoch_day(epoch_day(start) + i);
                session(&day.to_string(), if i < 28 { 50.0 } else { 100.0 })
            })
            .collect()
    }

    #[test]
    fn a_window_carries_values_computed_over_the_whole_history() {
        let athlete: AthleteId = "a1".parse().expect("id");
        let sessions = step_sessions();
        let last_week = series(
            &athlete,
            &sessions,
            &[],
            parse_date("2024-01-29").ok(),
            None,
        );
        let everything = series(&athlete, &sessions, &[], None, None);

        assert_eq!(last_week.dates.len(), 7);
        assert_eq!(last_week.acwr_rac.last(), Some(&Some(1.6)));
        assert_eq!(last_week.acwr_rau.last(), Some(&Some(2.0)));
        assert_eq!(last_week.acwr_rac[..], everything.acwr_rac[28..]);
        assert_eq!(last_week.pmc.len(), 3);
        assert_eq!(last_week.pmc[0].ctl[..], everything.pmc[0].ctl[28..]);
        assert_ne!(
            last_week.pmc[0].ctl, last_week.pmc[1].ctl,
            "variants differ"
        );
    }

    #[test]
    fn attention_adds_up_its_reasons_in_words() {
        let mut status = status(
            &profile(),
            &step_sessions(),
            &[],
            parse_date("2024-02-04").expect("date"),
        );
        status.acwr = Some(1.6);
        status.form = Some(-40.0);
        status.days_since_data = Some(5);

        let flagged = attention(&status);

        assert_eq!(flagged.level, 2 + 2 + 1);
        assert_eq!(
            flagged.reasons,
            [
                "no data for 5 days",
                "load ratio 1.60, above 1.5",
                "form -40, deep fatigue"
            ]
        );
        status.acwr = Some(1.0);
        status.form = Some(0.0);
        status.days_since_data = Some(0);
        assert_eq!(
            attention(&status),
            Attention {
                level: 0,
                reasons: Vec::new()
            }
        );
    }

    #[test]
    fn a_low_ratio_is_detraining_unless_labelled_an_intentional_deload() {
        let mut status = status(
            &profile(),
            &step_sessions(),
            &[],
            parse_date("2024-02-04").expect("date"),
        );
        status.acwr = Some(0.55);
        status.form = Some(0.0);
        status.days_since_data = Some(0);

        let flagged = attention(&status);
        status.intentional_deload = true;
        let planned = attention(&status);

        assert_eq!(
            flagged,
            Attention {
                level: 1,
                reasons: vec!["load ratio 0.55, below 0.8: detraining?".to_owned()]
            }
        );
        assert_eq!(planned.level, 0);
        assert!(planned.reasons.is_empty());
    }

    fn profile() -> AthleteProfile {
        AthleteProfile {
            id: "a1".parse().expect("id"),
            team_id: "t".to_owned(),
            name: "A".to_owned(),
            time_zone: "UTC".to_owned(),
            sex: None,
            birth_year: None,
            sport: None,
            hr_max: None,
            hr_rest: None,
            data_version: 0,
        }
    }

    #[test]
    fn status_reports_freshness_and_the_latest_ratio() {
        let profile = AthleteProfile {
            id: "a1".parse().expect("id"),
            team_id: "t".to_owned(),
            name: "A".to_owned(),
            time_zone: "UTC".to_owned(),
            sex: None,
            birth_year: None,
            sport: None,
            hr_max: None,
            hr_rest: None,
            data_version: 0,
        };
        let sessions = step_sessions();

        let today = status(
            &profile,
            &sessions,
            &[],
            parse_date("2024-02-04").expect("date"),
        );
        let later = status(
            &profile,
            &sessions,
            &[],
            parse_date("2024-02-10").expect("date"),
        );

        // The morning's ratio runs to 3 February: acute (50 + 6 x 100) / 7 over
        // chronic (22 x 50 + 6 x 100) / 28 = 26/17 (the day's own load, which
        // brings the chart's 4 February value to 1.6, is not known that morning).
        let ratio = today.acwr.expect("a ratio");
        assert!((ratio - 26.0 / 17.0).abs() < 1e-12, "{ratio}");
        assert_eq!(today.ratio_through, parse_date("2024-02-03").ok());
        assert_eq!(today.days_since_data, Some(0));
        assert_eq!(later.days_since_data, Some(6));
        assert_eq!(later.last_data, parse_date("2024-02-04").ok());
        assert!(
            later.quality.warnings >= 1,
            "stale data is a warning: {:?}",
            later.quality
        );
    }
}

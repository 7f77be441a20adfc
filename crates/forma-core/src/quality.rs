//! Data-quality report per athlete: what in the record makes the numbers
//! meaningless or suspect, said in sentences a coach understands.
//!
//! Severities follow the `acwr` package: an **error** makes the load metrics
//! meaningless (too short a history, negative loads), a **warning** changes them
//! without invalidating them (outliers, long breaks, a unit change, stale or
//! patchy data), a **note** is worth knowing when reading them.

use std::fmt::{self, Write};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::series::DailySeries;
use crate::stats::quantile;
use crate::types::{epoch_day, AthleteId, Session, WellnessEntry};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The load metrics are meaningless until this is fixed.
    Error,
    /// The load metrics change because of this; read them with care.
    Warning,
    /// Worth knowing when reading the metrics.
    Note,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        })
    }
}

/// Which check produced a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Fewer days than the chronic window.
    ShortHistory,
    /// Days with a negative load.
    NegativeLoad,
    /// Days far above the athlete's typical hard day.
    OutlierDays,
    /// A long run of days without load.
    LongBreak,
    /// Periods whose typical load differs as if recorded in another unit.
    UnitChange,
    /// Days without any data.
    UnobservedDays,
    /// Nothing recorded in the days before the report date.
    StaleData,
    /// Sessions whose loads are in different units ([`crate::types::LoadUnit`]).
    MixedUnits,
    /// Sessions whose load rests on an estimated RPE, to be given.
    EstimatedRpe,
}

/// One thing worth knowing about an athlete's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Which check found it.
    pub check: Check,
    /// How serious it is.
    pub severity: Severity,
    /// The days involved (for a break: its first and last day).
    pub dates: Vec<Date>,
    /// What it means, in a coach's words.
    pub message: String,
}

/// Thresholds of the checks, with their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QualityOptions {
    /// History shorter than this is an error (28, the chronic window).
    pub chronic_days: usize,
    /// A day above this multiple of the 95th percentile of training days is an outlier (3).
    pub outlier_factor: f64,
    /// This many consecutive zero-load days make a long break (14).
    pub break_days: usize,
    /// Periods whose median training load differs by this factor suggest a unit change (10).
    pub unit_change_factor: f64,
    /// Length of the periods compared for a unit change (28 days).
    pub unit_period_days: usize,
    /// Share of unobserved days above which the note becomes a warning (0.2).
    pub unobserved_warning_share: f64,
    /// Data is stale when nothing was recorded in this many days before the report date (3).
    pub stale_days: usize,
    /// The day the report is for; without it the staleness check is skipped.
    pub report_date: Option<Date>,
}

impl Default for QualityOptions {
    fn default() -> Self {
        Self {
            chronic_days: 28,
            outlier_factor: 3.0,
            break_days: 14,
            unit_change_factor: 10.0,
            unit_period_days: 28,
            unobserved_warning_share: 0.2,
            stale_days: 3,
            report_date: None,
        }
    }
}

/// What the checks found for one athlete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityReport {
    /// Whose record was checked.
    pub athlete_id: AthleteId,
    /// First day of the record.
    pub first_day: Date,
    /// Last day of the record.
    pub last_day: Date,
    /// Days in the record.
    pub days: usize,
    /// Days with load above zero.
    pub training_days: usize,
    /// Days without any data.
    pub unobserved_days: usize,
    /// What the checks found, in the order the checks run.
    pub findings: Vec<Finding>,
}

impl QualityReport {
    /// True when no finding is an error.
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.severity != Severity::Error)
    }
}

impl fmt::Display for QualityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} days from {} to {}, {} with training, {} without any data",
            self.athlete_id,
            self.days,
            self.first_day,
            self.last_day,
            self.training_days,
            self.unobserved_days
        )?;
        if self.findings.is_empty() {
            writeln!(f, "  no problems found")?;
        }
        for finding in &self.findings {
            writeln!(f, "  [{}] {}", finding.severity, finding.message)?;
        }
        Ok(())
    }
}

fn fmt_num(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    }
}

fn list_dates(dates: &[Date]) -> String {
    let shown: Vec<String> = dates.iter().take(5).map(Date::to_string).collect();
    let more = dates.len().saturating_sub(5);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Runs every check on one athlete's series.
pub fn check(series: &DailySeries, options: &QualityOptions) -> QualityReport {
    let n = series.len();
    let load = &series.load;
    let mut findings = Vec::new();
    let training: Vec<f64> = load.iter().copied().filter(|l| *l > 0.0).collect();
    let unobserved = series.observed.iter().filter(|o| !**o).count();

    if n < options.chronic_days {
        findings.push(Finding {
            check: Check::ShortHistory,
            severity: Severity::Error,
            dates: vec![series.start],
            message: format!(
                "Only {n} days of history since {}: load ratios need {} days, so they cannot be trusted yet.",
                series.start, options.chronic_days
            ),
        });
    }

    let negative: Vec<Date> = (0..n)
        .filter(|i| load[*i] < 0.0)
        .map(|i| series.date(i))
        .collect();
    if !negative.is_empty() {
        findings.push(Finding {
            check: Check::NegativeLoad,
            severity: Severity::Error,
            message: format!(
                "{} day(s) have a negative load ({}); load cannot be negative, so these records need correcting.",
                negative.len(),
                list_dates(&negative)
            ),
            dates: negative,
        });
    }

    if training.len() >= 10 {
        let p95 = quantile(&mut training.clone(), 0.95);
        let limit = options.outlier_factor * p95;
        let outliers: Vec<usize> = (0..n).filter(|i| load[*i] > limit).collect();
        if !outliers.is_empty() {
            let largest = outliers.iter().map(|i| load[*i]).fold(f64::MIN, f64::max);
            let dates: Vec<Date> = outliers.iter().map(|i| series.date(*i)).collect();
            findings.push(Finding {
                check: Check::OutlierDays,
                severity: Severity::Warning,
                message: format!(
                    "{} day(s) carry more than {} times a typical hard day's load of {} (largest {}) on {}: check for a watch left running or a typing error.",
                    dates.len(),
                    fmt_num(options.outlier_factor),
                    fmt_num(p95),
                    fmt_num(largest),
                    list_dates(&dates)
                ),
                dates,
            });
        }
    }

    let mut run_start = None;
    // A sentinel non-zero day after the end closes a final break.
    let zeros = load.iter().map(|l| *l == 0.0).chain(std::iter::once(false));
    for (i, zero) in zeros.enumerate() {
        match (zero, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                let len = i - s;
                if len >= options.break_days.max(1) {
                    let (from, to) = (series.date(s), series.date(i - 1));
                    findings.push(Finding {
                        check: Check::LongBreak,
                        severity: Severity::Warning,
                        dates: vec![from, to],
                        message: format!(
                            "No training logged for {len} days in a row ({from} to {to}): was it a planned break, illness or injury, or were sessions not recorded?"
                        ),
                    });
                }
                run_start = None;
            }
            _ => {}
        }
    }

    let period = options.unit_period_days.max(1);
    let mut medians: Vec<(usize, f64)> = Vec::new();
    for start in (0..n).step_by(period) {
        let mut days: Vec<f64> = load[start..(start + period).min(n)]
            .iter()
            .copied()
            .filter(|l| *l > 0.0)
            .collect();
        if days.len() >= 5 {
            medians.push((start, quantile(&mut days, 0.5)));
        }
    }
    let low = medians.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1));
    let high = medians.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
    if let (Some((lo_i, lo)), Some((hi_i, hi))) = (low, high) {
        if lo > 0.0 && hi / lo >= options.unit_change_factor {
            let (lo_d, hi_d) = (series.date(lo_i), series.date(hi_i));
            findings.push(Finding {
                check: Check::UnitChange,
                severity: Severity::Warning,
                dates: vec![lo_d.min(hi_d), lo_d.max(hi_d)],
                message: format!(
                    "The typical training day from {hi_d} ({}) is {} times the one from {lo_d} ({}): was load recorded in a different unit (for example minutes instead of RPE x minutes)?",
                    fmt_num(hi),
                    fmt_num(hi / lo),
                    fmt_num(lo)
                ),
            });
        }
    }

    if unobserved > 0 && n > 0 {
        let share = unobserved as f64 / n as f64;
        let dates: Vec<Date> = (0..n)
            .filter(|i| !series.observed[*i])
            .map(|i| series.date(i))
            .collect();
        findings.push(Finding {
            check: Check::UnobservedDays,
            severity: if share > options.unobserved_warning_share {
                Severity::Warning
            } else {
                Severity::Note
            },
            message: format!(
                "{unobserved} of {n} days ({:.0}%) have no session, wellness entry or device data at all; they count as rest in the load figures.",
                share * 100.0
            ),
            dates,
        });
    }

    if let Some(report) = options.report_date {
        let last_observed = (0..n)
            .rev()
            .find(|i| series.observed[*i])
            .map(|i| series.date(i));
        let window_start = epoch_day(report) - options.stale_days as i32;
        // Data on the report day itself is as fresh as it gets.
        let recent = last_observed.is_some_and(|d| {
            let e = epoch_day(d);
            e >= window_start && e <= epoch_day(report)
        });
        if !recent {
            let since = last_observed.map_or_else(|| "ever".to_owned(), |d| format!("since {d}"));
            findings.push(Finding {
                check: Check::StaleData,
                severity: Severity::Warning,
                dates: last_observed.into_iter().collect(),
                message: format!(
                    "Nothing recorded in the {} days before {report} (no data {since}): today's figures may be out of date.",
                    options.stale_days
                ),
            });
        }
    }

    QualityReport {
        athlete_id: series.athlete_id.clone(),
        first_day: series.start,
        last_day: series.end(),
        days: n,
        training_days: training.len(),
        unobserved_days: unobserved,
        findings,
    }
}

/// Days a report looks back for sessions in other units or with estimated RPEs.
pub const UNIT_WINDOW_DAYS: i32 = 90;

/// Findings about the units of the sessions of the last [`UNIT_WINDOW_DAYS`]
/// before `report_date` (all sessions without one): loads in units that cannot
/// be summed (a warning: ratios and form then compare unlike numbers), and
/// sessions whose session-RPE load rests on an estimated RPE (a note).
pub fn unit_findings(
    sessions: &[crate::types::Session],
    report_date: Option<Date>,
) -> Vec<Finding> {
    use crate::types::LoadUnit;
    let recent: Vec<&crate::types::Session> = sessions
        .iter()
        .filter(|s| {
            report_date.is_none_or(|r| {
                let (d, r) = (epoch_day(s.date), epoch_day(r));
                d <= r && d > r - UNIT_WINDOW_DAYS
            })
        })
        .collect();
    let mut by_unit: std::collections::BTreeMap<LoadUnit, Vec<Date>> = Default::default();
    for s in &recent {
        let unit = match s.load_unit() {
            LoadUnit::EstimatedSessionRpe => LoadUnit::SessionRpe,
            other => other,
        };
        by_unit.entry(unit).or_default().push(s.date);
    }
    let mut out = Vec::new();
    if by_unit.len() > 1 {
        // The unit of most sessions is the series' own; the others stand out.
        let main = by_unit
            .iter()
            .max_by_key(|(_, dates)| dates.len())
            .map(|(unit, _)| *unit)
            .unwrap_or(LoadUnit::SessionRpe);
        let counts: Vec<String> = by_unit
            .iter()
            .map(|(unit, dates)| format!("{} in {}", dates.len(), unit.words()))
            .collect();
        let mut odd: Vec<Date> = by_unit
            .iter()
            .filter(|(unit, _)| **unit != main)
            .flat_map(|(_, dates)| dates.iter().copied())
            .collect();
        odd.sort_unstable();
        odd.dedup();
        out.push(Finding {
            check: Check::MixedUnits,
            severity: Severity::Warning,
            message: format!(
                "Loads in different units in the last {UNIT_WINDOW_DAYS} days: {} sessions. Their sum, the load ratios and form compare unlike numbers; give the odd sessions ({}) an RPE, or record them all in one unit.",
                counts.join(", "),
                odd.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
            dates: odd,
        });
    }
    let mut estimated: Vec<Date> = recent
        .iter()
        .filter(|s| s.load_unit() == LoadUnit::EstimatedSessionRpe)
        .map(|s| s.date)
        .collect();
    if !estimated.is_empty() {
        estimated.sort_unstable();
        out.push(Finding {
            check: Check::EstimatedRpe,
            severity: Severity::Note,
            message: format!(
                "{} session{} from activity files carry no RPE: their load is the athlete's usual RPE times the minutes until an RPE is given ({}).",
                estimated.len(),
                if estimated.len() == 1 { "" } else { "s" },
                estimated.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
            dates: estimated,
        });
    }
    out
}

/// The athlete's usual RPE: the median of their recorded session RPEs (the
/// estimate an activity file without one gets), `None` without any.
pub fn usual_rpe(sessions: &[crate::types::Session]) -> Option<f64> {
    let mut rpes: Vec<f64> = sessions
        .iter()
        .filter(|s| s.load_unit() == crate::types::LoadUnit::SessionRpe)
        .filter_map(|s| s.rpe)
        .collect();
    if rpes.is_empty() {
        return None;
    }
    rpes.sort_by(f64::total_cmp);
    let mid = rpes.len() / 2;
    Some(if rpes.len().is_multiple_of(2) {
        (rpes[mid - 1] + rpes[mid]) / 2.0
    } else {
        rpes[mid]
    })
}

/// The data-quality report for `athlete` as of `as_of`, or `None` without data.
pub fn athlete_report(
    athlete: &AthleteId,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    as_of: Date,
) -> Option<QualityReport> {
    let series = DailySeries::build(athlete, sessions, wellness, &[], Some(as_of))?;
    let mut report = check(
        &series,
        &QualityOptions {
            report_date: Some(as_of),
            ..QualityOptions::default()
        },
    );
    let own: Vec<Session> = sessions
        .iter()
        .filter(|s| s.athlete_id == *athlete)
        .cloned()
        .collect();
    report.findings.extend(unit_findings(&own, Some(as_of)));
    Some(report)
}

/// The reports as plain text, one block per athlete.
pub fn to_text(reports: &[QualityReport]) -> String {
    let mut out = String::new();
    for r in reports {
        // Writing to a String cannot fail.
        let _ = write!(out, "{r}");
    }
    out
}

/// The reports as JSON (an array of [`QualityReport`]).
///
/// # Errors
/// Never in practice: every field serialises; the `Result` is serde_json's.
pub fn to_json(reports: &[QualityReport]) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(reports)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn session(
        day: i8,
        rpe: Option<f64>,
        minutes: f64,
        load: f64,
        source: &str,
    ) -> crate::types::Session {
        crate::types::Session {
            athlete_id: "a1".parse().unwrap(),
            date: date(2020, 3, day),
            sport: None,
            duration_min: Some(minutes),
            rpe,
            load,
            distance_km: None,
            avg_hr: None,
            source: Some(source.to_owned()),
        }
    }

    #[test]
    fn a_series_mixing_session_rpe_and_minutes_is_flagged_with_the_odd_days() {
        let sessions = vec![
            session(1, Some(6.0), 60.0, 360.0, "pmsys"),
            session(2, Some(5.0), 45.0, 225.0, "pmsys"),
            session(3, None, 139.0, 139.0, "fit:duration"),
            session(4, None, 50.0, 250.0, "fit:rpe-estimate"),
        ];
        let found = unit_findings(&sessions, Some(date(2020, 3, 31)));
        let mixed = found
            .iter()
            .find(|f| f.check == Check::MixedUnits)
            .expect("minutes beside session-RPE load");
        assert_eq!(mixed.severity, Severity::Warning);
        assert_eq!(mixed.dates, vec![date(2020, 3, 3)]);
        assert!(
            mixed
                .message
                .contains("3 in session-RPE load, 1 in minutes"),
            "{}",
            mixed.message
        );
        let estimated = found
            .iter()
            .find(|f| f.check == Check::EstimatedRpe)
            .expect("the estimate is noted");
        assert_eq!(estimated.dates, vec![date(2020, 3, 4)]);
        // Out of the 90-day window, nothing is said.
        assert!(unit_findings(&sessions, Some(date(2020, 9, 1))).is_empty());
        assert!(unit_findings(&sessions[..2], Some(date(2020, 3, 31))).is_empty());
    }

    #[test]
    fn the_usual_rpe_is_the_median_of_recorded_ones() {
        let sessions = vec![
            session(1, Some(6.0), 60.0, 360.0, "pmsys"),
            session(2, Some(3.0), 45.0, 135.0, "pmsys"),
            session(3, Some(8.0), 30.0, 240.0, "pmsys"),
            session(4, None, 50.0, 250.0, "fit:rpe-estimate"),
        ];
        assert_eq!(usual_rpe(&sessions), Some(6.0));
        assert_eq!(usual_rpe(&sessions[..2]), Some(4.5));
        assert_eq!(usual_rpe(&sessions[3..]), None);
        assert_eq!(
            sessions[3].load_unit(),
            crate::types::LoadUnit::EstimatedSessionRpe
        );
        assert_eq!(sessions[0].load_unit(), crate::types::LoadUnit::SessionRpe);
    }

    fn series(load: Vec<f64>) -> DailySeries {
        DailySeries::from_loads("a1".parse().unwrap(), date(2020, 1, 1), load)
    }

    fn checks(r: &QualityReport) -> Vec<(Check, Severity)> {
        r.findings.iter().map(|f| (f.check, f.severity)).collect()
    }

    #[test]
    fn a_clean_record_has_no_findings() {
        let load: Vec<f64> = (0..60)
            .map(|i| {
                if i % 7 == 6 {
                    0.0
                } else {
                    300.0 + f64::from(i % 5) * 20.0
                }
            })
            .collect();
        let r = check(&series(load), &QualityOptions::default());
        assert!(r.findings.is_empty(), "{r}");
        assert!(r.ok());
    }

    #[test]
    fn short_history_and_negative_loads_are_errors() {
        let r = check(
            &series(vec![100.0, -50.0, 100.0]),
            &QualityOptions::default(),
        );
        assert_eq!(
            checks(&r),
            [
                (Check::ShortHistory, Severity::Error),
                (Check::NegativeLoad, Severity::Error)
            ]
        );
        assert_eq!(r.findings[1].dates, [date(2020, 1, 2)]);
        assert!(r.findings[0].message.contains("Only 3 days"));
        assert!(!r.ok());
    }

    #[test]
    fn outliers_breaks_and_unit_changes_are_warnings() {
        // 30 training days of 300..390, one day of 5000: 95th percentile ~ 390, 3x = 1170.
        let mut load: Vec<f64> = (0..30).map(|i| 300.0 + f64::from(i % 10) * 10.0).collect();
        load[10] = 5000.0;
        load.extend([0.0; 14]);
        // Then the same athlete logging minutes (about 40x smaller).
        load.extend((0..28).map(|i| 8.0 + f64::from(i % 3)));
        let r = check(&series(load), &QualityOptions::default());
        let found = checks(&r);
        assert!(
            found.contains(&(Check::OutlierDays, Severity::Warning)),
            "{r}"
        );
        assert!(
            found.contains(&(Check::LongBreak, Severity::Warning)),
            "{r}"
        );
        assert!(
            found.contains(&(Check::UnitChange, Severity::Warning)),
            "{r}"
        );
        let brk = r
            .findings
            .iter()
            .find(|f| f.check == Check::LongBreak)
            .unwrap();
        assert_eq!(brk.dates, [date(2020, 1, 31), date(2020, 2, 13)]);
        let outlier = r
            .findings
            .iter()
            .find(|f| f.check == Check::OutlierDays)
            .unwrap();
        assert_eq!(outlier.dates, [date(2020, 1, 11)]);
        // 13 zero days are not a long break.
        let mut short = vec![100.0; 30];
        short.extend([0.0; 13]);
        short.push(100.0);
        assert!(check(&series(short), &QualityOptions::default())
            .findings
            .is_empty());
    }

    #[test]
    fn unobserved_days_and_stale_data_are_reported() {
        let mut s = series(vec![100.0; 40]);
        for o in &mut s.observed[10..25] {
            *o = false;
        }
        let options = QualityOptions {
            report_date: Some(date(2020, 2, 14)), // last data 2020-02-09, 5 days before
            ..QualityOptions::default()
        };
        let r = check(&s, &options);
        assert_eq!(
            checks(&r),
            [
                (Check::UnobservedDays, Severity::Warning),
                (Check::StaleData, Severity::Warning)
            ]
        );
        assert!(
            r.findings[0].message.starts_with("15 of 40 days (38%)"),
            "{}",
            r.findings[0].message
        );
        assert_eq!(r.findings[1].dates, [date(2020, 2, 9)]);
        let fresh = QualityOptions {
            report_date: Some(date(2020, 2, 12)),
            ..options
        };
        assert!(!checks(&check(&s, &fresh)).contains(&(Check::StaleData, Severity::Warning)));
        let same_day = QualityOptions {
            report_date: Some(date(2020, 2, 9)),
            ..options
        };
        assert!(
            !checks(&check(&s, &same_day)).contains(&(Check::StaleData, Severity::Warning)),
            "data on the report day itself is fresh"
        );
        let text = to_text(std::slice::from_ref(&r));
        assert!(
            text.starts_with("a1: 40 days from 2020-01-01 to 2020-02-09"),
            "{text}"
        );
        let json = to_json(&[r]).unwrap();
        assert!(json.contains("\"check\": \"stale_data\""), "{json}");
    }
}

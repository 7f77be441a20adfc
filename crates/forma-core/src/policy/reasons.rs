//! Reasons: which factors moved the risk, measured by scoring the day again with
//! one factor at the athlete's own baseline.
//!
//! A factor is a group of features read together (the three load ratios, the HRV
//! z-score with its band flags, ...). Its **baseline** is, per feature:
//! - 7-day load (`acute_load`): the same day's 28-day average (`chronic_load`), so
//!   the sentence reads "7-day load is 42% above your 4-week average";
//! - z-scores and band flags (HRV, resting heart rate, wellness ratings): 0, since
//!   they already measure the distance from the athlete's own baseline (60 days
//!   for HRV, Plews et al. 2014; 28 days for the rest, [`crate::readiness`]);
//! - everything else: the median of the athlete's values on the 28 decision days
//!   before d (at least [`PolicyOptions::min_baseline_values`] of them present).
//!
//! The effect of a factor is `risk(x) - risk(x with the factor at baseline)`, its
//! missingness indicators cleared: positive means the athlete's value raises
//! the risk against their own usual. Reasons are sorted by the size of the
//! effect, largest first.
//!
//! Without a model no effect can be measured; the rule's inputs (the load ratio,
//! the 7-day load, low readiness signals) are given with the literature's reading
//! as their direction and no risk delta.

use crate::features::{value_index, VALUE_FEATURE_COUNT};

use super::recommendation::{Direction, Factor, MeasuredBy, Reason};
use super::words::{au, num, percent, ratio, thousands};
use super::PolicyOptions;

/// How a feature's baseline is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Baseline {
    /// The same day's chronic load.
    ChronicLoad,
    /// The median over the previous decision days.
    Median,
    /// Zero: the feature is already a deviation from the athlete's baseline.
    Zero,
}

/// A factor: its features (the first is the one the sentence reads) and baseline.
struct Spec {
    factor: Factor,
    members: &'static [&'static str],
    baseline: Baseline,
}

const SPECS: &[Spec] = &[
    Spec {
        factor: Factor::SevenDayLoad,
        members: &["acute_load"],
        baseline: Baseline::ChronicLoad,
    },
    Spec {
        factor: Factor::LoadRatio,
        members: &["acwr_coupled", "acwr_uncoupled", "acwr_ewma"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::WeekChange,
        members: &["week_change_pct"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::Monotony,
        members: &["monotony", "strain"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::Fitness,
        members: &["ctl", "ramp_rate"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::Form,
        members: &["tsb", "atl"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::SessionCount,
        members: &["sessions_7d"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::DaysSinceHard,
        members: &["days_since_hard"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::Hrv,
        members: &["hrv_z", "hrv_below_band", "hrv_above_band"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::RestingHr,
        members: &["resting_hr_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::SleepHours,
        members: &["sleep_h_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::SleepQuality,
        members: &["sleep_quality_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::Fatigue,
        members: &["fatigue_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::Soreness,
        members: &["soreness_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::Stress,
        members: &["stress_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::Mood,
        members: &["mood_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::Readiness,
        members: &["readiness_z"],
        baseline: Baseline::Zero,
    },
    Spec {
        factor: Factor::DaysSinceSession,
        members: &["days_since_session"],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::DataFreshness,
        members: &[
            "days_since_wellness",
            "days_since_hrv",
            "days_since_resting_hr",
        ],
        baseline: Baseline::Median,
    },
    Spec {
        factor: Factor::DataCompleteness,
        members: &["observed_share_28d"],
        baseline: Baseline::Median,
    },
];

/// A factor's features and their baselines on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorBaseline {
    /// The factor.
    pub factor: Factor,
    /// (feature index, baseline) for every member with a baseline.
    pub members: Vec<(usize, f64)>,
    /// The headline feature's value today.
    pub value: f64,
    /// Its baseline.
    pub baseline: f64,
    /// The other features that differ from their baseline: (name, value, baseline).
    pub others: Vec<(&'static str, f64, f64)>,
}

impl FactorBaseline {
    /// `x` with this factor at baseline (values set, missingness indicators cleared).
    pub fn apply(&self, x: &[f64]) -> Vec<f64> {
        let mut out = x.to_vec();
        for (k, b) in &self.members {
            if let Some(v) = out.get_mut(*k) {
                *v = *b;
            }
            if let Some(m) = out.get_mut(VALUE_FEATURE_COUNT + *k) {
                *m = 0.0;
            }
        }
        out
    }

    /// Whether `x` already has the factor at baseline.
    fn at_baseline(&self, x: &[f64]) -> bool {
        self.members.iter().all(|(k, b)| {
            x.get(*k).is_some_and(|v| v == b)
                && x.get(VALUE_FEATURE_COUNT + *k).is_some_and(|m| *m == 0.0)
        })
    }
}

/// The median of present values of feature `k` in `previous`, when enough exist.
pub(super) fn median_of(previous: &[&[f64]], k: usize, min_values: usize) -> Option<f64> {
    let values: Vec<f64> = previous
        .iter()
        .filter_map(|row| row.get(k).copied())
        .filter(|v| !v.is_nan())
        .collect();
    (values.len() >= min_values.max(1))
        .then(|| crate::stats::median(values))
        .flatten()
}

/// Every factor with a present headline value and a baseline on this day.
pub fn factor_baselines(
    x: &[f64],
    previous: &[&[f64]],
    options: &PolicyOptions,
) -> Vec<FactorBaseline> {
    let min_values = options.min_baseline_values as usize;
    let chronic = value_index("chronic_load")
        .and_then(|k| x.get(k).copied())
        .filter(|v| !v.is_nan());
    let mut out = Vec::new();
    for spec in SPECS {
        let mut members = Vec::new();
        for name in spec.members {
            let Some(k) = value_index(name) else { continue };
            let b = match spec.baseline {
                Baseline::ChronicLoad => chronic,
                Baseline::Zero => Some(0.0),
                Baseline::Median => median_of(previous, k, min_values),
            };
            if let Some(b) = b {
                members.push((k, b));
            }
        }
        let Some(&(k0, b0)) = members.first() else {
            continue;
        };
        // The sentence reads the first feature: it must be there, with its baseline.
        let head = value_index(spec.members[0]);
        let Some(value) = x.get(k0).copied().filter(|v| !v.is_nan()) else {
            continue;
        };
        if head != Some(k0) {
            continue;
        }
        let others = spec.members[1..]
            .iter()
            .filter_map(|name| {
                let k = value_index(name)?;
                let b = members.iter().find(|(m, _)| *m == k)?.1;
                let v = x.get(k).copied().filter(|v| !v.is_nan())?;
                (v != b).then_some((*name, v, b))
            })
            .collect();
        out.push(FactorBaseline {
            factor: spec.factor,
            members,
            value,
            baseline: b0,
            others,
        });
    }
    out
}

/// The top factor reasons by effect on the model's risk `p` of `x`.
pub fn model_reasons(
    x: &[f64],
    factors: &[FactorBaseline],
    p: f64,
    score: &dyn Fn(&[f64]) -> f64,
    options: &PolicyOptions,
) -> Vec<Reason> {
    let mut found: Vec<Reason> = factors
        .iter()
        .filter(|f| !f.at_baseline(x))
        .filter_map(|f| {
            let at_baseline = score(&f.apply(x));
            let delta = p - at_baseline;
            if !delta.is_finite() || delta.abs() < options.min_effect {
                return None;
            }
            let direction = if delta > 0.0 {
                Direction::RaisesRisk
            } else {
                Direction::LowersRisk
            };
            let (mut coach, athlete) = describe(f.factor, f.value, f.baseline);
            for (name, v, b) in &f.others {
                if let Some(also) = secondary(name, *v, *b) {
                    coach.push_str("; ");
                    coach.push_str(&also);
                }
            }
            let size = if delta.abs() < 0.01 {
                "slightly"
            } else if delta.abs() < 0.05 {
                "somewhat"
            } else {
                "clearly"
            };
            let (verb, athlete_verb) = match direction {
                Direction::RaisesRisk => ("raises", "raises"),
                Direction::LowersRisk => ("lowers", "lowers"),
            };
            Some(Reason {
                factor: f.factor,
                value: f.value,
                baseline: f.baseline,
                direction,
                risk_delta: Some(delta),
                measured_by: MeasuredBy::Model,
                coach: format!(
                    "{coach}; at the athlete's baseline the model's 7-day risk would be {} rather than {} (this {verb} the risk by {} points).",
                    percent(at_baseline),
                    percent(p),
                    num(delta.abs() * 100.0, 1)
                ),
                athlete: format!("{athlete}. This {size} {athlete_verb} your risk of an injury or illness this week."),
            })
        })
        .collect();
    found.sort_by(|a, b| {
        let (da, db) = (
            a.risk_delta.unwrap_or(0.0).abs(),
            b.risk_delta.unwrap_or(0.0).abs(),
        );
        db.total_cmp(&da)
    });
    found.truncate(options.top_reasons as usize);
    found
}

/// A reason read by the rule, with the literature's direction and no delta.
pub(super) fn rule_reason(
    factor: Factor,
    value: f64,
    baseline: f64,
    direction: Direction,
    why: &str,
) -> Reason {
    let (coach, athlete) = describe(factor, value, baseline);
    Reason {
        factor,
        value,
        baseline,
        direction,
        risk_delta: None,
        measured_by: MeasuredBy::Rule,
        coach: format!("{coach}; {why}."),
        athlete: format!("{athlete}."),
    }
}

/// A count of days as "today", "yesterday", "3 days ago".
fn ago(days: f64) -> String {
    match days.round() as i64 {
        0 => "today".to_owned(),
        1 => "yesterday".to_owned(),
        n => format!("{n} days ago"),
    }
}

/// A factor's other feature against its baseline, for the coach; `None` for
/// flags that the headline already says (the HRV band).
fn secondary(name: &str, v: f64, b: f64) -> Option<String> {
    Some(match name {
        "acwr_uncoupled" => format!("uncoupled ratio {} (usually {})", ratio(v), ratio(b)),
        "acwr_ewma" => format!("EWMA ratio {} (usually {})", ratio(v), ratio(b)),
        "strain" => format!("strain {} (usually {})", thousands(v), thousands(b)),
        "ramp_rate" => format!("7-day ramp {} (usually {})", num(v, 1), num(b, 1)),
        "atl" => format!("fatigue (ATL) {} (usually {})", thousands(v), thousands(b)),
        "days_since_hrv" => format!("last HRV reading {} (usually {})", ago(v), ago(b)),
        "days_since_resting_hr" => {
            format!("last resting heart rate {} (usually {})", ago(v), ago(b))
        }
        _ => return None,
    })
}

fn above_below(v: f64, b: f64) -> &'static str {
    if v >= b {
        "above"
    } else {
        "below"
    }
}

fn more_less(v: f64, b: f64) -> &'static str {
    if v >= b {
        "more"
    } else {
        "less"
    }
}

/// A z-score against a baseline as "1.4 SD above".
fn sd_words(z: f64) -> String {
    format!("{} SD {}", num(z.abs(), 1), above_below(z, 0.0))
}

/// The factor's value against its baseline, for the coach and the athlete.
pub(super) fn describe(factor: Factor, v: f64, b: f64) -> (String, String) {
    let rating = |name: &str| {
        (
            format!("{name} rating is {} the 28-day baseline", sd_words(v)),
            format!(
                "Your {} rating is {} than usual for you",
                name.to_lowercase(),
                if v >= 0.0 { "higher" } else { "lower" }
            ),
        )
    };
    match factor {
        Factor::SevenDayLoad => {
            if b > 0.0 {
                let pct = (v / b - 1.0) * 100.0;
                (
                    format!(
                        "7-day load is {}, {}% {} the 4-week average ({} per 7 days)",
                        au(7.0 * v),
                        num(pct.abs(), 0),
                        above_below(v, b),
                        au(7.0 * b)
                    ),
                    match super::athlete::share_of(v, b) {
                        Some(share) => format!(
                            "Your training over the last 7 days was {share} your usual week"
                        ),
                        None => "Your training over the last 7 days was unusual for you".to_owned(),
                    },
                )
            } else {
                (
                    format!(
                        "7-day load is {} after four weeks without load",
                        au(7.0 * v)
                    ),
                    "You have started training again after four weeks without".to_owned(),
                )
            }
        }
        Factor::LoadRatio => (
            format!(
                "Acute:chronic load ratio (coupled 7:28) is {}; the athlete's usual is {}",
                ratio(v),
                ratio(b)
            ),
            format!(
                "Your last week was {} than usual for you, compared with the weeks before it",
                if v >= b { "heavier" } else { "lighter" }
            ),
        ),
        Factor::WeekChange => (
            format!(
                "Load this week is {}% {} than the week before (usually {}%)",
                num(v.abs(), 0),
                if v >= 0.0 { "higher" } else { "lower" },
                num(b, 0)
            ),
            match super::athlete::share_of(100.0 + v, 100.0) {
                Some(share) => format!("Your training this week was {share} the week before"),
                None => "Your training this week was unlike the week before".to_owned(),
            },
        ),
        Factor::Monotony => (
            format!(
                "Training monotony (7-day mean over SD) is {} (usually {})",
                num(v, 1),
                num(b, 1)
            ),
            format!(
                "Your training days have been {} alike than usual",
                more_less(v, b)
            ),
        ),
        Factor::Fitness => (
            format!(
                "Fitness (CTL) is {} (usually {})",
                thousands(v),
                thousands(b)
            ),
            format!(
                "Your long-term training level is {} than usual",
                if v >= b { "higher" } else { "lower" }
            ),
        ),
        Factor::Form => (
            format!("Form (TSB) is {} (usually {})", thousands(v), thousands(b)),
            format!(
                "You are carrying {} fatigue than usual",
                if v < b { "more" } else { "less" }
            ),
        ),
        Factor::SessionCount => (
            format!(
                "{} sessions in the last 7 days (usually {})",
                num(v, 0),
                num(b, 1)
            ),
            format!(
                "You trained {} times in the last 7 days; usually {}",
                num(v, 0),
                num(b, 0)
            ),
        ),
        Factor::DaysSinceHard => (
            format!(
                "{} days since the last hard day (usually {})",
                num(v, 0),
                num(b, 1)
            ),
            format!(
                "Your last hard session was {} days ago; usually {}",
                num(v, 0),
                num(b, 0)
            ),
        ),
        Factor::Hrv => (
            format!(
                "HRV (7-day mean ln rMSSD) is {} the 60-day baseline (normal band: within 0.5 SD)",
                sd_words(v)
            ),
            format!(
                "Your heart-rate variability is {} than your normal",
                if v >= 0.0 { "higher" } else { "lower" }
            ),
        ),
        Factor::RestingHr => (
            format!("Resting heart rate is {} the 28-day baseline", sd_words(v)),
            format!(
                "Your resting heart rate is {} than usual for you",
                if v >= 0.0 { "higher" } else { "lower" }
            ),
        ),
        Factor::SleepHours => (
            format!("Sleep duration is {} the 28-day baseline", sd_words(v)),
            format!("You slept {} than usual", more_less(v, 0.0)),
        ),
        Factor::SleepQuality => rating("Sleep quality"),
        Factor::Fatigue => rating("Fatigue"),
        Factor::Soreness => rating("Soreness"),
        Factor::Stress => rating("Stress"),
        Factor::Mood => rating("Mood"),
        Factor::Readiness => rating("Readiness"),
        Factor::DaysSinceSession => (
            format!("Last session {} (usually {})", ago(v), ago(b)),
            format!("Your last session was {}", ago(v)),
        ),
        Factor::DataFreshness => (
            format!("Last wellness entry {} (usually {})", ago(v), ago(b)),
            format!("Your last check-in was {}", ago(v)),
        ),
        Factor::DataCompleteness => (
            format!(
                "{} of the last 28 days have data (usually {})",
                num(v * 28.0, 0),
                num(b * 28.0, 0)
            ),
            format!(
                "You logged something on {} of the last 28 days",
                num(v * 28.0, 0)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_need_enough_present_values() {
        let rows: Vec<Vec<f64>> = [1.0, f64::NAN, 3.0, 2.0].iter().map(|v| vec![*v]).collect();
        let refs: Vec<&[f64]> = rows.iter().map(Vec::as_slice).collect();
        assert_eq!(median_of(&refs, 0, 3), Some(2.0));
        assert_eq!(median_of(&refs, 0, 4), None);
    }

    #[test]
    fn seven_day_load_reads_against_the_four_week_average() {
        let (coach, athlete) = describe(Factor::SevenDayLoad, 450.0, 316.9);
        assert_eq!(
            coach,
            "7-day load is 3,150 AU, 42% above the 4-week average (2,218 AU per 7 days)"
        );
        assert_eq!(
            athlete,
            "Your training over the last 7 days was about 42% more than your usual week"
        );
        // Six times the usual week reads as such, never as "500% above".
        let (_, athlete) = describe(Factor::SevenDayLoad, 600.0, 100.0);
        assert_eq!(
            athlete,
            "Your training over the last 7 days was about 6 times your usual week"
        );
        let (_, athlete) = describe(Factor::WeekChange, 500.0, 10.0);
        assert_eq!(
            athlete,
            "Your training this week was about 6 times the week before"
        );
    }
}

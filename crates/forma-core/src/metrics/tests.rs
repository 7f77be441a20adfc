//! Known values worked by hand, equality of the one-pass struct with the single
//! metric functions, and property tests of the ratios' invariants.

use super::csv::DateText;
use super::*;
use jiff::civil::date;

fn series(load: &[f64]) -> DailySeries {
    DailySeries::from_loads("t".parse().unwrap(), date(2020, 1, 1), load.to_vec())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= 1e-12 * b.abs().max(1.0))
}

#[test]
fn four_weeks_at_50_then_a_week_at_100_gives_coupled_1_6_and_uncoupled_2() {
    // Day 34: acute = 100; coupled chronic = (21 x 50 + 7 x 100) / 28 = 62.5;
    // uncoupled chronic = mean of days 7..=27 = 50.
    let load = [[50.0; 28].as_slice(), &[100.0; 7]].concat();
    let m = DailyMetrics::compute(&series(&load), &MetricsOptions::default());
    assert_eq!(m.acute_rac[34], Some(100.0));
    assert_eq!(m.chronic_rac[34], Some(62.5));
    assert_eq!(m.acwr_rac[34], Some(1.6));
    assert_eq!(m.chronic_rau[34], Some(50.0));
    assert_eq!(m.acwr_rau[34], Some(2.0));
    // Windows must be full: acute from day 6, everything chronic from day 27.
    assert_eq!(m.acute_rac[5], None);
    assert_eq!(m.acute_rac[6], Some(50.0));
    assert_eq!(m.chronic_rac[26], None);
    assert_eq!(m.acwr_rac[27], Some(1.0));
    assert_eq!(m.chronic_rau[26], None);
    assert_eq!(m.chronic_rau[27], Some(50.0));
}

#[test]
fn zero_chronic_gives_inf_for_load_and_undefined_for_rest() {
    // 28 rest days, then one day of 70: day 28 acute = 10, chronic_rau = 0 -> inf;
    // day 27 acute = 0, chronic = 0 -> undefined.
    let mut load = vec![0.0; 28];
    load.push(70.0);
    let m = DailyMetrics::compute(&series(&load), &MetricsOptions::default());
    assert_eq!(m.acwr_rac[27], None);
    assert_eq!(m.acwr_rau[28], Some(f64::INFINITY));
    assert_eq!(m.acwr_rac[28], Some(4.0)); // 10 / 2.5: the coupled ceiling 28/7
    assert_eq!(m.acwr_ewma[27], None);
}

#[test]
fn ewma_is_seeded_at_the_first_day_and_follows_lambda() {
    // Span 3 -> lambda = 2/4 = 0.5: 10, 5, 2.5, 1.25.
    assert_eq!(
        ewma(&[10.0, 0.0, 0.0, 0.0], 3, Decay::Span, 1),
        [Some(10.0), Some(5.0), Some(2.5), Some(1.25)]
    );
    // Half-life 1 day: lambda = 1 - exp(-ln 2) = 0.5 as well (to rounding).
    let h = ewma(&[10.0, 0.0], 1, Decay::HalfLife, 1);
    assert!(close(h[1], 5.0));
    assert_eq!(Decay::Span.lambda(7), 0.25);
    assert!((Decay::HalfLife.lambda(7) - 0.094_276).abs() < 1e-6);
    // A constant load keeps both legs at that load: ratio 1 from day 27 (28-day warm-up).
    let m = DailyMetrics::compute(&series(&[50.0; 30]), &MetricsOptions::default());
    assert_eq!(m.acute_ewma[5], None);
    assert_eq!(m.acute_ewma[6], Some(50.0));
    assert_eq!(m.acwr_ewma[26], None);
    assert_eq!(m.acwr_ewma[27], Some(1.0));
    // After 28 days at 0 and one at 100: acute = 100 x 0.25 = 25,
    // chronic = 100 x 2/29; ratio = 0.25 x 29 / 2 = 3.625.
    let mut load = vec![0.0; 28];
    load.push(100.0);
    let r = ewma_acwr(&load, 7, 28, Decay::Span);
    assert!(close(r[28], 3.625));
}

#[test]
fn monotony_and_strain_match_hand_computed_weeks() {
    // Mean 15; six deviations of +-5 and one of 0: sum of squares 150.
    // ddof 1: sd = sqrt(150/6) = 5 -> monotony 3, strain 105 x 3 = 315.
    // ddof 0: sd = sqrt(150/7) -> monotony 15 / sqrt(150/7) = 3 x sqrt(7/6).
    let week = [10.0, 20.0, 10.0, 20.0, 10.0, 20.0, 15.0];
    assert_eq!(monotony(&week, 7, Ddof::One)[6], Some(3.0));
    assert_eq!(strain(&week, 7, Ddof::One)[6], Some(315.0));
    assert!(close(
        monotony(&week, 7, Ddof::Zero)[6],
        3.0 * (7.0f64 / 6.0).sqrt()
    ));
    assert_eq!(monotony(&week, 7, Ddof::One)[5], None);
    // Foster's varied week from the acwr docs: 1.321 and 462.2.
    let varied = [0.0, 80.0, 40.0, 0.0, 90.0, 60.0, 80.0];
    assert!((monotony(&varied, 7, Ddof::One)[6].unwrap() - 1.3207).abs() < 1e-4);
    assert!((strain(&varied, 7, Ddof::One)[6].unwrap() - 462.24).abs() < 1e-2);
    // An even week with load is infinitely monotonous; a week of rest is undefined.
    assert_eq!(monotony(&[0.1; 7], 7, Ddof::One)[6], Some(f64::INFINITY));
    assert_eq!(strain(&[0.1; 7], 7, Ddof::One)[6], Some(f64::INFINITY));
    assert_eq!(monotony(&[0.0; 7], 7, Ddof::One)[6], None);
    assert_eq!(strain(&[0.0; 7], 7, Ddof::One)[6], None);
}

#[test]
fn week_change_compares_the_last_seven_days_with_the_seven_before() {
    // 70 -> 84 is +20%; from rest it is inf; rest to rest undefined; to rest -100%.
    let up = [[10.0; 7].as_slice(), &[12.0; 7]].concat();
    assert!(close(week_change_pct(&up, 7)[13], 20.0));
    assert_eq!(week_change_pct(&up, 7)[12], None);
    let back = [[0.0; 7].as_slice(), &[10.0; 7]].concat();
    assert_eq!(week_change_pct(&back, 7)[13], Some(f64::INFINITY));
    assert_eq!(week_change_pct(&[0.0; 14], 7)[13], None);
    let stop = [[10.0; 7].as_slice(), &[0.0; 7]].concat();
    assert_eq!(week_change_pct(&stop, 7)[13], Some(-100.0));
}

#[test]
fn pmc_variants_reproduce_their_systems_arithmetic() {
    // TrainingPeaks, load 42 then 0: CTL 42/42 = 1, ATL 42/7 = 6, TSB day 0 = 0 - 0;
    // day 1: CTL 1 - 1/42, ATL 6 - 6/7, TSB = yesterday's 1 - 6 = -5.
    let tp = pmc(&[42.0, 0.0], PmcVariant::TrainingPeaks, 42.0, 7.0, 0.0, 0.0);
    assert_eq!(tp.ctl, [1.0, 1.0 - 1.0 / 42.0]);
    assert_eq!(tp.atl, [6.0, 6.0 - 6.0 / 7.0]);
    assert_eq!(tp.tsb, [0.0, -5.0]);
    // Intervals.icu: same CTL/ATL, form on the same day: 1 - 6 = -5 on day 0.
    let iv = pmc(&[42.0, 0.0], PmcVariant::Intervals, 42.0, 7.0, 0.0, 0.0);
    assert_eq!(iv.ctl, tp.ctl);
    assert_eq!(iv.tsb[0], -5.0);
    // GoldenCheetah: k = 1 - exp(-1/42), so CTL after one day of 42 is 42 (1 - e^(-1/42)).
    let gc = pmc(&[42.0], PmcVariant::GoldenCheetah, 42.0, 7.0, 0.0, 0.0);
    assert!(close(
        Some(gc.ctl[0]),
        42.0 * (1.0 - (-1.0f64 / 42.0).exp())
    ));
    assert!(close(Some(gc.atl[0]), 42.0 * (1.0 - (-1.0f64 / 7.0).exp())));
    // A start value is the day before the first day: CTL 60, rest -> 60 x 41/42.
    let seeded = pmc(&[0.0], PmcVariant::TrainingPeaks, 42.0, 7.0, 60.0, 70.0);
    assert!(close(Some(seeded.ctl[0]), 60.0 * 41.0 / 42.0));
    assert_eq!(seeded.tsb[0], -10.0);
    // Ramp: with a constant 42 from zero, CTL_t = 42 (1 - (41/42)^(t+1)), so
    // CTL_7 - CTL_0 = 42 ((41/42) - (41/42)^8).
    let c = pmc(&[42.0; 8], PmcVariant::TrainingPeaks, 42.0, 7.0, 0.0, 0.0).ctl;
    let r = ramp_rate(&c, 7);
    assert_eq!(r[6], None);
    let q = 41.0f64 / 42.0;
    assert!(close(r[7], 42.0 * (q - q.powi(8))));
    // The one-pass struct agrees, columns for columns.
    let m = DailyMetrics::compute(&series(&[42.0; 8]), &MetricsOptions::default());
    assert_eq!(m.ctl, c);
    assert_eq!(m.ramp_rate, r);
}

#[test]
fn hard_days_use_rpe_or_the_athletes_own_upper_quartile() {
    // RPE rule: days 0 (RPE 8) and 3 (RPE 7) are hard.
    let mut s = series(&[100.0, 50.0, 0.0, 60.0, 10.0]);
    s.max_rpe = vec![Some(8.0), Some(5.0), None, Some(7.0), Some(2.0)];
    let hard = hard_days(&s, &HardDay::default());
    assert_eq!(hard, [true, false, false, true, false]);
    assert_eq!(
        days_since_hard(&hard),
        [Some(0), Some(1), Some(2), Some(0), Some(1)]
    );
    assert_eq!(days_since_hard(&[false, true]), [None, Some(0)]);
    // Load rule: the four training days before are 100, 200, 300, 400; their 75th
    // percentile is 300 + 0.25 x 100 = 325 (position 0.75 x 3 = 2.25).
    let below = series(&[100.0, 200.0, 300.0, 400.0, 320.0]);
    assert!(!hard_days(&below, &HardDay::default())[4]);
    let above = series(&[100.0, 200.0, 300.0, 400.0, 330.0]);
    assert!(hard_days(&above, &HardDay::default())[4]);
    // Too few training days to know the athlete's quartile: not hard by load.
    assert!(!hard_days(&series(&[100.0, 900.0]), &HardDay::default())[1]);
    // Sessions in the last seven days, defined from day 6.
    let counts = sessions_in_window(&[1, 2, 0, 0, 0, 0, 1, 1], 7);
    assert_eq!(counts[5], None);
    assert_eq!(counts[6], Some(4));
    assert_eq!(counts[7], Some(4)); // days 1..=7: 2 + 1 + 1
}

#[test]
fn metrics_csv_rows_leave_undefined_empty_and_print_inf() {
    let mut load = vec![0.0; 28];
    load.push(70.0);
    let m = DailyMetrics::compute(&series(&load), &MetricsOptions::default());
    let mut out = Vec::new();
    m.write_csv_rows(&mut out);
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 29);
    assert_eq!(lines[0], "t,2020-01-01,0,,,,,,,,,,,,0,0,0,true");
    let last: Vec<&str> = lines[28].split(',').collect();
    assert_eq!(last.len(), METRICS_HEADER.split(',').count());
    assert_eq!(last[1], "2020-01-29");
    assert_eq!(last[7], "inf"); // acwr_rau
    assert_eq!(last[13], "inf"); // week_change_pct
}

#[test]
fn consecutive_dates_are_written_as_display_writes_them() {
    for (first, days) in [
        (date(1999, 12, 1), 500),
        (date(9999, 12, 1), 31),
        (date(-1, 2, 20), 20),
    ] {
        let mut text = DateText::default();
        let mut day = first;
        for _ in 0..days {
            let written = text.next(|| day).to_vec();
            assert_eq!(String::from_utf8(written).unwrap(), day.to_string());
            day = day.tomorrow().unwrap_or(day);
        }
    }
}

// proptest needs an operating-system random source, which wasm32-unknown-unknown lacks;
// the properties are platform-independent, so the native run covers them.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use crate::stats::quantile;
    use proptest::prelude::*;

    fn loads() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(
            prop_oneof![Just(0.0), (0u32..2000).prop_map(f64::from), 0.0..1500.0f64],
            0..120,
        )
    }

    proptest! {
        // With non-negative loads the 7-day sum S7 is part of the 28-day sum S28, so
        // rac = (S7/7) / (S28/28) = 4 S7/S28 <= 28/7 = 4 whenever S28 > 0 (and rac is
        // undefined when S28 = 0, because then S7 = 0 too).
        #[test]
        fn coupled_ratio_never_exceeds_chronic_over_acute(load in loads()) {
            for r in coupled_acwr(&load, 7, 28).into_iter().flatten() {
                prop_assert!(r <= 4.0 * (1.0 + 1e-12), "rac {r}");
            }
        }

        // Coupled chronic C = (7 A + 21 U) / 28 lies between acute A and uncoupled U.
        // If rac = A/C > 1 then A > C, hence A > U and C > U, so rau = A/U > A/C = rac
        // (rau = inf when U = 0).
        #[test]
        fn coupled_is_below_uncoupled_whenever_coupled_exceeds_one(load in loads()) {
            let rac = coupled_acwr(&load, 7, 28);
            let rau = uncoupled_acwr(&load, 7, 28);
            for (c, u) in rac.iter().zip(&rau) {
                if let (Some(c), Some(u)) = (c, u) {
                    if *c > 1.0 {
                        prop_assert!(c < u, "rac {c} rau {u}");
                    }
                }
            }
        }

        // Time awareness: every column on day d depends on days up to d only.
        #[test]
        fn no_value_for_a_day_changes_when_a_later_day_changes(
            load in loads(), tail in loads(), cut in 0usize..120
        ) {
            let cut = cut.min(load.len());
            let mut other = load[..cut].to_vec();
            other.extend(&tail);
            let a = DailyMetrics::compute(&series(&load), &MetricsOptions::default());
            let b = DailyMetrics::compute(&series(&other), &MetricsOptions::default());
            let n = cut;
            prop_assert_eq!(&a.acute_rac[..n], &b.acute_rac[..n]);
            prop_assert_eq!(&a.acwr_rac[..n], &b.acwr_rac[..n]);
            prop_assert_eq!(&a.acwr_rau[..n], &b.acwr_rau[..n]);
            prop_assert_eq!(&a.acwr_ewma[..n], &b.acwr_ewma[..n]);
            prop_assert_eq!(&a.monotony[..n], &b.monotony[..n]);
            prop_assert_eq!(&a.strain[..n], &b.strain[..n]);
            prop_assert_eq!(&a.week_change_pct[..n], &b.week_change_pct[..n]);
            prop_assert_eq!(&a.ctl[..n], &b.ctl[..n]);
            prop_assert_eq!(&a.tsb[..n], &b.tsb[..n]);
            prop_assert_eq!(&a.ramp_rate[..n], &b.ramp_rate[..n]);
            prop_assert_eq!(&a.days_since_hard[..n], &b.days_since_hard[..n]);
        }

        // The counting test of the hard-day quantile equals sorting and interpolating.
        #[test]
        fn hard_days_by_counting_equal_hard_days_by_sorting(load in loads()) {
            let s = series(&load);
            let rule = HardDay::default();
            let by_sorting: Vec<bool> = (0..load.len())
                .map(|i| {
                    let mut before: Vec<f64> = load[i.saturating_sub(28)..i].iter().copied().filter(|x| *x > 0.0).collect();
                    load[i] > 0.0 && before.len() >= 4 && load[i] >= quantile(&mut before, 0.75)
                })
                .collect();
            prop_assert_eq!(hard_days(&s, &rule), by_sorting);
        }

        // The one-pass struct computes the same numbers as the single-metric functions.
        #[test]
        fn one_pass_struct_matches_the_single_metric_functions(load in loads()) {
            let m = DailyMetrics::compute(&series(&load), &MetricsOptions::default());
            let near = |a: &[Option<f64>], b: &[Option<f64>]| a.iter().zip(b).all(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                (None, None) => true,
                _ => false,
            });
            prop_assert!(near(&m.acute_rac, &rolling_mean(&load, 7)));
            prop_assert!(near(&m.acwr_rac, &coupled_acwr(&load, 7, 28)));
            prop_assert!(near(&m.chronic_rau, &uncoupled_chronic(&load, 7, 28)));
            prop_assert!(near(&m.acwr_rau, &uncoupled_acwr(&load, 7, 28)));
            prop_assert!(near(&m.acute_ewma, &ewma(&load, 7, Decay::Span, 7)));
            prop_assert!(near(&m.acwr_ewma, &ewma_acwr(&load, 7, 28, Decay::Span)));
            prop_assert!(near(&m.monotony, &monotony(&load, 7, Ddof::One)));
            prop_assert!(near(&m.strain, &strain(&load, 7, Ddof::One)));
            prop_assert!(near(&m.week_change_pct, &week_change_pct(&load, 7)));
            let p = pmc(&load, PmcVariant::TrainingPeaks, 42.0, 7.0, 0.0, 0.0);
            prop_assert_eq!(&m.ctl, &p.ctl);
            prop_assert_eq!(&m.tsb, &p.tsb);
            prop_assert_eq!(&m.hard, &hard_days(&series(&load), &HardDay::default()));
        }
    }
}

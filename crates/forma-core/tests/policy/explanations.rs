//! Each reason's direction agrees with the model: scoring the day again with
//! that factor at the athlete's baseline moves the risk the way the sentence
//! says. Checked on a model trained on PMData, with baselines recomputed here
//! from the documented definition rather than taken from the policy.

use forma_core::features::{value_index, VALUE_FEATURE_COUNT};
use forma_core::policy::{
    decide, recommend, Direction, Factor, MeasuredBy, PolicyData, PolicyInput, PolicyOptions,
};
use forma_core::types::{date_from_epoch_day, epoch_day};

use crate::support::{pmdata, pmdata_artifact};

/// The features of each factor and how their baseline is defined (module docs
/// of `forma_core::policy::reasons`).
fn members(factor: Factor) -> (&'static [&'static str], &'static str) {
    match factor {
        Factor::SevenDayLoad => (&["acute_load"], "chronic"),
        Factor::LoadRatio => (&["acwr_coupled", "acwr_uncoupled", "acwr_ewma"], "median"),
        Factor::WeekChange => (&["week_change_pct"], "median"),
        Factor::Monotony => (&["monotony", "strain"], "median"),
        Factor::Fitness => (&["ctl", "ramp_rate"], "median"),
        Factor::Form => (&["tsb", "atl"], "median"),
        Factor::SessionCount => (&["sessions_7d"], "median"),
        Factor::DaysSinceHard => (&["days_since_hard"], "median"),
        Factor::Hrv => (&["hrv_z", "hrv_below_band", "hrv_above_band"], "zero"),
        Factor::RestingHr => (&["resting_hr_z"], "zero"),
        Factor::SleepHours => (&["sleep_h_z"], "zero"),
        Factor::SleepQuality => (&["sleep_quality_z"], "zero"),
        Factor::Fatigue => (&["fatigue_z"], "zero"),
        Factor::Soreness => (&["soreness_z"], "zero"),
        Factor::Stress => (&["stress_z"], "zero"),
        Factor::Mood => (&["mood_z"], "zero"),
        Factor::Readiness => (&["readiness_z"], "zero"),
        Factor::DaysSinceSession => (&["days_since_session"], "median"),
        Factor::DataFreshness => (
            &[
                "days_since_wellness",
                "days_since_hrv",
                "days_since_resting_hr",
            ],
            "median",
        ),
        Factor::DataCompleteness => (&["observed_share_28d"], "median"),
    }
}

fn median_of(previous: &[&Vec<f64>], k: usize) -> Option<f64> {
    let mut v: Vec<f64> = previous
        .iter()
        .map(|r| r[k])
        .filter(|x| !x.is_nan())
        .collect();
    if v.len() < 7 {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The participant's last day with a session or a wellness entry.
fn last_day(athlete: &forma_core::types::AthleteId) -> Option<i32> {
    let p = pmdata();
    p.sessions
        .iter()
        .filter(|s| &s.athlete_id == athlete)
        .map(|s| epoch_day(s.date))
        .chain(
            p.wellness
                .iter()
                .filter(|w| &w.athlete_id == athlete)
                .map(|w| epoch_day(w.date)),
        )
        .max()
}

#[test]
fn every_reason_moves_the_models_risk_the_way_its_sentence_says() {
    let p = pmdata();
    let model = pmdata_artifact();
    let options = PolicyOptions::default();
    let (mut checked, mut raises, mut lowers) = (0usize, 0usize, 0usize);
    for athlete in &p.ids {
        let Some(last) = last_day(athlete) else {
            continue;
        };
        let data = PolicyData::build(
            athlete,
            &p.sessions,
            &p.wellness,
            &[],
            date_from_epoch_day(last),
        )
        .unwrap();
        let features = data.features.as_ref().unwrap();
        let first = epoch_day(features.start);
        for d in (first + 40..=last).step_by(9) {
            let date = date_from_epoch_day(d);
            let input = PolicyInput {
                model: Some(model),
                ..data.input(date)
            };
            let r = recommend(&input, &options);
            // The decision alone is the recommendation's, field for field.
            let decision = decide(&input, &options);
            assert_eq!(
                (
                    decision.date,
                    decision.action,
                    decision.adjustment,
                    decision.confidence,
                    decision.confidence_basis
                ),
                (
                    r.date,
                    r.action,
                    r.adjustment,
                    r.confidence,
                    r.confidence_basis
                )
            );
            assert_eq!(
                (
                    decision.withheld,
                    decision.risk,
                    decision.completeness,
                    &decision.fired
                ),
                (r.withheld, r.risk, r.completeness, &r.fired)
            );
            assert!(r.reasons.len() <= 3);
            let x = features.on(date).unwrap();
            let risk = model.score(x).value();
            assert_eq!(r.risk, Some(risk));
            let i = (d - first) as usize;
            let previous: Vec<&Vec<f64>> = features.rows[i.saturating_sub(28)..i].iter().collect();
            let mut last_size = f64::INFINITY;
            for reason in &r.reasons {
                assert_eq!(reason.measured_by, MeasuredBy::Model);
                let (names, rule) = members(reason.factor);
                let mut edited = x.to_vec();
                for (j, name) in names.iter().enumerate() {
                    let k = value_index(name).unwrap();
                    let baseline = match rule {
                        "chronic" => Some(x[value_index("chronic_load").unwrap()]),
                        "zero" => Some(0.0),
                        _ => median_of(&previous, k),
                    };
                    if j == 0 {
                        assert_eq!(Some(reason.value), Some(x[k]));
                        assert_eq!(Some(reason.baseline), baseline);
                    }
                    if let Some(b) = baseline {
                        edited[k] = b;
                        edited[VALUE_FEATURE_COUNT + k] = 0.0;
                    }
                }
                let at_baseline = model.score(&edited).value();
                let delta = reason.risk_delta.expect("a model reason has a delta");
                assert!((delta - (risk - at_baseline)).abs() < 1e-12, "{reason:#?}");
                let (word, athlete_word) = match reason.direction {
                    Direction::RaisesRisk => {
                        raises += 1;
                        assert!(risk > at_baseline, "{reason:#?}");
                        ("this raises the risk", "raises your risk")
                    }
                    Direction::LowersRisk => {
                        lowers += 1;
                        assert!(risk < at_baseline, "{reason:#?}");
                        ("this lowers the risk", "lowers your risk")
                    }
                };
                assert!(reason.coach.contains(word), "{}", reason.coach);
                assert!(reason.athlete.contains(athlete_word), "{}", reason.athlete);
                assert!(reason.athlete.starts_with("Your") || reason.athlete.starts_with("You"));
                // Largest effect first.
                assert!(delta.abs() <= last_size);
                last_size = delta.abs();
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "only {checked} reasons checked");
    assert!(raises > 0 && lowers > 0, "{raises} raise, {lowers} lower");
    println!("{checked} reasons checked on PMData: {raises} raise the risk, {lowers} lower it");
}

#[test]
fn a_load_spike_reads_against_the_four_week_average_on_real_data() {
    // The day of PMData with the highest coupled ratio: its 7-day load sentence
    // names the value and the 4-week average.
    let p = pmdata();
    let model = pmdata_artifact();
    let ratio = value_index("acwr_coupled").unwrap();
    let mut best: Option<(f64, usize, i32)> = None;
    let mut built = Vec::new();
    for athlete in &p.ids {
        let Some(last) = last_day(athlete) else {
            continue;
        };
        let data = PolicyData::build(
            athlete,
            &p.sessions,
            &p.wellness,
            &[],
            date_from_epoch_day(last),
        )
        .unwrap();
        let f = data.features.as_ref().unwrap();
        for (i, row) in f.rows.iter().enumerate().skip(40) {
            if row[ratio] < 5.0 && best.is_none_or(|(r, _, _)| row[ratio] > r) {
                best = Some((row[ratio], built.len(), epoch_day(f.start) + i as i32));
            }
        }
        built.push(data);
    }
    let (r_max, a, d) = best.unwrap();
    assert!(r_max > 1.5, "{r_max}");
    let rec = recommend(
        &PolicyInput {
            model: Some(model),
            ..built[a].input(date_from_epoch_day(d))
        },
        &PolicyOptions::default(),
    );
    println!("{}\n{}", rec.coach_summary, rec.athlete_summary);
    for reason in &rec.reasons {
        println!("- {}\n  {}", reason.coach, reason.athlete);
    }
    for s in &rec.what_would_change {
        println!("* {}\n  {}", s.coach, s.athlete);
    }
    assert!(rec
        .fired
        .iter()
        .any(|f| f.coach.contains(&format!("{r_max:.2}"))));
    if let Some(load) = rec
        .reasons
        .iter()
        .find(|x| x.factor == Factor::SevenDayLoad)
    {
        assert!(
            load.coach.contains("above the 4-week average"),
            "{}",
            load.coach
        );
    }
}

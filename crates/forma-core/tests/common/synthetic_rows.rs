//! A synthetic training set of any size, built directly as a [`Dataset`] in
//! Forma's feature schema (every value with its missingness indicator), for
//! the training benchmark (`benches/training.rs`).
//!
//! Each athlete is simulated day by day: a training load with rest days, spikes
//! and a four-week cycle; load features from the days before the decision day
//! (acute and chronic means, coupled, uncoupled and EWMA ratios, monotony,
//! strain, CTL/ATL/TSB, ramp ...); a hidden strain state that the wellness
//! answers, HRV and resting heart rate partly reveal, around each athlete's own
//! level of each item (the value and its 7-day mean carry the level, the
//! z-score the change); how often they log wellness and train; their earlier
//! episodes and days in Forma; and injury onsets drawn from a daily hazard
//! that rises with the strain state, the load ratio and a per-athlete
//! frailty. A row's label is an onset in the 7 days after it; days of an open
//! episode are left out, as [`Dataset::build`] does.
//!
//! Values that can be missing: the 7 wellness answers (entered on most
//! mornings), the HRV values (from a reading on about 60% of mornings) and the
//! days since the last episode (none before the first). With 100 athletes x
//! 1,000 rows about 3.4% of rows are positive.
//!
//! Only `+ - * /`, `sqrt` and `libm::exp`, so every platform makes the same bits.

#![allow(dead_code)]

use forma_core::features::{value_index, FeatureSchema, VALUE_FEATURE_COUNT};
use forma_core::model::evaluation::SplitMix64;
use forma_core::model::{Dataset, DatasetAthlete, LeftOutCounts, Row};
use forma_core::types::epoch_day;

/// Days of history before an athlete's first decision day.
const WARM_UP: usize = 28;

fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// About standard normal: the sum of four uniforms, centred and scaled (Irwin–Hall).
fn normal(rng: &mut SplitMix64) -> f64 {
    let sum: f64 = (0..4).map(|_| uniform(rng)).sum();
    (sum - 2.0) * 1.732_050_807_568_877_2
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// `athletes` athletes with exactly `rows_per_athlete` rows each, from a seed.
pub fn dataset(athletes: usize, rows_per_athlete: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64(seed);
    let first_day = epoch_day(jiff::civil::date(2020, 1, 1));
    let mut out = Dataset {
        schema: FeatureSchema::default(),
        athletes: Vec::with_capacity(athletes),
        rows: Vec::with_capacity(athletes * rows_per_athlete),
        episodes: 0,
        brought_in: 0,
        left_out: LeftOutCounts::default(),
    };
    for a in 0..athletes {
        let simulated = simulate(&mut rng, rows_per_athlete);
        out.episodes += simulated.onsets;
        out.left_out.warm_up += WARM_UP;
        out.left_out.episode_open += simulated.episode_days;
        out.left_out.censored += 7;
        let observed_share = simulated.observed_share;
        out.athletes.push(DatasetAthlete {
            athlete_id: format!("syn{a:04}").parse().expect("a valid athlete id"),
            sex: ["female", "male"][a % 2].to_owned(),
            sport: ["running", "cycling", "football"][a % 3].to_owned(),
            birth_year: Some(1985 + (a % 20) as i32),
            observed_share,
            completeness: if observed_share >= 0.8 { "high" } else { "low" }.to_owned(),
        });
        for (day, features, label) in simulated.rows {
            out.rows.push(Row {
                athlete: a,
                day: first_day + day as i32,
                features,
                label,
            });
        }
    }
    out
}

struct Simulated {
    rows: Vec<(usize, Vec<f64>, bool)>,
    onsets: usize,
    episode_days: usize,
    observed_share: f64,
}

fn simulate(rng: &mut SplitMix64, rows_wanted: usize) -> Simulated {
    let col = |name: &str| value_index(name).expect("a feature of the schema");
    let base = 250.0 + 350.0 * uniform(rng);
    let frailty = 0.7 * normal(rng);
    let diligence = 0.6 + 0.3 * uniform(rng);
    // Enough days for the rows, the episodes and the last 7-day window.
    let days = WARM_UP + rows_wanted + rows_wanted / 4 + 60;
    let mut load = vec![0.0; days];
    let mut eligible = vec![false; days];
    let mut onset = vec![false; days];
    let mut features: Vec<Option<Vec<f64>>> = vec![None; days];
    let (mut ewma_acute, mut ewma_chronic, mut ctl, mut atl) = (base, base, base, base);
    let mut ctl_history = vec![base; days];
    let mut strain_state = 0.0;
    let mut injured_until = 0usize;
    let (mut entered_yesterday, mut last_wellness, mut last_hrv) = (true, 0usize, 0usize);
    let (mut last_session, mut last_hard, mut last_rhr) = (0usize, 0usize, 0usize);
    let mut observed = vec![false; days];
    let mut logged = vec![false; days];
    let (mut onsets, mut episode_days) = (0, 0);
    let mut last_episode_end: Option<usize> = None;
    // The athlete's own level of each wellness item, in SDs of the team.
    let levels: Vec<f64> = (0..9).map(|_| normal(rng)).collect();
    // The level's 7-day means drift slowly around it.
    let mut drift = [0.0; 9];
    for t in 0..days {
        // The morning of t: features from loads up to t-1 and wellness of t.
        if t >= WARM_UP && t >= injured_until {
            let week = &load[t - 7..t];
            let month = &load[t - 28..t];
            let acute = mean(week);
            let chronic = mean(month);
            let older = mean(&load[t - 28..t - 7]);
            let sd = (week.iter().map(|x| (x - acute) * (x - acute)).sum::<f64>() / 6.0).sqrt();
            let monotony = if sd > 0.0 {
                (acute / sd).min(10.0)
            } else {
                10.0
            };
            let previous_week: f64 = load[t - 14..t - 7].iter().sum();
            let ratio = |num: f64, den: f64| if den > 0.0 { (num / den).min(5.0) } else { 5.0 };
            let entry_chance = if entered_yesterday {
                diligence + 0.1
            } else {
                0.5 * diligence
            };
            let wellness_today = uniform(rng) < entry_chance;
            let hrv_today = uniform(rng) < 0.6;
            let rhr_today = uniform(rng) < 0.9;
            let mut x = vec![f64::NAN; 2 * VALUE_FEATURE_COUNT];
            x[col("acute_load")] = acute;
            x[col("chronic_load")] = chronic;
            x[col("acwr_coupled")] = ratio(acute, chronic);
            x[col("acwr_uncoupled")] = ratio(acute, older);
            x[col("acwr_ewma")] = ratio(ewma_acute, ewma_chronic);
            x[col("monotony")] = monotony;
            x[col("strain")] = 7.0 * acute * monotony;
            x[col("week_change_pct")] = if previous_week > 0.0 {
                (100.0 * (7.0 * acute - previous_week) / previous_week).min(500.0)
            } else {
                500.0
            };
            x[col("ctl")] = ctl;
            x[col("atl")] = atl;
            x[col("tsb")] = ctl - atl;
            x[col("ramp_rate")] = ctl - ctl_history[t - 7];
            x[col("sessions_7d")] = week.iter().filter(|l| **l > 0.0).count() as f64;
            x[col("days_since_hard")] = ((t - last_hard) as f64).min(60.0);
            if hrv_today {
                last_hrv = t;
                let z = -0.6 * strain_state + normal(rng);
                x[col("hrv_z")] = z;
                x[col("hrv_below_band")] = f64::from(u8::from(z < -1.0));
                x[col("hrv_above_band")] = f64::from(u8::from(z > 1.0));
            }
            if rhr_today {
                last_rhr = t;
            }
            x[col("resting_hr_z")] = 0.5 * strain_state + normal(rng);
            logged[t] = wellness_today;
            for (k, (name, scale, centre)) in [
                ("sleep_h", 0.8, 7.5),
                ("sleep_quality", 0.7, 3.5),
                ("fatigue", 0.7, 3.0),
                ("soreness", 0.7, 3.0),
                ("stress", 0.7, 2.5),
                ("mood", 0.7, 3.5),
                ("readiness", 1.2, 6.5),
                ("hrv_rmssd_ms", 12.0, 65.0),
                ("resting_hr", 5.0, 52.0),
            ]
            .iter()
            .enumerate()
            {
                drift[k] = 0.9 * drift[k] + 0.1 * normal(rng);
                let level = centre + scale * (levels[k] + 0.3 * drift[k]);
                let reading = match *name {
                    "hrv_rmssd_ms" => hrv_today,
                    "resting_hr" => rhr_today,
                    _ => wellness_today,
                };
                if reading {
                    x[col(name)] = level + 0.5 * scale * normal(rng);
                }
                x[col(&format!("{name}_7d"))] = level + 0.2 * scale * normal(rng);
            }
            x[col("wellness_entries_7d")] =
                logged[t + 1 - 7..=t].iter().filter(|l| **l).count() as f64;
            x[col("wellness_entries_28d")] =
                logged[t + 1 - 28..=t].iter().filter(|l| **l).count() as f64;
            x[col("sessions_28d")] = month.iter().filter(|l| **l > 0.0).count() as f64;
            x[col("prior_episodes")] = (onsets as f64).min(10.0);
            if let Some(end) = last_episode_end {
                x[col("days_since_episode")] = ((t - end) as f64).min(365.0);
            }
            x[col("days_in_forma")] = (t as f64).min(365.0);
            if wellness_today {
                last_wellness = t;
                let fatigue = 0.8 * strain_state + 0.5 * normal(rng);
                let soreness = 0.5 * strain_state + 0.9 * normal(rng);
                x[col("sleep_h_z")] = -0.3 * strain_state + normal(rng);
                x[col("sleep_quality_z")] = -0.3 * strain_state + normal(rng);
                x[col("fatigue_z")] = fatigue;
                x[col("soreness_z")] = soreness;
                x[col("stress_z")] = 0.2 * strain_state + normal(rng);
                x[col("mood_z")] = -0.2 * strain_state + normal(rng);
                x[col("readiness_z")] = -(fatigue + soreness) / 2.0 + 0.5 * normal(rng);
            }
            entered_yesterday = wellness_today;
            observed[t] = wellness_today || hrv_today || rhr_today;
            x[col("days_since_session")] = ((t - last_session) as f64).min(60.0);
            x[col("days_since_wellness")] = ((t - last_wellness) as f64).min(60.0);
            x[col("days_since_hrv")] = ((t - last_hrv) as f64).min(60.0);
            x[col("days_since_resting_hr")] = ((t - last_rhr) as f64).min(60.0);
            x[col("observed_share_28d")] =
                observed[t - 28..t].iter().filter(|o| **o).count() as f64 / 28.0;
            for j in 0..VALUE_FEATURE_COUNT {
                x[VALUE_FEATURE_COUNT + j] = f64::from(u8::from(x[j].is_nan()));
            }
            let hazard =
                sigmoid(-6.8 + 2.5 * strain_state + 0.8 * (x[col("acwr_ewma")] - 1.0) + frailty);
            if t > WARM_UP + 7 && uniform(rng) < hazard {
                // The onset day is not a decision day; the episode keeps the
                // athlete out for 3 to 14 days.
                onset[t] = true;
                onsets += 1;
                injured_until = t + 3 + (rng.next_u64() % 12) as usize;
                episode_days += injured_until - t;
                last_episode_end = Some(injured_until - 1);
            } else {
                eligible[t] = true;
                features[t] = Some(x);
            }
        }
        // The day of t: training (none while injured), then the load state moves on.
        let injured = t < injured_until;
        let cycle = [0.9, 1.0, 1.15, 0.7][(t / 7) % 4];
        let spike = uniform(rng) < 0.06;
        let rest = injured || uniform(rng) < 0.2;
        load[t] = if rest {
            0.0
        } else {
            base * cycle * (0.6 + 0.8 * uniform(rng)) * if spike { 2.5 } else { 1.0 }
        };
        if load[t] > 0.0 {
            last_session = t;
            observed[t] = true;
        }
        if load[t] > 1.5 * base {
            last_hard = t;
        }
        ewma_acute += (2.0 / 8.0) * (load[t] - ewma_acute);
        ewma_chronic += (2.0 / 29.0) * (load[t] - ewma_chronic);
        ctl += (load[t] - ctl) / 42.0;
        atl += (load[t] - atl) / 7.0;
        ctl_history[t] = ctl;
        strain_state = 0.7 * strain_state + 0.6 * (atl / ctl.max(1.0) - 1.0) + 0.4 * normal(rng);
    }
    let mut rows = Vec::with_capacity(rows_wanted);
    for t in 0..days.saturating_sub(7) {
        if rows.len() == rows_wanted {
            break;
        }
        if eligible[t] {
            let label = onset[t + 1..=t + 7].iter().any(|o| *o);
            rows.push((
                t,
                features[t].take().expect("eligible rows have features"),
                label,
            ));
        }
    }
    assert_eq!(rows.len(), rows_wanted, "simulate more days");
    let observed_share = observed.iter().filter(|o| **o).count() as f64 / days as f64;
    Simulated {
        rows,
        onsets,
        episode_days,
        observed_share,
    }
}

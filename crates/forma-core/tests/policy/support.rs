//! Athletes built by hand, a synthetic team with a known load-injury link, the
//! PMData demo, and artifacts trained on them once per test binary.

use std::sync::OnceLock;

use forma_core::model::evaluation::SplitMix64;
use forma_core::model::fit::TrainOptions;
use forma_core::model::{train, Dataset, ModelArtifact, TrainingData};
use forma_core::types::{
    date_from_epoch_day, epoch_day, AthleteId, Event, EventKind, Session, WellnessEntry,
};
use jiff::civil::Date;

pub fn id(s: &str) -> AthleteId {
    s.parse().expect("a valid id")
}

/// Day `i` from 2024-01-01.
pub fn day(i: i64) -> Date {
    date_from_epoch_day(epoch_day(jiff::civil::date(2024, 1, 1)) + i as i32)
}

/// One session per day with positive load, from day 0.
pub fn sessions(athlete: &AthleteId, loads: &[f64]) -> Vec<Session> {
    loads
        .iter()
        .enumerate()
        .filter(|(_, l)| **l > 0.0)
        .map(|(i, l)| Session {
            athlete_id: athlete.clone(),
            date: day(i as i64),
            sport: None,
            duration_min: None,
            rpe: None,
            load: *l,
            distance_km: None,
            avg_hr: None,
            source: None,
        })
        .collect()
}

/// `steady` days at `base`, then 7 days at `week`: the coupled ratio on the
/// next morning is `4 * 7 week / (7 week + 21 base)`.
pub fn steady_then_week(base: f64, steady: usize, week: f64) -> Vec<f64> {
    let mut loads = vec![base; steady];
    loads.extend([week; 7]);
    loads
}

/// Readiness ratings 6, 7, 8 in turn for `n` days, and `today` on day `n`.
pub fn readiness(athlete: &AthleteId, n: usize, today: f64) -> Vec<WellnessEntry> {
    (0..=n)
        .map(|i| WellnessEntry {
            readiness: Some(if i == n { today } else { 6.0 + (i % 3) as f64 }),
            ..WellnessEntry::empty(athlete.clone(), day(i as i64))
        })
        .collect()
}

/// Sessions, wellness and events of a team.
pub struct Team {
    pub sessions: Vec<Session>,
    pub wellness: Vec<WellnessEntry>,
    pub events: Vec<Event>,
}

fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A synthetic team: training most days, wellness most mornings, load spikes
/// often followed by an injury reported over a few days.
pub fn synthetic_team(athletes: usize, days: i32, seed: u64) -> Team {
    let mut rng = SplitMix64(seed);
    let mut t = Team {
        sessions: Vec::new(),
        wellness: Vec::new(),
        events: Vec::new(),
    };
    for a in 0..athletes {
        let athlete = id(&format!("t{a:02}"));
        let base = 200.0 + 300.0 * uniform(&mut rng);
        let mut pending: Option<i32> = None;
        for d in 0..days {
            let date = day(i64::from(d));
            let spike = uniform(&mut rng) < 0.07;
            if uniform(&mut rng) < 0.8 {
                t.sessions.push(Session {
                    athlete_id: athlete.clone(),
                    date,
                    sport: None,
                    duration_min: None,
                    rpe: None,
                    load: base * (0.6 + 0.8 * uniform(&mut rng)) * if spike { 3.5 } else { 1.0 },
                    distance_km: None,
                    avg_hr: None,
                    source: None,
                });
                if spike && pending.is_none() && uniform(&mut rng) < 0.6 {
                    pending = Some(d + 2 + rng.below(4) as i32);
                }
            }
            if uniform(&mut rng) < 0.85 {
                let tired = pending.is_some_and(|e| e - d <= 4);
                t.wellness.push(WellnessEntry {
                    sleep_h: Some(6.0 + 2.0 * uniform(&mut rng)),
                    fatigue: Some(if tired {
                        1.0
                    } else {
                        2.0 + rng.below(3) as f64
                    }),
                    readiness: Some(if tired {
                        3.0
                    } else {
                        5.0 + rng.below(4) as f64
                    }),
                    hrv_rmssd_ms: (uniform(&mut rng) < 0.7)
                        .then(|| 50.0 + 30.0 * uniform(&mut rng)),
                    resting_hr: Some(50.0 + 8.0 * uniform(&mut rng)),
                    ..WellnessEntry::empty(athlete.clone(), date)
                });
            }
            if pending == Some(d) {
                for k in 0..(1 + rng.below(3) as i64) {
                    t.events.push(Event {
                        athlete_id: athlete.clone(),
                        date: day(i64::from(d) + 2 * k),
                        kind: EventKind::Injury,
                        severity: None,
                        body_part: None,
                        days_lost: None,
                        closed_on: None,
                    });
                }
                pending = None;
            }
        }
    }
    t
}

/// Training settings for tests: the defaults with fewer bootstrap resamples.
pub fn quick_options() -> TrainOptions {
    TrainOptions {
        bootstrap: 10,
        ..TrainOptions::default()
    }
}

fn created_at() -> jiff::Timestamp {
    "2026-01-01T00:00:00Z".parse().expect("a valid timestamp")
}

/// A model trained on a synthetic team of 10 athletes over 240 days.
pub fn synthetic_artifact() -> &'static ModelArtifact {
    static ARTIFACT: OnceLock<ModelArtifact> = OnceLock::new();
    ARTIFACT.get_or_init(|| {
        let t = synthetic_team(10, 240, 3);
        let data = TrainingData {
            sessions: &t.sessions,
            wellness: &t.wellness,
            events: &t.events,
            ..TrainingData::default()
        };
        train(&Dataset::build(&data), &quick_options(), created_at())
            .expect("the synthetic team carries a model")
    })
}

/// The synthetic model scoring with its logistic regression, its calibrated
/// log-odds moved by `shift` on every day, to put the risk (and the standing
/// risk with it) where a test needs it.
pub fn shifted_artifact(shift: f64) -> ModelArtifact {
    let mut a = synthetic_artifact().clone();
    a.primary = forma_core::model::fit::ModelKind::Logistic;
    a.models.logistic_platt.b += shift;
    a
}

/// A model that reads the coupled load ratio alone: its log-odds moves by
/// `per_sd` for each training SD of the ratio, and sits at the training rate at
/// the training mean. A day whose ratio differs from the days before has a
/// risk that differs from the athlete's standing risk.
pub fn ratio_artifact(per_sd: f64) -> ModelArtifact {
    let mut a = synthetic_artifact().clone();
    a.primary = forma_core::model::fit::ModelKind::Logistic;
    let ratio = forma_core::features::value_index("acwr_coupled").expect("a feature");
    let lr = &mut a.models.logistic;
    for (j, c) in lr.columns.iter().zip(lr.coefficients.iter_mut()) {
        *c = if *j == ratio { per_sd } else { 0.0 };
    }
    lr.intercept = 0.0;
    let rate = a.models.base_rate;
    a.models.logistic_platt.a = 1.0;
    a.models.logistic_platt.b = (rate / (1.0 - rate)).ln();
    a
}

/// The 16 PMData participants.
pub struct Pmdata {
    pub ids: Vec<AthleteId>,
    pub sessions: Vec<Session>,
    pub wellness: Vec<WellnessEntry>,
    pub events: Vec<Event>,
}

/// PMData from `<workspace>/../shared/data`, as `tests/model` reads it.
pub fn pmdata() -> &'static Pmdata {
    static DATA: OnceLock<Pmdata> = OnceLock::new();
    DATA.get_or_init(|| {
        let mut out = Pmdata {
            ids: Vec::new(),
            sessions: Vec::new(),
            wellness: Vec::new(),
            events: Vec::new(),
        };
        for (athlete, c) in crate::pmdata_files::participants() {
            out.sessions.extend(c.sessions);
            out.wellness.extend(c.wellness);
            out.events.extend(c.events);
            out.ids.push(athlete);
        }
        out
    })
}

/// PMData as training rows.
pub fn pmdata_dataset() -> Dataset {
    let p = pmdata();
    Dataset::build(&TrainingData {
        sessions: &p.sessions,
        wellness: &p.wellness,
        events: &p.events,
        ..TrainingData::default()
    })
}

/// A model trained on all of PMData.
pub fn pmdata_artifact() -> &'static ModelArtifact {
    static ARTIFACT: OnceLock<ModelArtifact> = OnceLock::new();
    ARTIFACT.get_or_init(|| {
        train(&pmdata_dataset(), &quick_options(), created_at()).expect("PMData carries a model")
    })
}

/// `artifact` with its forward-in-time backtest rewritten so that its card's
/// verdict is `beats`: the primary model's ROC AUC (and its interval) far
/// above or below every baseline's, and its Brier score better than the base
/// rate's when it is to pass.
pub fn with_verdict(mut artifact: ModelArtifact, beats: bool) -> ModelArtifact {
    // The verdict is the card's, on the model the card describes.
    let primary = artifact.card.primary.scorer();
    let base_brier = artifact
        .card
        .backtests
        .forward_in_time
        .scorers
        .iter()
        .find(|s| s.scorer == forma_core::model::backtest::Scorer::BaseRate)
        .and_then(|s| s.overall.brier);
    for s in &mut artifact.card.backtests.forward_in_time.scorers {
        let m = &mut s.overall;
        if s.scorer == primary {
            let auc = if beats { 0.99 } else { 0.2 };
            m.events = m.events.max(1);
            m.roc_auc = Some(auc);
            m.roc_auc_ci = Some(forma_core::model::evaluation::Interval {
                low: auc - 0.05,
                high: (auc + 0.05).min(1.0),
            });
            m.brier = base_brier.map(|b| if beats { b / 2.0 } else { b * 2.0 });
        } else if s.scorer.is_baseline() {
            m.roc_auc = Some(0.6);
        }
    }
    let verdict = artifact.card.verdict();
    assert_eq!(verdict.beats_baselines, beats, "{}", verdict.headline());
    assert_eq!(
        artifact.card.beats_baselines(),
        beats,
        "the quick check agrees"
    );
    artifact
}

//! Property tests over generated athletes: the guardrails and bounds hold for
//! any history, load, readiness, plan and model.

// proptest needs an operating-system random source, which wasm32-unknown-unknown
// lacks; the policy is the same code on both, so the native run covers it.
#![cfg(not(target_arch = "wasm32"))]

use forma_core::metrics::coupled_acwr;
use forma_core::model::evaluation::SplitMix64;
use forma_core::model::ModelArtifact;
use forma_core::policy::{
    recommend, Action, FallbackReason, MeasuredBy, PlannedLoad, PolicyData, PolicyInput,
    PolicyOptions, Recommendation, POLICY_VERSION,
};
use forma_core::quality::{Check as QualityCheck, Finding, Severity};
use forma_core::types::{epoch_day, WellnessEntry};
use proptest::prelude::*;

use crate::support::{day, id, sessions, shifted_artifact, synthetic_artifact};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ModelCase {
    None,
    Scoring,
    OtherSchema,
    NoFeatures,
}

#[derive(Debug, Clone)]
struct Case {
    days: usize,
    base: f64,
    last_week: f64,
    rest_share: f64,
    gap: usize,
    wellness_share: f64,
    readiness_today: Option<f64>,
    seed: u64,
    injury: bool,
    error: bool,
    plan: Option<(f64, f64)>,
    model: ModelCase,
    shift: f64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            0usize..110,
            20.0..900.0f64,
            0.0..4.0f64,
            0.0..0.6f64,
            0usize..7,
        ),
        (
            0.0..1.0f64,
            proptest::option::of(0.0..10.0f64),
            any::<u64>(),
        ),
        (
            proptest::bool::weighted(0.15),
            proptest::bool::weighted(0.15),
            proptest::option::of((0.0..1500.0f64, 0.0..8000.0f64)),
            prop_oneof![
                Just(ModelCase::None),
                Just(ModelCase::Scoring),
                Just(ModelCase::Scoring),
                Just(ModelCase::OtherSchema),
                Just(ModelCase::NoFeatures),
            ],
            -8.0..8.0f64,
        ),
    )
        .prop_map(
            |(
                (days, base, last_week, rest_share, gap),
                (wellness_share, readiness_today, seed),
                (injury, error, plan, model, shift),
            )| Case {
                days,
                base,
                last_week,
                rest_share,
                gap,
                wellness_share,
                readiness_today,
                seed,
                injury,
                error,
                plan,
                model,
                shift,
            },
        )
}

fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Loads and wellness for days 0..days, nothing in the last `gap` days.
fn athlete(c: &Case) -> (Vec<f64>, Vec<WellnessEntry>) {
    let a = id("gen");
    let mut rng = SplitMix64(c.seed);
    let until = c.days.saturating_sub(c.gap);
    let mut loads = vec![0.0; c.days];
    let mut wellness = Vec::new();
    for (i, load) in loads.iter_mut().enumerate().take(until) {
        let spike = if i + 7 >= c.days { c.last_week } else { 1.0 };
        if uniform(&mut rng) >= c.rest_share {
            *load = c.base * (0.5 + uniform(&mut rng)) * spike;
        }
        if uniform(&mut rng) < c.wellness_share {
            wellness.push(WellnessEntry {
                readiness: Some(4.0 + (rng.below(5) as f64)),
                resting_hr: Some(48.0 + 10.0 * uniform(&mut rng)),
                hrv_rmssd_ms: Some(40.0 + 40.0 * uniform(&mut rng)),
                ..WellnessEntry::empty(a.clone(), day(i as i64))
            });
        }
    }
    if c.gap == 0 {
        if let Some(r) = c.readiness_today {
            wellness.push(WellnessEntry {
                readiness: Some(r),
                ..WellnessEntry::empty(a, day(c.days as i64))
            });
        }
    }
    (loads, wellness)
}

struct Checked {
    r: Recommendation,
    /// Coupled ratio at d-1, computed here from the series.
    ratio: Option<f64>,
    history: i64,
    since_data: Option<i64>,
    /// Load of the 21 and of the 7 days before d.
    last_21: f64,
    last_7: f64,
    model: Option<ModelArtifact>,
}

fn run(c: &Case, options: &PolicyOptions) -> Option<Checked> {
    let a = id("gen");
    let (loads, wellness) = athlete(c);
    let d = day(c.days as i64);
    let data = PolicyData::build(&a, &sessions(&a, &loads), &wellness, &[], d)?;
    let model = match c.model {
        ModelCase::None => None,
        ModelCase::Scoring | ModelCase::NoFeatures => Some(shifted_artifact(c.shift)),
        ModelCase::OtherSchema => {
            let mut m = synthetic_artifact().clone();
            m.schema.hash = "ffffffffffffffff".to_owned();
            Some(m)
        }
    };
    let findings = [Finding {
        check: QualityCheck::NegativeLoad,
        severity: Severity::Error,
        dates: vec![d],
        message: "A negative load.".to_owned(),
    }];
    let input = PolicyInput {
        open_injury: c.injury,
        quality_findings: if c.error { &findings } else { &[] },
        plan: c.plan.map(|(today, week)| PlannedLoad {
            today: Some(today),
            next_7_days: Some(week),
        }),
        model: model.as_ref(),
        features: if c.model == ModelCase::NoFeatures {
            None
        } else {
            data.features.as_ref()
        },
        ..data.input(d)
    };
    let r = recommend(&input, options);
    let history = i64::from(epoch_day(d) - epoch_day(data.series.start));
    let known: Vec<f64> = data.series.load[..history as usize].to_vec();
    let ratio = (history > 0)
        .then(|| coupled_acwr(&known, 7, 28)[history as usize - 1])
        .flatten();
    let tail = |n: usize| known[known.len().saturating_sub(n)..].iter().sum::<f64>();
    Some(Checked {
        ratio,
        history,
        since_data: data
            .last_data(d)
            .map(|l| i64::from(epoch_day(d) - epoch_day(l))),
        last_21: tail(21),
        last_7: tail(7),
        r,
        model,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn guardrails_and_bounds_always_hold(c in case()) {
        let options = PolicyOptions::default();
        let Some(k) = run(&c, &options) else { return Ok(()) };
        let r = &k.r;
        let limit = 1.0 + options.max_increase_share;

        // Bounds: no multiplier above 1 + the largest share.
        prop_assert!(r.adjustment.next_7_days_load_factor <= limit + 1e-12, "{r:#?}");
        prop_assert!(r.adjustment.today_load_factor <= limit + 1e-12);
        if let (Some(before), Some(after)) = (c.plan.map(|p| p.1), r.adjustment.next_7_days_load) {
            prop_assert!(after <= before * limit + 1e-9);
        }
        // Never more volume when the ratio or the risk is high.
        if r.action == Action::IncreaseVolume {
            let ratio = k.ratio.expect("an increase needs a ratio");
            prop_assert!(ratio <= options.ratio_raised, "ratio {ratio}");
            let (risk, t) = (r.risk.expect("an increase needs a risk"), r.risk_threshold.unwrap());
            prop_assert!(risk < t, "risk {risk}, threshold {t}");
            // ... and the ratio a week ahead stays at or below 1.3.
            let planned = c.plan.map(|p| p.1).filter(|p| *p > 0.0).unwrap_or(k.last_7);
            let f = r.adjustment.next_7_days_load_factor;
            let projected = 4.0 * planned * f / (planned * f + k.last_21);
            prop_assert!(projected <= options.ratio_raised + 1e-9, "projected {projected}");
        }

        // Sparse, stale, injured or erroneous data: manual review, no change.
        let stale = k.since_data.is_none_or(|s| s > i64::from(options.stale_after_days));
        let sparse = k.history < i64::from(options.min_history_days);
        if sparse || stale || c.injury || c.error {
            prop_assert_eq!(r.action, Action::ManualReview, "{:#?}", r);
            prop_assert_eq!(r.confidence, 0.0);
        }
        if r.action == Action::ManualReview {
            prop_assert_eq!(r.adjustment.today_load_factor, 1.0);
            prop_assert_eq!(r.adjustment.next_7_days_load_factor, 1.0);
            prop_assert_eq!(r.adjustment.extra_rest_days, 0);
            prop_assert!(!r.adjustment.swap_hard_session);
            prop_assert!(!r.what_would_change.is_empty());
        } else {
            prop_assert!(r.confidence >= options.min_confidence);
        }
        prop_assert!((0.0..=1.0).contains(&r.confidence));

        // Versions and the fallback on every recommendation.
        prop_assert_eq!(&r.policy_version, POLICY_VERSION);
        prop_assert_eq!(r.model_version.as_deref(), k.model.as_ref().map(|m| m.version_id.as_str()));
        let expected = match c.model {
            ModelCase::None => Some(FallbackReason::NoModel),
            ModelCase::OtherSchema => Some(FallbackReason::SchemaMismatch),
            ModelCase::NoFeatures => Some(FallbackReason::NoFeatures),
            ModelCase::Scoring => None,
        };
        prop_assert_eq!(r.fallback, expected);

        // Reasons: at most three; a model reason's direction is its delta's sign.
        prop_assert!(r.reasons.len() <= 3);
        for reason in &r.reasons {
            prop_assert!(reason.value.is_finite() && reason.baseline.is_finite());
            if reason.measured_by == MeasuredBy::Model {
                let delta = reason.risk_delta.unwrap();
                let raises = reason.direction == forma_core::policy::Direction::RaisesRisk;
                prop_assert_eq!(raises, delta > 0.0);
            }
        }

        // Stored as JSON and read back unchanged.
        let json = serde_json::to_string(r).unwrap();
        let back: Recommendation = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, r);
    }

    // Whatever the load and the model say, the options' bounds win.
    #[test]
    fn a_tighter_bound_is_never_exceeded(c in case(), share in 0.0..0.2f64, step in 0.0..0.5f64) {
        let options = PolicyOptions {
            max_increase_share: share,
            increase_step: step,
            ..PolicyOptions::default()
        };
        let Some(k) = run(&c, &options) else { return Ok(()) };
        prop_assert!(k.r.adjustment.next_7_days_load_factor <= 1.0 + share + 1e-12);
    }
}

/// The generator reaches every action, so the properties above are not
/// vacuous; one example of each is printed
/// (`cargo test -p forma-core --test policy -- --nocapture reaches`).
#[test]
fn generated_athletes_reach_every_action() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let options = PolicyOptions::default();
    let mut runner = TestRunner::deterministic();
    let mut seen: Vec<(Action, usize, Option<Recommendation>)> =
        Action::ALL.iter().map(|a| (*a, 0, None)).collect();
    for _ in 0..1500 {
        let c = case().new_tree(&mut runner).unwrap().current();
        let Some(k) = run(&c, &options) else { continue };
        let entry = seen.iter_mut().find(|(a, _, _)| *a == k.r.action).unwrap();
        entry.1 += 1;
        if entry.2.is_none() && k.r.fallback.is_none() {
            entry.2 = Some(k.r);
        }
    }
    for (action, count, example) in &seen {
        println!("{action:?}: {count}");
        if let Some(r) = example {
            println!("  {}\n  {}", r.coach_summary, r.athlete_summary);
            for reason in &r.reasons {
                println!("  - {}", reason.coach);
            }
            for s in &r.what_would_change {
                println!("  * {}", s.coach);
            }
        }
    }
    assert!(seen.iter().all(|(_, n, _)| *n > 0), "{seen:?}");
}

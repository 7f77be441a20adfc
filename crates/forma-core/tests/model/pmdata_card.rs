//! The model trained and backtested on the PMData demo (16 participants, about
//! 2,400 athlete-days): honest checks only (metrics in range, events behind
//! every figure, baselines on the same rows, determinism), and the card printed
//! (`cargo test -p forma-core --test model -- --nocapture`).

use std::time::Instant;

use forma_core::model::backtest::{Metrics, SchemeResult, Scorer};
use forma_core::model::fit::{fit_models, ModelKind, TrainOptions};
use forma_core::model::{train, Dataset, TrainingData};
use forma_core::pmdata::Converted;

fn pmdata() -> Vec<Converted> {
    crate::pmdata_files::participants()
        .into_iter()
        .map(|(_, converted)| converted)
        .collect()
}

/// CPU time of this thread so far, where Linux reports it: on a shared machine
/// the wall clock also counts waiting for a core.
fn cpu_time() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(ns))
}

fn in_unit(x: Option<f64>) -> bool {
    x.is_none_or(|v| (0.0..=1.0).contains(&v))
}

fn check_metrics(m: &Metrics) {
    for v in [
        m.base_rate,
        m.roc_auc,
        m.pr_auc,
        m.brier,
        m.within_athlete_auc,
    ] {
        assert!(in_unit(v), "{m:?}");
    }
    for i in [
        m.roc_auc_ci,
        m.pr_auc_ci,
        m.brier_ci,
        m.within_athlete_auc_ci,
    ]
    .into_iter()
    .flatten()
    {
        assert!(0.0 <= i.low && i.low <= i.high && i.high <= 1.0, "{i:?}");
    }
    let binned: usize = m.calibration.iter().map(|b| b.rows).sum();
    assert!(m.calibration.is_empty() || binned == m.rows);
}

fn check_scheme(s: &SchemeResult) {
    let first = &s.scorers[0].overall;
    assert!(
        first.events > 0,
        "{:?}: no events in the test rows",
        s.scheme
    );
    for r in &s.scorers {
        // Every model and baseline scored the same rows.
        assert_eq!(
            (r.overall.rows, r.overall.events),
            (first.rows, first.events)
        );
        check_metrics(&r.overall);
        for c in &r.cohorts {
            check_metrics(&c.metrics);
        }
    }
    assert!(s.folds.len() >= 3);
}

#[test]
fn pmdata_trains_backtests_and_prints_an_honest_card() {
    let all = pmdata();
    let sessions: Vec<_> = all.iter().flat_map(|c| c.sessions.clone()).collect();
    let wellness: Vec<_> = all.iter().flat_map(|c| c.wellness.clone()).collect();
    let events: Vec<_> = all.iter().flat_map(|c| c.events.clone()).collect();
    let data = TrainingData {
        sessions: &sessions,
        wellness: &wellness,
        events: &events,
        ..TrainingData::default()
    };
    let started = Instant::now();
    let ds = Dataset::build(&data);
    let built = started.elapsed();
    assert_eq!(ds.athletes.len(), 16);
    assert!(ds.events() > 0 && ds.episodes > 0);

    let options = TrainOptions::default();
    let created_at: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let (started, cpu_before) = (Instant::now(), cpu_time());
    let artifact = train(&ds, &options, created_at).unwrap();
    let trained = started.elapsed();
    let trained_cpu = cpu_time()
        .zip(cpu_before)
        .map_or_else(String::new, |(a, b)| format!(" ({:?} CPU)", a - b));
    let json = artifact.to_json().unwrap();
    check_scheme(&artifact.card.backtests.forward_in_time);
    check_scheme(&artifact.card.backtests.athletes_held_out);
    assert!(!artifact.card.findings.is_empty());
    assert!(json.len() < 500_000, "artifact is {} bytes", json.len());

    // Every baseline, "history only" among them, beside every model.
    let card = &artifact.card;
    for scheme in [
        &card.backtests.forward_in_time,
        &card.backtests.athletes_held_out,
    ] {
        let scorers: Vec<Scorer> = scheme.scorers.iter().map(|r| r.scorer).collect();
        assert_eq!(scorers, Scorer::ALL);
        // Cohorts by the day's history and injury history, and by age band.
        let dims: Vec<&str> = scheme.scorers[0]
            .cohorts
            .iter()
            .map(|c| c.dimension.as_str())
            .collect();
        for d in ["age_band", "days_in_forma", "injury_history"] {
            assert!(dims.contains(&d), "{dims:?}");
        }
    }
    // The primary model is the one the forward backtest ranks first, and says so.
    let choice = card.primary_choice.as_ref().expect("the card says why");
    assert_eq!(choice.model, artifact.primary);
    let best = choice
        .forward_roc_auc
        .iter()
        .filter_map(|(k, a)| a.map(|a| (*k, a)))
        .fold(None::<(ModelKind, f64)>, |best, (k, a)| match best {
            Some((_, b)) if b >= a => best,
            _ => Some((k, a)),
        });
    assert_eq!(best.map(|(k, _)| k), Some(artifact.primary));
    assert!(card.findings[0].contains(artifact.primary.label()));
    // Who and when, each with its events and interval, for both schemes.
    assert_eq!(card.who_and_when.len(), 2);
    for (w, scheme) in card.who_and_when.iter().zip([
        &card.backtests.forward_in_time,
        &card.backtests.athletes_held_out,
    ]) {
        let m = &scheme
            .scorers
            .iter()
            .find(|r| r.scorer == artifact.primary.scorer())
            .expect("the primary model")
            .overall;
        assert_eq!((w.pooled_auc, w.pooled_events), (m.roc_auc, m.events));
        assert_eq!(
            (w.within_auc, w.within_events),
            (m.within_athlete_auc, m.within_athlete_events)
        );
        assert!(w.within_events <= w.pooled_events);
        assert!(w.who.starts_with("Who") && w.when.starts_with("When"));
    }
    // The verdict checks both schemes and decides on the forward one.
    let verdict = card.verdict();
    assert_eq!(verdict.checks.len(), 2);
    assert_eq!(verdict.beats_baselines, verdict.checks[0].passed);
    assert_eq!(card.beats_baselines(), verdict.beats_baselines);
    assert!(card.to_markdown().contains("## Who and when"));

    // Determinism on real data: the final fit again, from a fresh data set, to
    // the byte (tests/model/determinism.rs checks whole artifacts).
    let again = Dataset::build(&data);
    assert_eq!(again.fingerprint(), artifact.training_data_fingerprint);
    let rows: Vec<usize> = (0..again.rows.len()).collect();
    let refit = fit_models(&again, &rows, &options).unwrap();
    assert_eq!(
        serde_json::to_string(&refit).unwrap(),
        serde_json::to_string(&artifact.models).unwrap()
    );

    // Scoring every row, for the record (a debug build is far slower than release).
    let started = Instant::now();
    let mut sum = 0.0;
    for r in &ds.rows {
        sum += artifact.score(&r.features).value();
    }
    let per_row = started.elapsed() / ds.rows.len().max(1) as u32;
    assert!(sum.is_finite());

    println!("{}", artifact.card.to_markdown());
    println!(
        "dataset built in {built:?}; trained with backtests in {trained:?}{trained_cpu}; artifact {} bytes, {} forest nodes, version {}; scoring {per_row:?} per row",
        json.len(),
        artifact.models.forest.nodes(),
        artifact.version_id
    );
}

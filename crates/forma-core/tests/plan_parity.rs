//! The what-if projection natively, fixed in files the browser test reads: a
//! model trained on PMData (`fixtures/plan-model.json`) and the fingerprint of the
//! projection of `support/plan_case.rs`'s plan (`fixtures/plan-projection.txt`).
//! The app's `tests/plan_browser.rs` computes the same projection in headless
//! Chromium and must find the same fingerprint, bit for bit. When training or the
//! projection changes on purpose, regenerate with `FORMA_UPDATE_FIXTURES=1`; this
//! test fails while the files are stale.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/plan_case.rs"]
mod plan_case;
#[path = "common/pmdata.rs"]
mod pmdata_files;

use std::path::PathBuf;

use forma_core::features::{
    athlete_features, athlete_features_with, value_index, FeatureInputs, WellnessPart,
};
use forma_core::model::fit::TrainOptions;
use forma_core::model::{train, Dataset, ModelArtifact, TrainingData};
use forma_core::plan::{
    fingerprint, history_findings, project, PlanBase, ProjectionInput, Scenario, WarningOptions,
};
use forma_core::policy::Action;
use forma_core::targets::report_days;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

/// A model trained on PMData with a small bootstrap (the intervals do not
/// score; the fitted models are the default ones).
fn pmdata_model() -> ModelArtifact {
    let (mut sessions, mut wellness, mut events) = (Vec::new(), Vec::new(), Vec::new());
    for (_, converted) in pmdata_files::participants() {
        sessions.extend(converted.sessions);
        wellness.extend(converted.wellness);
        events.extend(converted.events);
    }
    let data = Dataset::build(&TrainingData {
        sessions: &sessions,
        wellness: &wellness,
        events: &events,
        ..TrainingData::default()
    });
    let options = TrainOptions {
        bootstrap: 10,
        ..TrainOptions::default()
    };
    train(
        &data,
        &options,
        "2026-01-01T00:00:00Z".parse().expect("time"),
    )
    .expect("trains")
}

#[test]
fn the_plan_projection_fixture_matches_what_this_build_computes() {
    let model = pmdata_model();
    let json = model.to_json().expect("json");
    let (athlete, sessions, wellness, plan) = (
        plan_case::athlete(),
        plan_case::sessions(),
        plan_case::wellness(),
        plan_case::plan(),
    );
    let events = plan_case::events();
    let labels = plan_case::labels();
    let findings = history_findings(&athlete, &sessions, &wellness, plan.start);
    let projection = project(&ProjectionInput {
        athlete: &athlete,
        sessions: &sessions,
        wellness: &wellness,
        plan: &plan,
        model: Some(&ModelArtifact::from_json(&json).expect("reads back")),
        warnings: WarningOptions::default(),
        performance: None,
        events: &events,
        labels: &labels,
        quality_findings: &findings,
        detail_day: Some(plan.date(10)),
    });
    assert_eq!(projection.days.len(), 28);
    assert!(
        projection.days.iter().all(|d| d.risk.is_some()),
        "every day scored"
    );
    // The case reaches the policy's guardrail and its other branches.
    let actions: Vec<Action> = projection.days.iter().map(|d| d.policy.action).collect();
    assert_eq!(actions[..5], [Action::ManualReview; 5], "{actions:?}");
    assert!(
        actions[5..].iter().any(|a| *a != Action::ManualReview),
        "{actions:?}"
    );
    let detail = projection.detail.as_ref().expect("day 10 in detail");
    assert_eq!(detail.action, actions[10]);
    assert!(!detail.reasons.is_empty() && !detail.what_would_change.is_empty());
    // The features read with the wellness part prepared for the longest plan are
    // those built afresh.
    let mut done = sessions.clone();
    done.extend(plan.sessions(&athlete));
    let known: Vec<_> = wellness
        .iter()
        .filter(|w| w.date <= plan.start)
        .cloned()
        .collect();
    let part = WellnessPart::build(
        &athlete,
        &known,
        plan_case::first_day(),
        plan_case::DAYS as usize + 28,
    );
    let reports = report_days(&athlete, &events, &labels);
    let inputs = FeatureInputs {
        sessions: &done,
        wellness: &known,
        reports: &reports,
    };
    let fresh = athlete_features(&athlete, &inputs, Some(plan.end())).expect("features");
    let prepared =
        athlete_features_with(&athlete, &inputs, Some(plan.end()), Some(&part)).expect("features");
    // The history is read: two earlier episodes by the plan's last day.
    let episodes = value_index("prior_episodes").expect("a history feature");
    assert_eq!(fresh.rows.last().expect("a day")[episodes], 2.0);
    assert_eq!(prepared.rows.len(), fresh.rows.len());
    for (i, (a, b)) in prepared.rows.iter().zip(&fresh.rows).enumerate() {
        assert!(
            a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()),
            "day {i} differs"
        );
    }

    // ... and the part is what they read: one built from no wellness gives others.
    let empty = WellnessPart::build(
        &athlete,
        &[],
        plan_case::first_day(),
        plan_case::DAYS as usize + 28,
    );
    let without =
        athlete_features_with(&athlete, &inputs, Some(plan.end()), Some(&empty)).expect("features");
    assert!(without
        .rows
        .iter()
        .zip(&fresh.rows)
        .any(|(a, b)| a.iter().zip(b).any(|(x, y)| x.to_bits() != y.to_bits())));

    // A base prepared once projects every edit as the one-shot projection does.
    let model = ModelArtifact::from_json(&json).expect("reads back");
    let base = PlanBase::new(
        &athlete, &sessions, &wellness, &events, &labels, &findings, plan.start,
    );
    let mut edited = plan.clone();
    for (i, minutes) in [(0usize, 20.0), (10, 95.0), (27, 0.0), (3, 200.0)] {
        match edited.days[i].first_mut() {
            Some(s) => s.minutes = Some(minutes),
            None => edited.days[i].push(forma_core::plan::PlannedSession {
                minutes: Some(minutes),
                rpe: Some(6.0),
                ..Default::default()
            }),
        }
        let once = project(&ProjectionInput {
            athlete: &athlete,
            sessions: &sessions,
            wellness: &wellness,
            plan: &edited,
            model: Some(&model),
            warnings: WarningOptions::default(),
            performance: None,
            events: &events,
            labels: &labels,
            quality_findings: &findings,
            detail_day: Some(edited.date(i)),
        });
        let reused = base.project(&Scenario {
            plan: &edited,
            model: Some(&model),
            warnings: WarningOptions::default(),
            performance: None,
            detail_day: Some(edited.date(i)),
        });
        assert_eq!(reused, once, "edit of day {i}");
    }
    // A 7-day plan reads a shorter run of the prepared wellness.
    let mut short = plan.clone();
    short.days.truncate(7);
    let scenario = Scenario {
        plan: &short,
        model: Some(&model),
        warnings: WarningOptions::default(),
        performance: None,
        detail_day: None,
    };
    assert_eq!(
        base.project(&scenario),
        project(&ProjectionInput {
            athlete: &athlete,
            sessions: &sessions,
            wellness: &wellness,
            plan: &short,
            model: Some(&model),
            warnings: WarningOptions::default(),
            performance: None,
            events: &events,
            labels: &labels,
            quality_findings: &findings,
            detail_day: None,
        })
    );

    let print = fingerprint(&projection);
    let golden = serde_json::to_string_pretty(&projection).expect("a projection serialises") + "\n";
    let model_file = fixtures().join("plan-model.json");
    let print_file = fixtures().join("plan-projection.txt");
    let golden_file = fixtures().join("plan-projection.json");
    if std::env::var_os("FORMA_UPDATE_FIXTURES").is_some() {
        std::fs::write(&model_file, &json).expect("write the model fixture");
        std::fs::write(&print_file, format!("{print}\n")).expect("write the fingerprint");
        std::fs::write(&golden_file, &golden).expect("write the projection");
    }
    let stored_model = std::fs::read_to_string(&model_file).expect("the model fixture exists");
    assert!(
        stored_model == json,
        "{} is stale: training changed; run FORMA_UPDATE_FIXTURES=1 cargo test -p forma-core --test plan_parity",
        model_file.display()
    );
    // The whole projection, so a change shows where it is, not only that there is one.
    let stored_golden =
        std::fs::read_to_string(&golden_file).expect("the projection fixture exists");
    let changed = changed_lines(&stored_golden, &golden);
    assert!(
        changed.is_empty(),
        "the projection changed ({} lines differ; the first are below); if on purpose, run FORMA_UPDATE_FIXTURES=1 cargo test -p forma-core --test plan_parity\n{}",
        changed.len(),
        changed.iter().take(12).cloned().collect::<Vec<_>>().join("\n")
    );
    let stored = std::fs::read_to_string(&print_file).expect("the fingerprint fixture exists");
    assert_eq!(
        stored.trim(),
        print,
        "the projection changed; run FORMA_UPDATE_FIXTURES=1 cargo test -p forma-core --test plan_parity"
    );
}

/// The lines where `now` differs from `stored`, each as "line N: was … now …"
/// (a line only one of them has is shown against nothing).
fn changed_lines(stored: &str, now: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (stored.lines().collect(), now.lines().collect());
    (0..a.len().max(b.len()))
        .filter_map(|i| {
            let (was, is) = (a.get(i).copied(), b.get(i).copied());
            (was != is).then(|| {
                format!(
                    "line {}: was {} now {}",
                    i + 1,
                    was.unwrap_or("(nothing)").trim(),
                    is.unwrap_or("(nothing)").trim()
                )
            })
        })
        .collect()
}

#[test]
fn a_changed_projection_names_its_changed_lines() {
    assert!(changed_lines("a\nb\n", "a\nb\n").is_empty());
    assert_eq!(
        changed_lines("{\n  \"load\": 1.0\n}", "{\n  \"load\": 2.0\n}"),
        ["line 2: was \"load\": 1.0 now \"load\": 2.0"]
    );
    assert_eq!(changed_lines("a", "a\nb"), ["line 2: was (nothing) now b"]);
}

//! Two trainings on the same data give byte-identical artifacts, and an artifact
//! read back scores the same bits.

use forma_core::model::fit::{ModelKind, TrainOptions};
use forma_core::model::{train, Dataset, ModelArtifact, TrainingData};

use crate::synthetic::team;

fn created_at() -> jiff::Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

#[test]
fn two_trainings_on_the_same_data_give_byte_identical_artifacts() {
    let t = team(8, 150, 3);
    let data = TrainingData {
        sessions: &t.sessions,
        wellness: &t.wellness,
        events: &t.events,
        ..TrainingData::default()
    };
    // Fewer folds than the default: the point is the bytes, and debug builds are slow.
    let options = TrainOptions {
        bootstrap: 10,
        forward_folds: 1,
        athlete_folds: 2,
        ..TrainOptions::default()
    };
    let a = train(&Dataset::build(&data), &options, created_at()).unwrap();
    let b = train(&Dataset::build(&data), &options, created_at()).unwrap();
    let (ja, jb) = (a.to_json().unwrap(), b.to_json().unwrap());
    assert_eq!(ja.as_bytes(), jb.as_bytes());
    assert!(a.version_id.starts_with("m-"));

    // Read back: same value, same probabilities to the bit, same id.
    let back = ModelArtifact::from_json(&ja).unwrap();
    assert_eq!(back.models, a.models);
    assert_eq!(back.version_id, a.version_id);
    let ds = Dataset::build(&data);
    for r in ds.rows.iter().step_by(37) {
        for kind in ModelKind::ALL {
            let (p, q) = (
                a.score_with(kind, &r.features),
                back.score_with(kind, &r.features),
            );
            assert_eq!(p.value().to_bits(), q.value().to_bits());
            assert!((0.0..=1.0).contains(&p.value()));
        }
    }

    // The creation time is not part of the id; a change to the content is caught.
    let mut later = a.clone();
    later.created_at = "2026-02-01T00:00:00Z".parse().unwrap();
    assert!(ModelArtifact::from_json(&later.to_json().unwrap()).is_ok());
    let mut edited = a.clone();
    edited.models.base_rate += 0.01;
    let err = ModelArtifact::from_json(&edited.to_json().unwrap()).unwrap_err();
    assert!(
        err.to_string().contains("does not match its content"),
        "{err}"
    );
}

#[test]
fn logistic_regression_finds_a_planted_signal_in_unseen_athletes() {
    let t = team(10, 200, 9);
    let data = TrainingData {
        sessions: &t.sessions,
        wellness: &t.wellness,
        events: &t.events,
        ..TrainingData::default()
    };
    let ds = Dataset::build(&data);
    let options = TrainOptions {
        bootstrap: 0,
        forward_folds: 1,
        athlete_folds: 2,
        ..TrainOptions::default()
    };
    let a = train(&ds, &options, created_at()).unwrap();
    let held_out = &a.card.backtests.athletes_held_out;
    let lr = held_out
        .scorers
        .iter()
        .find(|s| s.scorer == forma_core::model::backtest::Scorer::Logistic)
        .unwrap();
    assert!(lr.overall.events > 10, "{:?}", lr.overall);
    assert!(
        lr.overall.roc_auc.unwrap() > 0.6,
        "{:?}",
        lr.overall.roc_auc
    );
}

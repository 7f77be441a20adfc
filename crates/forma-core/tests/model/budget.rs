//! A training within a budget: cancelled from another thread it stops soon with
//! `Cancelled`; past its time limit it stops with `OutOfTime`; a budget that
//! never runs out trains the committed PMData artifact byte for byte.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use forma_core::model::fit::TrainOptions;
use forma_core::model::{train_within, Budget, Dataset, ModelError, TrainingData};

use crate::model_parity::{self, ARTIFACT_JSON, CREATED_AT};
use crate::synthetic::team;

fn created_at() -> jiff::Timestamp {
    CREATED_AT.parse().unwrap()
}

fn synthetic() -> Dataset {
    let t = team(8, 150, 3);
    Dataset::build(&TrainingData {
        sessions: &t.sessions,
        wellness: &t.wellness,
        events: &t.events,
        ..TrainingData::default()
    })
}

/// A clock that moves one millisecond each time it is read: the checks a
/// training makes, counted.
fn ticking() -> (
    Arc<AtomicU64>,
    impl Fn() -> Duration + Send + Sync + 'static,
) {
    let reads = Arc::new(AtomicU64::new(0));
    let counter = reads.clone();
    (reads, move || {
        Duration::from_millis(counter.fetch_add(1, Ordering::SeqCst) + 1)
    })
}

#[test]
fn a_budget_that_never_runs_out_trains_the_committed_artifact() {
    let rows = model_parity::pmdata_dataset();
    let (reads, clock) = ticking();
    // A day of ticks: far more checks than a training makes.
    let budget = Budget::with_clock(Duration::from_secs(86_400), clock);
    let artifact = train_within(&rows, &TrainOptions::default(), created_at(), &budget).unwrap();
    assert_eq!(artifact.to_json().unwrap(), ARTIFACT_JSON);
    // The training checked its budget all along, not once.
    let checks = reads.load(Ordering::SeqCst);
    assert!(checks > 1_000, "{checks} checks");
}

#[test]
fn a_cancelled_training_stops_soon_with_cancelled() {
    let rows = synthetic();
    let (started_tx, started_rx) = mpsc::channel();
    let budget = {
        let reads = AtomicU64::new(0);
        Budget::with_clock(Duration::from_secs(3_600), move || {
            // The tenth check says the training is well under way.
            if reads.fetch_add(1, Ordering::SeqCst) == 10 {
                let _ = started_tx.send(());
            }
            Duration::ZERO
        })
    };
    let training = {
        let budget = budget.clone();
        std::thread::spawn(move || {
            let outcome = train_within(&rows, &TrainOptions::default(), created_at(), &budget);
            (outcome, Instant::now())
        })
    };
    started_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the training checks its budget");
    let cancelled = Instant::now();
    budget.cancel();
    let (outcome, stopped) = training.join().unwrap();
    assert_eq!(outcome.unwrap_err(), ModelError::Cancelled);
    let took = stopped.duration_since(cancelled);
    eprintln!("stopped {took:?} after the cancel");
    // A full training of these rows takes several seconds; a stop within one
    // fit step is well under one.
    assert!(
        took < Duration::from_secs(5),
        "stopped {took:?} after the cancel"
    );
    assert_eq!(
        ModelError::Cancelled.to_string(),
        "the training was cancelled before it finished"
    );
}

#[test]
fn a_training_past_its_time_limit_stops_with_out_of_time() {
    let rows = synthetic();
    // 50 ticks: the training is stopped at its 51st check, inside the first fit.
    let (reads, clock) = ticking();
    let budget = Budget::with_clock(Duration::from_millis(50), clock);
    let error = train_within(&rows, &TrainOptions::default(), created_at(), &budget).unwrap_err();
    assert_eq!(
        error,
        ModelError::OutOfTime {
            budget: Duration::from_millis(50)
        }
    );
    assert_eq!(reads.load(Ordering::SeqCst), 51, "no check after the stop");
    assert_eq!(
        error.to_string(),
        "the training took longer than its time budget of 50 milliseconds and was stopped"
    );

    // A real clock and a budget of one millisecond: the same error, whatever
    // the step it falls in. (`Budget::within` reads the system clock, which the
    // browser build has no `Instant` for.)
    #[cfg(not(target_arch = "wasm32"))]
    {
        let budget = Budget::within(Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(
            train_within(&rows, &TrainOptions::default(), created_at(), &budget).unwrap_err(),
            ModelError::OutOfTime {
                budget: Duration::from_millis(1)
            }
        );
    }
    // The data set's construction checks between athletes too.
    let t = team(4, 60, 5);
    let data = TrainingData {
        sessions: &t.sessions,
        wellness: &t.wellness,
        events: &t.events,
        ..TrainingData::default()
    };
    let cancelled = Budget::unlimited();
    cancelled.cancel();
    assert_eq!(
        Dataset::build_within(&data, &cancelled).unwrap_err(),
        ModelError::Cancelled
    );
    // (Features hold NaN for missing values, so the rows compare by fingerprint.)
    let within = Dataset::build_within(&data, &Budget::unlimited()).unwrap();
    let plain = Dataset::build(&data);
    assert_eq!(within.fingerprint(), plain.fingerprint());
    assert_eq!(within.athletes, plain.athletes);
    assert_eq!(within.rows.len(), plain.rows.len());
}

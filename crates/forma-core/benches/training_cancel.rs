//! How soon a training stops once cancelled, on 100,000 rows: the same rows as
//! `benches/training.rs`, a training cancelled after each of a few delays,
//! the time from the cancel to `train_within` returning `Cancelled`, and the
//! longest stretch between two budget checks seen before the cancel (the
//! worst a cancel or a time limit can wait in the phases reached).
//!
//! `cargo bench -p forma-core --bench training_cancel [-- ROWS]`. A benchmark
//! rather than a test: figures to read, not bounds that fail on a busy machine.

#[path = "../tests/common/synthetic_rows.rs"]
mod synthetic_rows;

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use forma_core::model::fit::TrainOptions;
use forma_core::model::{train_within, Budget, ModelError};

const ATHLETES: usize = 100;
const SEED: u64 = 0x7a1a_2026;
const DELAYS_S: [u64; 3] = [2, 10, 30];

fn main() -> ExitCode {
    let rows: usize = match std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        None => 100_000,
        Some(n) => match n.replace('_', "").parse() {
            Ok(n) if n >= 1_000 => n,
            _ => {
                eprintln!("the row count must be a number of at least 1000 (got `{n}`)");
                return ExitCode::FAILURE;
            }
        },
    };
    let ds = Arc::new(synthetic_rows::dataset(ATHLETES, rows / ATHLETES, SEED));
    println!(
        "forma-core training cancel: {} rows ({ATHLETES} athletes)",
        ds.rows.len()
    );
    let created_at: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().expect("a valid time");
    for delay in DELAYS_S {
        // The clock notes the longest gap between two checks; it never runs out.
        let gaps = Arc::new(Mutex::new((Instant::now(), Duration::ZERO, 0u64)));
        let noted = gaps.clone();
        let budget = Budget::with_clock(Duration::from_secs(86_400), move || {
            if let Ok(mut g) = noted.lock() {
                let now = Instant::now();
                g.1 = g.1.max(now - g.0);
                g.0 = now;
                g.2 += 1;
            }
            Duration::ZERO
        });
        let training = {
            let (ds, budget) = (ds.clone(), budget.clone());
            std::thread::spawn(move || {
                let outcome = train_within(&ds, &TrainOptions::default(), created_at, &budget);
                (outcome, Instant::now())
            })
        };
        std::thread::sleep(Duration::from_secs(delay));
        let (longest, checks) = gaps.lock().map(|g| (g.1, g.2)).unwrap_or_default();
        let cancelled = Instant::now();
        budget.cancel();
        let Ok((outcome, stopped)) = training.join() else {
            eprintln!("the training panicked");
            return ExitCode::FAILURE;
        };
        match outcome {
            Err(ModelError::Cancelled) => println!(
                "cancelled {delay:>2} s in: stopped {:>8.3} ms after the cancel; {checks} checks before it, longest gap {:.1} ms",
                stopped.duration_since(cancelled).as_secs_f64() * 1e3,
                longest.as_secs_f64() * 1e3
            ),
            Err(e) => {
                eprintln!("the training failed otherwise: {e}");
                return ExitCode::FAILURE;
            }
            Ok(_) => println!("cancelled {delay:>2} s in: the training had finished"),
        }
    }
    ExitCode::SUCCESS
}

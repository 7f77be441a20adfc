//! How long the injury and illness model takes on 100,000 rows natively
//! (training on 100,000 rows): one [`fit_models`] on every row,
//! the whole [`train`] (backtests forward in time and by athlete, bootstrap
//! intervals, the final fit), scoring one row, and the artifact's size.
//!
//! `cargo bench -p forma-core --bench training [-- ROWS]`. The rows come from
//! `tests/common/synthetic_rows.rs`: 100 athletes x 1,000 days, simulated
//! deterministically, in Forma's feature schema (the line printed first says
//! how many of its columns vary).
//! A benchmark rather than a test: figures to read, not bounds that fail on a
//! busy machine. It does check that two trainings give the same bytes. Each
//! time is given as wall-clock time and, where Linux reports it, the thread's
//! CPU time (`/proc/thread-self/schedstat`): on a shared machine the wall
//! clock includes waiting for a core, the CPU time does not.

#[path = "../tests/common/synthetic_rows.rs"]
mod synthetic_rows;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use forma_core::model::fit::{fit_models, ModelKind, TrainOptions};
use forma_core::model::{train, Dataset};

const ATHLETES: usize = 100;
const SEED: u64 = 0x7a1a_2026;

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`; the first other argument is the row count.
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
    let (built, ds) = once(|| synthetic_rows::dataset(ATHLETES, rows / ATHLETES, SEED));
    let events = ds.events();
    println!(
        "forma-core model training: {} rows ({ATHLETES} athletes), {} columns of which {} vary, {events} positive ({:.1}%); generated in {}",
        ds.rows.len(),
        ds.schema.len(),
        varying_columns(&ds),
        100.0 * events as f64 / ds.rows.len() as f64,
        secs(built.wall)
    );

    let options = TrainOptions::default();
    let all: Vec<usize> = (0..ds.rows.len()).collect();
    let mut fits = Vec::new();
    for _ in 0..3 {
        let (t, models) = once(|| fit_models(&ds, &all, &options));
        if let Err(e) = models {
            eprintln!("fit_models failed: {e}");
            return ExitCode::FAILURE;
        }
        fits.push(t);
    }
    println!(
        "fit_models, all rows (3 runs):           {}",
        summary(&fits)
    );

    let created_at: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().expect("a valid time");
    let mut artifacts = Vec::new();
    let mut trains = Vec::new();
    for _ in 0..2 {
        let (t, artifact) = once(|| train(&ds, &options, created_at));
        match artifact {
            Ok(a) => artifacts.push(a),
            Err(e) => {
                eprintln!("train failed: {e}");
                return ExitCode::FAILURE;
            }
        }
        trains.push(t);
    }
    println!(
        "train with backtests (2 runs):           {}",
        summary(&trains)
    );
    let json: Vec<String> = match artifacts.iter().map(|a| a.to_json()).collect() {
        Ok(json) => json,
        Err(e) => {
            eprintln!("the artifact does not serialise: {e}");
            return ExitCode::FAILURE;
        }
    };
    if json[0] != json[1] {
        eprintln!("two trainings on the same rows gave different artifacts");
        return ExitCode::FAILURE;
    }
    let artifact = &artifacts[0];

    for kind in ModelKind::ALL {
        let mut times = Vec::new();
        let mut sum = 0.0;
        for _ in 0..5 {
            let started = Instant::now();
            for r in &ds.rows {
                sum += artifact.score_with(kind, black_box(&r.features)).value();
            }
            times.push(started.elapsed());
        }
        times.sort();
        let per_row = |d: Duration| d.as_secs_f64() * 1e9 / ds.rows.len() as f64;
        println!(
            "score one row, {:<8} (5 x all rows):  best {:.0} ns, median {:.0} ns (checksum {sum:.3})",
            format!("{kind:?}").to_lowercase(),
            per_row(times[0]),
            per_row(times[2])
        );
    }

    let lr = backtest_auc(artifact, ModelKind::Logistic);
    let rf = backtest_auc(artifact, ModelKind::Forest);
    let gb = backtest_auc(artifact, ModelKind::Boosted);
    println!(
        "artifact JSON: {} bytes ({:.1} KB), {} forest and {} boosted-tree nodes; two trainings byte-identical; primary {:?}; ROC AUC forward / by athlete: logistic {lr}, forest {rf}, boosted {gb}",
        json[0].len(),
        json[0].len() as f64 / 1024.0,
        artifact.models.forest.nodes(),
        artifact.models.boosted.nodes(),
        artifact.primary
    );
    ExitCode::SUCCESS
}

/// Wall-clock and CPU time of one run.
#[derive(Debug, Clone, Copy)]
struct Timed {
    wall: Duration,
    cpu: Option<Duration>,
}

/// CPU time of this thread so far, where Linux reports it.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `work` once and times it.
fn once<T>(work: impl FnOnce() -> T) -> (Timed, T) {
    let (cpu, started) = (cpu_time(), Instant::now());
    let out = black_box(work());
    let wall = started.elapsed();
    let cpu = cpu_time().zip(cpu).map(|(after, before)| after - before);
    (Timed { wall, cpu }, out)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// `best 1.23 s, median 1.30 s (CPU best 1.20 s, median 1.21 s)`.
fn summary(runs: &[Timed]) -> String {
    let best_and_median = |mut ds: Vec<Duration>| {
        ds.sort();
        format!("best {}, median {}", secs(ds[0]), secs(ds[ds.len() / 2]))
    };
    let wall = best_and_median(runs.iter().map(|t| t.wall).collect());
    match runs.iter().map(|t| t.cpu).collect::<Option<Vec<_>>>() {
        Some(cpu) => format!("{wall} (CPU {})", best_and_median(cpu)),
        None => wall,
    }
}

/// Columns with more than one value (`NaN` counting as one value).
fn varying_columns(ds: &Dataset) -> usize {
    (0..ds.schema.len())
        .filter(|j| {
            let key = |x: f64| if x.is_nan() { u64::MAX } else { x.to_bits() };
            let first = key(ds.rows[0].features[*j]);
            ds.rows.iter().any(|r| key(r.features[*j]) != first)
        })
        .count()
}

/// Pooled backtest ROC AUC forward in time and by athlete, as `0.812 / 0.799`.
fn backtest_auc(artifact: &forma_core::model::ModelArtifact, kind: ModelKind) -> String {
    let scorer = kind.scorer();
    let backtests = &artifact.card.backtests;
    [&backtests.forward_in_time, &backtests.athletes_held_out]
        .map(|s| {
            s.scorers
                .iter()
                .find(|r| r.scorer == scorer)
                .and_then(|r| r.overall.roc_auc)
                .map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
        })
        .join(" / ")
}

//! forma-core compiled to WebAssembly and run in a headless browser: the metrics,
//! Banister predictions and readiness of the 16 PMData participants equal the
//! native ones bit for bit (the constants in `common/parity.rs`, which
//! `tests/real_data` asserts natively), so do the risk model's probabilities for
//! every PMData row from a natively trained artifact (`common/model_parity.rs`,
//! checked natively by `tests/model`), and timing figures for one athlete's
//! metrics and for scoring one row.
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! CHROMEDRIVER=/usr/bin/chromedriver cargo test -p forma-core --target
//! wasm32-unknown-unknown --test wasm` (add `--release` for the shipped speed).

#![cfg(target_arch = "wasm32")]

#[path = "common/model_parity.rs"]
mod model_parity;
#[path = "common/parity.rs"]
mod parity;

use forma_core::metrics::{DailyMetrics, MetricsOptions};
use forma_core::model::fit::ModelKind;
use forma_core::model::ModelArtifact;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_pmdata_metrics_csv_in_the_browser_is_the_native_one() {
    parity::check_metrics_csv();
}

#[wasm_bindgen_test]
fn each_participants_last_ctl_acwr_and_performance_are_the_native_bits() {
    parity::check_last_days();
}

#[wasm_bindgen_test]
fn banister_predictions_and_readiness_in_the_browser_are_the_native_ones() {
    parity::check_banister_and_readiness();
}

#[wasm_bindgen_test]
fn hrv_status_in_the_browser_is_the_native_one() {
    parity::check_hrv_status();
}

/// A figure for the issue, not a bound: `BENCH wasm one athlete 3 years:` with the
/// mean and 95th percentile of 200 runs of the metrics for 1,096 days.
#[wasm_bindgen_test]
fn one_athlete_three_years_timing() {
    const RUNS: usize = 200;
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .expect("the test runs in a browser window with `performance`");
    let series = parity::three_years();
    let options = MetricsOptions::default();
    let mut metrics = DailyMetrics::default();
    metrics.compute_into(&series, &options); // size the buffers once
    let mut micros: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = performance.now();
            metrics.compute_into(std::hint::black_box(&series), &options);
            (performance.now() - started) * 1e3
        })
        .collect();
    micros.sort_by(f64::total_cmp);
    let mean = micros.iter().sum::<f64>() / RUNS as f64;
    let p95 = micros[RUNS * 95 / 100 - 1];
    console_log!(
        "BENCH wasm one athlete 3 years: mean {mean:.0} us, p95 {p95:.0} us ({} days, {RUNS} runs)",
        series.len()
    );
    parity::check_three_years_last_ctl(&metrics);
}

#[wasm_bindgen_test]
fn the_natively_trained_model_scores_every_pmdata_row_as_natively() {
    model_parity::check_scores(&model_parity::pmdata_dataset());
}

/// Figures for the issue (target under 50 us a row), not bounds:
/// `BENCH wasm model` lines with the time to read the artifact and, per model,
/// the mean and worst of 20 runs over every PMData row, per row (a single row
/// takes less than the browser's clock resolution).
#[wasm_bindgen_test]
fn scoring_one_row_timing() {
    const RUNS: usize = 20;
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .expect("the test runs in a browser window with `performance`");
    let started = performance.now();
    let artifact = ModelArtifact::from_json(std::hint::black_box(model_parity::ARTIFACT_JSON))
        .expect("the fixture artifact loads");
    let load_ms = performance.now() - started;
    console_log!(
        "BENCH wasm model artifact from_json: {load_ms:.1} ms ({} KB of JSON)",
        model_parity::ARTIFACT_JSON.len() / 1024
    );
    let rows = model_parity::pmdata_dataset();
    let n = rows.rows.len() as f64;
    for kind in ModelKind::ALL {
        let mut sum = 0.0;
        let mut micros: Vec<f64> = (0..RUNS)
            .map(|_| {
                let started = performance.now();
                for r in &rows.rows {
                    sum += artifact
                        .score_with(kind, std::hint::black_box(&r.features))
                        .value();
                }
                (performance.now() - started) * 1e3 / n
            })
            .collect();
        micros.sort_by(f64::total_cmp);
        let mean = micros.iter().sum::<f64>() / RUNS as f64;
        console_log!(
            "BENCH wasm model score one row ({kind:?}): mean {mean:.2} us, worst run {:.2} us ({} rows x {RUNS} runs, target < 50 us)",
            micros[RUNS - 1],
            rows.rows.len()
        );
        assert!(sum.is_finite());
    }
}

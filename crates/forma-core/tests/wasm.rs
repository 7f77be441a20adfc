//! forma-core compiled to WebAssembly and run in a headless browser: the metrics,
//! Banister predictions and readiness of the 16 PMData participants equal the
//! native ones bit for bit (the constants in `common/parity.rs`, which
//! `tests/real_data` asserts natively), and a timing figure for one athlete.
//!
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! CHROMEDRIVER=/usr/bin/chromedriver cargo test -p forma-core --target
//! wasm32-unknown-unknown --test wasm` (add `--release` for the shipped speed).

#![cfg(target_arch = "wasm32")]

#[path = "common/parity.rs"]
mod parity;

use forma_core::metrics::{DailyMetrics, MetricsOptions};
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

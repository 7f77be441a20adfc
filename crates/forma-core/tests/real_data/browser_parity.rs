//! The native half of the browser parity check: the same constants that
//! `tests/wasm.rs` asserts in a browser hold here, so a difference between the
//! native and the WebAssembly build fails one side.

use forma_core::metrics::{DailyMetrics, MetricsOptions};

use crate::parity;

#[test]
fn the_embedded_pmdata_files_are_the_files_in_the_data_folder() {
    assert_eq!(parity::converted(), crate::pmdata());
}

#[test]
fn the_pmdata_metrics_csv_matches_the_constant_the_browser_checks() {
    parity::check_metrics_csv();
}

#[test]
fn each_participants_last_ctl_acwr_and_performance_match_the_browser_constants() {
    parity::check_last_days();
}

#[test]
fn banister_predictions_and_readiness_match_the_browser_constants() {
    parity::check_banister_and_readiness();
}

#[test]
fn hrv_status_matches_the_browser_constant() {
    parity::check_hrv_status();
}

#[test]
fn three_synthetic_years_end_on_the_ctl_the_browser_checks() {
    let metrics = DailyMetrics::compute(&parity::three_years(), &MetricsOptions::default());
    parity::check_three_years_last_ctl(&metrics);
}

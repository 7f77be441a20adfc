//! How the Model page writes its figures, and where it finds them in a card.

use forma_core::model::backtest::{Metrics, SchemeResult, Scorer};
use forma_core::model::evaluation::{CalibrationBin, Interval};
use forma_core::model::ModelArtifact;

/// A probability-like figure with three decimals, or "n/a".
pub fn figure(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

/// A figure with its 95% interval, such as `0.652 (0.409 to 0.889)`.
pub fn with_interval(x: Option<f64>, ci: Option<Interval>) -> String {
    match (x, ci) {
        (Some(v), Some(i)) => format!("{v:.3} ({:.3} to {:.3})", i.low, i.high),
        (x, _) => figure(x),
    }
}

/// A share as a percentage with one decimal.
pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// The model that scores, as the backtests name it.
pub fn primary_scorer(artifact: &ModelArtifact) -> Scorer {
    artifact.primary.scorer()
}

/// A scorer's overall figures in a backtest.
pub fn metrics_of(scheme: &SchemeResult, scorer: Scorer) -> Option<&Metrics> {
    scheme
        .scorers
        .iter()
        .find(|s| s.scorer == scorer)
        .map(|s| &s.overall)
}

/// The primary model's calibration bins in a backtest.
pub fn calibration_of(scheme: &SchemeResult, primary: Scorer) -> Vec<CalibrationBin> {
    metrics_of(scheme, primary)
        .map(|m| m.calibration.clone())
        .unwrap_or_default()
}

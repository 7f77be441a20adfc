//! The injury and illness model (issue 7), compiled as one binary: features that
//! never read the future, targets that never read the past, byte-identical
//! retraining, a backtest and model card on the real PMData demo, and the native
//! half of the model's browser parity check, and training within a budget.

mod browser_fixture;
mod budget;
mod determinism;
mod leakage;
#[path = "../common/model_parity.rs"]
mod model_parity;
#[allow(dead_code)]
#[path = "../common/parity.rs"]
mod parity;
mod pmdata_card;
#[path = "../common/pmdata.rs"]
mod pmdata_files;
mod synthetic;

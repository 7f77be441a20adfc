//! The injury and illness model (issue 7), compiled as one binary: features that
//! never read the future, targets that never read the past, byte-identical
//! retraining, and a backtest and model card on the real PMData demo.

mod determinism;
mod leakage;
mod pmdata_card;
mod synthetic;

//! The recommendation policy (issue 8), compiled as one binary: known cases
//! built by hand, the fallback when the model cannot score, property tests of
//! the guardrails and bounds, explanations checked against a model trained on
//! PMData, and confidence tabled against what happened.

mod confidence_table;
mod explanations;
mod fallback;
mod known_cases;
mod one_number;
#[path = "../common/pmdata.rs"]
mod pmdata_files;
mod properties;
mod support;

//! Forma's domain, in pure Rust with no I/O, so that the same code runs natively
//! (server, command line, training) and in the browser (what-if plans).
//!
//! - [`types`]: athletes, sessions, wellness, events, parsed at the boundary.
//! - [`bounds`]: the accepted range of every number, text and date, one definition each.
//! - [`canonical`]: the canonical CSV files in and out.
//! - [`import_preview`]: what a file holds, shown before an import stores it.
//! - [`pmdata`]: the PMData layout converted to canonical records.
//! - [`series`]: one athlete's continuous daily series.
//! - [`metrics`]: load metrics (ACWR, monotony, strain, CTL/ATL/TSB ...).
//! - [`stats`]: mean, standard deviation and quantiles, one definition each.
//! - [`readiness`]: HRV, resting heart rate and wellness against baselines.
//! - [`quality`]: the data-quality report.
//! - [`features`]: the model's features for a decision day, from what was known that morning.
//! - [`targets`]: adverse episodes and what the model predicts for each day.
//! - [`labels`]: the coach label vocabulary, the labels file, the label queue.
//! - [`model`]: the injury and illness risk model, its backtests, artifact and card.
//! - [`banister`]: the fitness-fatigue performance model and its fit.
//! - [`plan`]: what-if plans and their projection.
//! - [`pipeline`]: CSV text in, metrics CSV or quality reports out.
//! - [`wellness`]: writing a day's wellness without erasing, with each value's source.
//! - [`roster`]: teams and athletes as a coach keeps them, and their rules.
//! - [`api`]: request and response types of the JSON API.

pub mod api;
pub mod banister;
pub mod bounds;
pub mod canonical;
mod csv_text;
pub mod features;
pub mod import_preview;
pub mod labels;
pub mod metrics;
pub mod model;
pub mod overview;
pub mod pipeline;
pub mod plan;
pub mod pmdata;
pub mod policy;
pub mod quality;
pub mod readiness;
pub mod roster;
pub mod series;
pub mod stats;
pub mod targets;
pub mod types;
pub mod wellness;

pub use pipeline::{metrics_csv, quality_reports};

//! The athlete page's charts: what to show ([`window`]: date range, ratio form, PMC
//! variant, text summaries, read-outs) as plain types with ordinary tests, and how
//! to draw it on a canvas with plotters ([`draw`]).

pub(crate) mod backend;
pub mod calibration;
pub mod draw;
pub mod legend;
pub mod plan;
pub mod window;

//! The athlete page's charts: what to show ([`window`]: date range, ratio form, PMC
//! variant, text summaries, read-outs) as plain types with ordinary tests, and how
//! to draw it on a canvas with plotters ([`draw`]) once the canvas is shown
//! ([`shown`]).

pub(crate) mod backend;
pub mod calibration;
pub mod draw;
pub mod legend;
pub mod plan;
pub mod shown;
pub mod window;

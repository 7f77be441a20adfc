//! Forma's server: the JSON API under `/api`, the built browser app for every other
//! path, and the storage behind them. `main.rs` is the `forma` command line; this
//! library holds everything it runs so that tests can start the real application.

pub mod api;
pub mod app;
pub mod auth;
pub mod commands;
pub mod config;
pub mod connections;
pub mod db;
pub mod demo;
pub mod error;
pub mod headers;
pub mod health;
pub mod import;
pub mod proxy;
pub mod recommend;
pub mod series_cache;
pub mod state;
pub mod store;
pub mod team_cache;
pub mod training;

pub use app::{Application, ShutdownSignal};
pub use config::ServeConfig;

/// The days a record may fall on today ([`forma_core::bounds::DateWindow`]): from
/// 1900 to ten years after today's date in UTC (a time zone's day either way
/// makes no difference to a ten-year window).
pub fn record_dates() -> forma_core::bounds::DateWindow {
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    forma_core::bounds::DateWindow::new(today)
}

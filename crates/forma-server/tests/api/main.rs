//! API integration tests: each starts the real application on port 0 with a fresh
//! database and talks to it over HTTP.

mod health;
mod helpers;
mod static_files;

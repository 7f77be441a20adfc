//! API integration tests: each starts the real application on port 0 with a fresh
//! database and talks to it over HTTP.

mod accounts;
mod accounts_admin;
mod activities;
mod athletes;
mod bounds;
mod concurrency;
mod connections;
mod errors;
mod health;
mod helpers;
mod imports;
mod imports_pmdata;
mod imports_preview;
mod invites;
mod labels;
mod matrix;
mod models;
mod plans;
mod recommendations;
mod roster;
mod sign_in;
mod static_files;
mod training;
mod writes;

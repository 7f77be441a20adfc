//! Forma's browser app: the app shell and router ([`app`]), one module per page
//! ([`pages`]), reusable views ([`components`]) and the one client of the server's
//! JSON API ([`api`]). Domain logic lives in `forma-core`, not here.

pub mod api;
pub mod app;
pub mod auth;
pub mod charts;
pub mod components;
pub mod pages;

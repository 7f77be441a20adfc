//! Forma's browser app: the app shell and router ([`app`]), one module per page
//! ([`pages`]), reusable views ([`components`]) and the one client of the server's
//! JSON API ([`api`]), with the labels waiting in this browser for it ([`outbox`]).
//! Domain logic lives in `forma-core`, not here.

pub mod api;
pub mod app;
pub mod auth;
pub mod charts;
pub mod components;
pub mod drafts;
pub mod outbox;
pub mod pages;
pub mod team_choice;
pub mod typed;

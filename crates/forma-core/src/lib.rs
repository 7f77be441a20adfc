//! Forma's domain, in pure Rust with no I/O, so that the same code runs natively
//! (server, command line, training) and in the browser (what-if plans).

pub mod api;

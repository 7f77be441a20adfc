//! One module per route.

pub mod account;
pub mod accounts;
pub mod athlete;
pub mod home;
pub mod import;
pub mod invite;
pub mod labels;
pub mod model;
pub mod not_found;
pub mod plan;
pub mod records;
pub mod reset;
pub mod roster;
pub mod sign_in;
pub mod team;

//! Views used on more than one page.

pub mod chart_panel;
pub mod label_form;
pub mod page_header;
pub mod sign_in_required;
pub mod status;

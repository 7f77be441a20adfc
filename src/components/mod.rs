//! Views used on more than one page.

pub mod chart_panel;
pub mod check_in;
pub mod label_form;
pub mod loaded;
pub mod page_header;
pub mod recommendation;
pub mod saved_plan;
pub mod sign_in_required;
pub mod status;
pub mod today;

//! Views used on more than one page.

pub mod page_header;
pub mod status;

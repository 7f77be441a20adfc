//! Coach labels: what really happened on an athlete's day, in a small, closed and
//! versioned vocabulary, so that labels can be counted and learned from.
//!
//! - [`LabelCode`] and [`VOCABULARY_VERSION`]: the vocabulary, each code with a short
//!   definition the app shows and a number key (1 to 0) for the label queue (`vocabulary`).
//! - [`Label`] and [`NewLabel`]: a stored label and a write, checked at the boundary.
//!   A label covers one day, a range of days (a travel week) or one session, and
//!   carries a client-made id so that a retried write is harmless (`vocabulary`).
//! - [`write_labels`] and [`read_labels`]: the canonical labels file (DESIGN.md) in
//!   CSV or JSON Lines, with errors naming the line, column and value (`file`).
//! - [`athlete_queue`] and [`rank`]: the items that most need a label, first (`queue`).
//! - [`deload_in_window`], [`unreliable_days`]: how labels change what Forma says.

use std::collections::BTreeSet;

use jiff::civil::Date;

use crate::types::{date_from_epoch_day, epoch_day};

mod file;
mod queue;
mod vocabulary;

pub use file::*;
pub use queue::*;
pub use vocabulary::*;

// ---------------------------------------------------------------------------
// How labels change what Forma says.

/// Days before `as_of` (and `as_of` itself) an intentional deload must touch to
/// explain a low acute load: the acute window of the 7:28 ratio.
pub const DELOAD_WINDOW_DAYS: i32 = 7;

/// Whether an intentional deload label covers a day of the 7 days up to `as_of`:
/// then a low load ratio is the plan, not detraining.
///
/// ```
/// use forma_core::labels::{deload_in_window, NewLabel};
/// use jiff::civil::date;
/// let deload = NewLabel {
///     id: "label-0002".into(), date: "2020-03-20".into(), end_date: Some("2020-03-26".into()),
///     session_id: None, code: "intentional_deload".into(), note: None,
/// }
/// .into_label("p03".parse().unwrap(), "coach@demo.forma", "Demo Coach", "2020-03-20T08:00:00Z")
/// .unwrap();
/// assert!(deload_in_window(&[deload.clone()], date(2020, 3, 31)));
/// assert!(!deload_in_window(&[deload], date(2020, 4, 3)));
/// ```
pub fn deload_in_window(labels: &[Label], as_of: Date) -> bool {
    let from = date_from_epoch_day(epoch_day(as_of) - (DELOAD_WINDOW_DAYS - 1));
    labels.iter().any(|label| {
        label.is_active()
            && label.code == LabelCode::IntentionalDeload
            && label.overlaps(from, as_of)
    })
}

/// For each of `dates`, whether a device-or-data-issue label marks it unreliable.
pub fn unreliable_days(labels: &[Label], dates: &[Date]) -> Vec<bool> {
    let marked = unreliable_dates(labels);
    dates.iter().map(|day| marked.contains(day)).collect()
}

/// Every day a device-or-data-issue label covers (of the labels given: pass one
/// athlete's).
pub fn unreliable_dates(labels: &[Label]) -> BTreeSet<Date> {
    labels
        .iter()
        .filter(|label| label.is_active() && label.code == LabelCode::DeviceOrDataIssue)
        .flat_map(Label::days)
        .collect()
}

#[cfg(test)]
mod tests;

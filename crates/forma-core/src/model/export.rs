//! The feature matrix as CSV, for checking Forma's model in pandas or
//! scikit-learn: one line per athlete and decision day with the features the
//! model reads, the target, and why a day is left out of training.
//!
//! Columns: `athlete_id,date,target,left_out,<features...>` where
//! - `target` is 1 when an episode starts in the 7 days after `date`, 0 when
//!   none does, and empty for a day left out;
//! - `left_out` is empty for a training day, else `warm_up` (the athlete's first
//!   28 days), `episode_open` (an episode is open, or may be: up to 7 days after
//!   its last report) or `censored` (the 7 days after reach past the athlete's
//!   follow-up), as in [`crate::targets`];
//! - the features follow [`crate::features::FeatureSchema`]'s names and order; a
//!   missing value is an empty cell (its `_missing` column says 1).
//!
//! The rows are exactly [`super::Dataset::build`]'s where `left_out` is empty.

use jiff::civil::Date;
use serde::Serialize;

use super::{AthleteDays, Dataset};
use crate::csv_text::{write_cell, write_csv, Number, Text};
use crate::features::FeatureSchema;
use crate::targets::LeftOut;
use crate::types::{date_from_epoch_day, epoch_day};

/// The `left_out` cell of a reason.
pub fn left_out_code(reason: LeftOut) -> &'static str {
    match reason {
        LeftOut::WarmUp => "warm_up",
        LeftOut::EpisodeOpen => "episode_open",
        LeftOut::Censored => "censored",
    }
}

/// The header line, without its line break.
pub fn header(schema: &FeatureSchema) -> String {
    let mut out = String::from("athlete_id,date,target,left_out");
    for name in &schema.names {
        out.push(',');
        write_cell(&mut out, name);
    }
    out
}

/// One row of the matrix: the athlete, the day, the target or why it is left
/// out, then every feature (an empty cell for a missing one).
#[derive(Serialize)]
struct Row<'a> {
    athlete_id: Text<'a>,
    date: Date,
    target: Option<u8>,
    left_out: Option<&'static str>,
    features: Vec<Number>,
}

impl<'a> Row<'a> {
    fn new(athlete_id: &'a str, day: i32, target: Result<bool, LeftOut>, features: &[f64]) -> Self {
        Row {
            athlete_id: Text(Some(athlete_id)),
            date: date_from_epoch_day(day),
            target: target.ok().map(u8::from),
            left_out: target.err().map(left_out_code),
            features: features
                .iter()
                .map(|x| Number((!x.is_nan()).then_some(*x)))
                .collect(),
        }
    }
}

/// The matrix of `days` for decision days in `from..=to` (either open), header
/// first, one line per athlete-day, by athlete then date.
///
/// ```
/// use forma_core::model::export::features_csv;
/// let csv = features_csv(&[], None, None);
/// assert!(csv.starts_with("athlete_id,date,target,left_out,acute_load,"));
/// assert_eq!(csv.lines().count(), 1);
/// ```
pub fn features_csv(days: &[AthleteDays], from: Option<Date>, to: Option<Date>) -> String {
    let schema = FeatureSchema::current();
    let (from, to) = (
        from.map_or(i32::MIN, epoch_day),
        to.map_or(i32::MAX, epoch_day),
    );
    let rows = days.iter().flat_map(|athlete| {
        let first = epoch_day(athlete.start);
        athlete
            .rows
            .iter()
            .zip(&athlete.targets)
            .enumerate()
            .map(move |(i, (row, target))| (first + i as i32, row, target))
            .filter(move |(day, _, _)| (from..=to).contains(day))
            .map(move |(day, row, target)| {
                Row::new(athlete.athlete.athlete_id.as_str(), day, *target, row)
            })
    });
    write_csv(&header(schema), rows)
}

/// The training rows of a [`Dataset`] in the same layout (all `left_out` empty).
pub fn dataset_csv(data: &Dataset) -> String {
    let rows = data.rows.iter().map(|r| {
        Row::new(
            data.athletes[r.athlete].athlete_id.as_str(),
            r.day,
            Ok(r.label),
            &r.features,
        )
    });
    write_csv(&header(&data.schema), rows)
}

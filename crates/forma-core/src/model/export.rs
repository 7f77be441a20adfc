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

use super::{AthleteDays, Dataset};
use crate::csv_text::{write_cell, write_number};
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
    let mut out = header(schema);
    out.push('\n');
    let (from, to) = (
        from.map_or(i32::MIN, epoch_day),
        to.map_or(i32::MAX, epoch_day),
    );
    for athlete in days {
        let first = epoch_day(athlete.start);
        for (i, (row, target)) in athlete.rows.iter().zip(&athlete.targets).enumerate() {
            let day = first + i as i32;
            if day < from || day > to {
                continue;
            }
            write_cell(&mut out, athlete.athlete.athlete_id.as_str());
            out.push(',');
            out.push_str(&date_from_epoch_day(day).to_string());
            match target {
                Ok(y) => {
                    out.push_str(if *y { ",1," } else { ",0," });
                }
                Err(reason) => {
                    out.push_str(",,");
                    out.push_str(left_out_code(*reason));
                }
            }
            for x in row {
                out.push(',');
                if !x.is_nan() {
                    write_number(&mut out, *x);
                }
            }
            out.push('\n');
        }
    }
    out
}

/// The training rows of a [`Dataset`] in the same layout (all `left_out` empty).
pub fn dataset_csv(data: &Dataset) -> String {
    let mut out = header(&data.schema);
    out.push('\n');
    for r in &data.rows {
        write_cell(&mut out, data.athletes[r.athlete].athlete_id.as_str());
        out.push(',');
        out.push_str(&date_from_epoch_day(r.day).to_string());
        out.push_str(if r.label { ",1," } else { ",0," });
        for x in &r.features {
            out.push(',');
            if !x.is_nan() {
                write_number(&mut out, *x);
            }
        }
        out.push('\n');
    }
    out
}

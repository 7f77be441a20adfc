//! The one error type of this crate: every way an uploaded file can fail to
//! become an activity, worded for the coach who uploaded it.

use crate::ActivityFormat;

/// Why a file could not be read as an activity. Every message names the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ActivityError {
    /// The file has no bytes at all.
    #[error("{file} is empty (0 bytes); export the activity again from the watch or app and upload the new file")]
    EmptyFile {
        /// The uploaded file name.
        file: String,
    },

    /// The file is not one of the formats Forma reads.
    #[error("{file} is not an activity file Forma can read: {reason}. Forma accepts FIT (.fit), TCX (.tcx) and GPX (.gpx) files")]
    UnknownFormat {
        /// The uploaded file name.
        file: String,
        /// What was found instead.
        reason: String,
    },

    /// The name says one format, the content is another.
    #[error("{file} is named like a {named} file but contains a {found} file; rename it to end in .{} and upload it again", found.extension())]
    WrongExtension {
        /// The uploaded file name.
        file: String,
        /// The format the extension claims.
        named: ActivityFormat,
        /// The format the content shows.
        found: ActivityFormat,
    },

    /// The file is damaged, cut short or not well-formed.
    #[error(
        "{file} could not be read as a {format} file; it may be damaged or cut short ({detail})"
    )]
    Corrupt {
        /// The uploaded file name.
        file: String,
        /// The format it was read as.
        format: ActivityFormat,
        /// The parser's own words, with the byte position where known.
        detail: String,
    },

    /// A valid file of another kind: a workout plan, device settings, a route.
    #[error("{file} {contents}, not a recorded activity")]
    NotAnActivity {
        /// The uploaded file name.
        file: String,
        /// What the file holds, as the rest of a sentence ("contains a workout plan").
        contents: String,
    },

    /// No time of day anywhere in the track.
    #[error("{file} has no timestamps, so Forma cannot place it on a day ({detail})")]
    NoTimestamps {
        /// The uploaded file name.
        file: String,
        /// Which part lacks times.
        detail: String,
    },

    /// Timestamps exist but no time passes between them.
    #[error("{file} records no time passing ({detail}), so Forma cannot tell how long the activity lasted")]
    NoDuration {
        /// The uploaded file name.
        file: String,
        /// What the times look like.
        detail: String,
    },

    /// No track points or laps to summarise.
    #[error("{file} has no recorded track: {detail}")]
    EmptyTrack {
        /// The uploaded file name.
        file: String,
        /// What is missing.
        detail: String,
    },

    /// A value no recorded activity can have (a day-long timer run for a week,
    /// 9,000 km, a heart rate of 400): Forma's ranges are those of its other
    /// ways in (`forma_core::bounds`).
    #[error("{file} records {field} {value}, which Forma does not accept: expected {accepted}")]
    OutOfRange {
        /// The uploaded file name.
        file: String,
        /// Which value, such as `duration_min`.
        field: String,
        /// The value as read.
        value: String,
        /// What is accepted, with the unit.
        accepted: String,
    },
}

impl ActivityError {
    /// The name of the file the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::EmptyFile { file }
            | Self::UnknownFormat { file, .. }
            | Self::WrongExtension { file, .. }
            | Self::Corrupt { file, .. }
            | Self::NotAnActivity { file, .. }
            | Self::NoTimestamps { file, .. }
            | Self::NoDuration { file, .. }
            | Self::EmptyTrack { file, .. }
            | Self::OutOfRange { file, .. } => file,
        }
    }
}

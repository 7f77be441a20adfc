//! Reads one recorded activity file into an [`ActivitySummary`] that Forma can
//! load: when it started, which sport, how long, how far and the heart rate.
//!
//! Three formats are read, chosen by [`ActivityFormat::detect`] from the file
//! name and confirmed from the content:
//!
//! - **FIT** (Garmin, Wahoo, Coros, ...) through the `fitparser` crate;
//! - **TCX** (Garmin Training Center XML) and **GPX** (GPS Exchange) through
//!   `quick-xml`, streamed so a 3 MB export never becomes a DOM.
//!
//! Files that are valid but are not recorded activities (a workout plan, device
//! settings, a planned route, weight-scale readings) are refused with an
//! [`ActivityError`] that says so in a sentence a coach understands.
//!
//! [`trimp`] turns the heart-rate samples of a summary into Banister's training
//! impulse.
//!
//! ```
//! use forma_activity::{parse, ActivityError, Sport};
//!
//! let gpx = br#"<gpx version="1.1" creator="Example"><trk><type>running</type><trkseg>
//!   <trkpt lat="46.0" lon="14.0"><time>2024-05-01T06:00:00Z</time></trkpt>
//!   <trkpt lat="46.01" lon="14.0"><time>2024-05-01T06:05:00Z</time></trkpt>
//! </trkseg></trk></gpx>"#;
//! let summary = parse("morning.gpx", gpx)?;
//! assert_eq!(summary.sport, Sport::Run);
//! assert_eq!(summary.duration_s, 300.0);
//! assert!((summary.distance_km.unwrap_or(0.0) - 1.112).abs() < 0.001);
//!
//! let err = parse("notes.txt", b"hello").unwrap_err();
//! assert!(matches!(err, ActivityError::UnknownFormat { .. }));
//! # Ok::<(), ActivityError>(())
//! ```

mod error;
mod fit;
mod format;
mod geo;
mod gpx;
mod summary;
mod tcx;
mod time;
mod trimp;
mod xml;

pub use error::ActivityError;
pub use format::ActivityFormat;
pub use geo::{haversine_km, EARTH_MEAN_RADIUS_KM};
pub use summary::{ActivitySummary, DurationKind, Sport};
pub use trimp::{trimp, Sex, MAX_SAMPLE_GAP_S};

/// Reads one activity file into a summary.
///
/// `file_name` is the name the coach uploaded (only its extension and its use
/// in error messages matter); `bytes` is the whole file.
///
/// # Errors
///
/// Returns an [`ActivityError`] naming the file when it is empty, not a FIT,
/// TCX or GPX file, damaged, not a recorded activity (a workout plan, a route,
/// settings), has no timestamps, records no passing time, has no track, or
/// records a duration, distance or heart rate outside Forma's ranges
/// (`forma_core::bounds`: at most 1440 minutes, 1500 km, 20 to 250 bpm).
///
/// ```
/// use forma_activity::{parse, ActivityError};
///
/// let err = parse("ride.fit", b"").unwrap_err();
/// assert!(matches!(err, ActivityError::EmptyFile { .. }));
/// assert!(err.to_string().contains("ride.fit"));
/// ```
pub fn parse(file_name: &str, bytes: &[u8]) -> Result<ActivitySummary, ActivityError> {
    let summary = match ActivityFormat::detect(file_name, bytes)? {
        ActivityFormat::Fit => fit::parse(file_name, bytes),
        ActivityFormat::Tcx => tcx::parse(file_name, bytes),
        ActivityFormat::Gpx => gpx::parse(file_name, bytes),
    }?;
    summary.within_bounds(file_name)
}

//! Times of day as written in TCX and GPX files.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// Reads an XML Schema `dateTime` such as `2019-09-20T14:10:03.000Z` or
/// `2015-12-11T15:43:13.994+01:00`. A time without an offset is taken as UTC,
/// as the GPX 1.1 schema requires ("Date and time are in Coordinated Universal
/// Time (UTC)"); some exporters leave the `Z` off.
pub(crate) fn parse_xml_time(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Ok(instant);
    }
    text.parse::<DateTime>()
        .ok()
        .and_then(|civil| TimeZone::UTC.to_timestamp(civil).ok())
        .ok_or_else(|| {
            format!("the time \"{text}\" is not a date and time like 2024-05-01T06:00:00Z")
        })
}

/// Seconds from `start` to `later`, negative when `later` is earlier.
pub(crate) fn seconds_between(start: Timestamp, later: Timestamp) -> f64 {
    later.duration_since(start).as_secs_f64()
}

/// The GPS epoch, 1980-01-06T00:00:00Z. No satellite receiver can record an
/// earlier time; earlier times in a file are placeholders (Mojstrovka.gpx in
/// gpxpy's tests carries 1901-12-13T20:45:52Z, the smallest 32-bit Unix time).
pub(crate) const GPS_EPOCH_S: i64 = 315_964_800;

/// Is this a time a device could have recorded?
pub(crate) fn is_plausible(instant: Timestamp) -> bool {
    instant.as_second() >= GPS_EPOCH_S
}

//! GPX (GPS Exchange Format 1.0 and 1.1) track files.
//!
//! Distance is the sum of haversine distances between consecutive track
//! points of each segment (gaps between segments are not bridged); duration is
//! the elapsed time from the first to the last timed point. GPX has no timer,
//! so pauses are included ([`DurationKind::Elapsed`]).
//!
//! A segment counts when at least three quarters of its points carry a time
//! (gpxpy's `has_times` rule); segments without times, often lines drawn on a
//! map, are left out of both distance and duration.

use jiff::Timestamp;

use crate::error::ActivityError;
use crate::summary::{is_heart_rate, sample_stats, ActivitySummary, DurationKind, Sport};
use crate::time::{is_plausible, parse_xml_time, seconds_between};
use crate::xml::{ends_with, walk, Element, Visitor};
use crate::{haversine_km, ActivityFormat};

#[derive(Debug, Clone, Copy)]
struct TrackPoint {
    lat: f64,
    lon: f64,
    time: Option<Timestamp>,
    heart_rate: Option<f64>,
}

#[derive(Debug, Default)]
struct GpxReader {
    creator: Option<String>,
    track_type: Option<String>,
    segments: Vec<Vec<TrackPoint>>,
    point: Option<TrackPoint>,
    route_points: usize,
    waypoints: usize,
    /// An implausible time seen on a track point, for the error message.
    placeholder_time: Option<Timestamp>,
}

fn coordinate(element: &Element<'_>, name: &str, limit: f64) -> Result<f64, String> {
    let text = element
        .attribute(name)?
        .ok_or_else(|| format!("a track point has no {name} attribute"))?;
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.abs() <= limit)
        .ok_or_else(|| {
            format!("a track point has {name}=\"{text}\", not a number of degrees between -{limit} and {limit}")
        })
}

impl Visitor for GpxReader {
    fn open(&mut self, path: &[String], element: &Element<'_>) -> Result<(), String> {
        if path.len() == 1 {
            self.creator = element
                .attribute("creator")?
                .filter(|c| !c.trim().is_empty());
        } else if ends_with(path, &["trk", "trkseg"]) {
            self.segments.push(Vec::new());
        } else if ends_with(path, &["trkseg", "trkpt"]) {
            self.point = Some(TrackPoint {
                lat: coordinate(element, "lat", 90.0)?,
                lon: coordinate(element, "lon", 180.0)?,
                time: None,
                heart_rate: None,
            });
        } else if ends_with(path, &["rte", "rtept"]) {
            self.route_points += 1;
        } else if path.len() == 2 && path[1] == "wpt" {
            self.waypoints += 1;
        }
        Ok(())
    }

    fn close(&mut self, path: &[String], text: &str) -> Result<(), String> {
        if ends_with(path, &["trkseg", "trkpt"]) {
            if let (Some(point), Some(segment)) = (self.point.take(), self.segments.last_mut()) {
                segment.push(point);
            }
        } else if let Some(point) = self.point.as_mut() {
            if ends_with(path, &["trkpt", "time"]) {
                let time = parse_xml_time(text).map_err(|e| format!("a track point has {e}"))?;
                if is_plausible(time) {
                    point.time = Some(time);
                } else {
                    self.placeholder_time.get_or_insert(time);
                }
            } else if path.last().is_some_and(|name| name == "hr") {
                // Garmin's TrackPointExtension <hr>, under any namespace prefix.
                let bpm = text.parse::<f64>().map_err(|_| {
                    format!(
                        "a track point has heart rate \"{text}\", not a number of beats per minute"
                    )
                })?;
                point.heart_rate = Some(bpm).filter(|bpm| is_heart_rate(*bpm));
            }
        } else if ends_with(path, &["trk", "type"]) && self.track_type.is_none() {
            self.track_type = Some(text.to_owned());
        }
        Ok(())
    }
}

/// Reads a GPX file whose format has been confirmed.
pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<ActivitySummary, ActivityError> {
    let mut reader = GpxReader::default();
    walk(file, ActivityFormat::Gpx, bytes, &mut reader)?;
    summarise(file, reader)
}

fn summarise(file: &str, reader: GpxReader) -> Result<ActivitySummary, ActivityError> {
    let file_owned = || file.to_owned();
    let all_points: usize = reader.segments.iter().map(Vec::len).sum();
    if all_points == 0 {
        return Err(if reader.route_points > 0 {
            ActivityError::NotAnActivity {
                file: file_owned(),
                contents: format!(
                    "contains a planned route ({} route points)",
                    reader.route_points
                ),
            }
        } else if reader.waypoints > 0 {
            ActivityError::NotAnActivity {
                file: file_owned(),
                contents: format!(
                    "contains only saved places ({} waypoints)",
                    reader.waypoints
                ),
            }
        } else {
            ActivityError::EmptyTrack {
                file: file_owned(),
                detail: "it contains no track points".to_owned(),
            }
        });
    }
    if all_points < 2 {
        return Err(ActivityError::EmptyTrack {
            file: file_owned(),
            detail: "it has a single track point, and an activity needs at least two".to_owned(),
        });
    }

    let timed = |segment: &&Vec<TrackPoint>| {
        let with_time = segment.iter().filter(|p| p.time.is_some()).count();
        with_time > 0 && with_time * 4 >= segment.len() * 3
    };
    let segments: Vec<&Vec<TrackPoint>> = reader.segments.iter().filter(timed).collect();
    let times: Vec<Timestamp> = segments
        .iter()
        .flat_map(|s| s.iter().filter_map(|p| p.time))
        .collect();
    let (Some(&start), Some(&end)) = (times.iter().min(), times.iter().max()) else {
        let with_time = reader
            .segments
            .iter()
            .flatten()
            .filter(|p| p.time.is_some())
            .count();
        let detail = match reader.placeholder_time {
            Some(placeholder) => format!(
                "its track points carry the placeholder time {placeholder}, earlier than any GPS device can record"
            ),
            None if with_time == 0 => format!("none of its {all_points} track points has a time"),
            None => format!(
                "only {with_time} of its {all_points} track points have a time, too few to trust"
            ),
        };
        return Err(ActivityError::NoTimestamps {
            file: file_owned(),
            detail,
        });
    };
    let elapsed_s = seconds_between(start, end);
    if elapsed_s <= 0.0 {
        return Err(ActivityError::NoDuration {
            file: file_owned(),
            detail: format!(
                "all {} timed track points carry the same time, {start}",
                times.len()
            ),
        });
    }

    let distance_km: f64 = segments
        .iter()
        .flat_map(|segment| segment.windows(2))
        .map(|pair| haversine_km(pair[0].lat, pair[0].lon, pair[1].lat, pair[1].lon))
        .sum();
    let heart_rate: Vec<(f64, f64)> = segments
        .iter()
        .flat_map(|segment| segment.iter())
        .filter_map(|p| Some((seconds_between(start, p.time?), p.heart_rate?)))
        .collect();
    let (avg_hr, max_hr) = sample_stats(&heart_rate);

    Ok(ActivitySummary {
        start,
        sport: reader
            .track_type
            .as_deref()
            .map_or(Sport::Other, Sport::from_label),
        duration_s: elapsed_s,
        duration_kind: DurationKind::Elapsed,
        elapsed_s,
        distance_km: Some(distance_km).filter(|km| *km > 0.0),
        avg_hr,
        max_hr,
        heart_rate,
        source: ActivityFormat::Gpx,
        device: reader.creator.map(|c| c.trim().to_owned()),
    })
}

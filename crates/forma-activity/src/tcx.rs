//! TCX (Garmin Training Center Database v2) activity files.
//!
//! Duration is the sum of the laps' `TotalTimeSeconds`, the device's timer
//! ([`DurationKind::Timer`]); distance the sum of the laps' `DistanceMeters`.
//! Heart-rate samples come from the track points; the average is the laps'
//! `AverageHeartRateBpm` weighted by lap time when the laps carry it.

use jiff::Timestamp;

use crate::error::ActivityError;
use crate::summary::{
    is_heart_rate, km_from_m, sample_stats, ActivitySummary, DurationKind, Sport,
};
use crate::time::{is_plausible, parse_xml_time, seconds_between};
use crate::xml::{ends_with, walk, Element, Visitor};
use crate::ActivityFormat;

#[derive(Debug, Default)]
struct Lap {
    start: Option<Timestamp>,
    timer_s: Option<f64>,
    distance_m: Option<f64>,
    avg_hr: Option<f64>,
    max_hr: Option<f64>,
}

#[derive(Debug, Default)]
struct Trackpoint {
    time: Option<Timestamp>,
    heart_rate: Option<f64>,
    distance_m: Option<f64>,
}

#[derive(Debug, Default)]
struct TcxReader {
    activities: usize,
    courses: usize,
    workouts: usize,
    sport: Option<String>,
    id: Option<Timestamp>,
    creator: Option<String>,
    laps: Vec<Lap>,
    trackpoint: Option<Trackpoint>,
    trackpoints: Vec<Trackpoint>,
}

fn number(text: &str, what: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .ok_or_else(|| format!("{what} is \"{text}\", not a number"))
}

fn time(text: &str, what: &str) -> Result<Option<Timestamp>, String> {
    let instant = parse_xml_time(text).map_err(|e| format!("{what} has {e}"))?;
    Ok(Some(instant).filter(|t| is_plausible(*t)))
}

fn in_activity(path: &[String]) -> bool {
    path.iter().any(|name| name == "Activities")
}

impl Visitor for TcxReader {
    fn open(&mut self, path: &[String], element: &Element<'_>) -> Result<(), String> {
        let Some(name) = path.last().map(String::as_str) else {
            return Ok(());
        };
        match name {
            "Activity" if in_activity(path) => {
                self.activities += 1;
                if self.sport.is_none() {
                    self.sport = element.attribute("Sport")?;
                }
            }
            "Lap" if in_activity(path) => {
                let start = match element.attribute("StartTime")? {
                    Some(text) => time(&text, "a lap's StartTime")?,
                    None => None,
                };
                self.laps.push(Lap {
                    start,
                    ..Lap::default()
                });
            }
            "Trackpoint" if in_activity(path) => self.trackpoint = Some(Trackpoint::default()),
            "Course" if ends_with(path, &["Courses", "Course"]) => self.courses += 1,
            "Workout" if ends_with(path, &["Workouts", "Workout"]) => self.workouts += 1,
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, path: &[String], text: &str) -> Result<(), String> {
        if !in_activity(path) {
            return Ok(());
        }
        if ends_with(path, &["Trackpoint"]) {
            if let Some(point) = self.trackpoint.take() {
                self.trackpoints.push(point);
            }
        } else if let Some(point) = self.trackpoint.as_mut() {
            if ends_with(path, &["Trackpoint", "Time"]) {
                point.time = time(text, "a track point")?;
            } else if ends_with(path, &["Trackpoint", "HeartRateBpm", "Value"]) {
                let bpm = number(text, "a track point's heart rate")?;
                point.heart_rate = Some(bpm).filter(|bpm| is_heart_rate(*bpm));
            } else if ends_with(path, &["Trackpoint", "DistanceMeters"]) {
                point.distance_m = Some(number(text, "a track point's DistanceMeters")?);
            }
        } else if let Some(lap) = self
            .laps
            .last_mut()
            .filter(|_| path.iter().any(|n| n == "Lap"))
        {
            if ends_with(path, &["Lap", "TotalTimeSeconds"]) {
                lap.timer_s = Some(number(text, "a lap's TotalTimeSeconds")?);
            } else if ends_with(path, &["Lap", "DistanceMeters"]) {
                lap.distance_m = Some(number(text, "a lap's DistanceMeters")?);
            } else if ends_with(path, &["Lap", "AverageHeartRateBpm", "Value"]) {
                lap.avg_hr = Some(number(text, "a lap's AverageHeartRateBpm")?)
                    .filter(|b| is_heart_rate(*b));
            } else if ends_with(path, &["Lap", "MaximumHeartRateBpm", "Value"]) {
                lap.max_hr = Some(number(text, "a lap's MaximumHeartRateBpm")?)
                    .filter(|b| is_heart_rate(*b));
            }
        }
        if ends_with(path, &["Activity", "Id"]) && self.id.is_none() {
            // Id is a time in Garmin's schema; tolerate other text.
            self.id = parse_xml_time(text).ok().filter(|t| is_plausible(*t));
        } else if ends_with(path, &["Activity", "Creator", "Name"]) && self.creator.is_none() {
            self.creator = Some(text.to_owned()).filter(|name| !name.is_empty());
        }
        Ok(())
    }
}

/// Reads a TCX file whose format has been confirmed.
pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<ActivitySummary, ActivityError> {
    let mut reader = TcxReader::default();
    walk(file, ActivityFormat::Tcx, bytes, &mut reader)?;
    summarise(file, reader)
}

fn summarise(file: &str, reader: TcxReader) -> Result<ActivitySummary, ActivityError> {
    let file_owned = || file.to_owned();
    if reader.activities == 0 {
        let contents = if reader.workouts > 0 {
            "contains a workout plan"
        } else if reader.courses > 0 {
            "contains a course (a planned route)"
        } else {
            return Err(ActivityError::EmptyTrack {
                file: file_owned(),
                detail: "it contains no <Activity>".to_owned(),
            });
        };
        return Err(ActivityError::NotAnActivity {
            file: file_owned(),
            contents: contents.to_owned(),
        });
    }
    if reader.laps.is_empty() {
        return Err(ActivityError::EmptyTrack {
            file: file_owned(),
            detail: "its activity has no laps".to_owned(),
        });
    }

    let first_point_time = reader.trackpoints.iter().find_map(|p| p.time);
    let start = reader
        .laps
        .iter()
        .filter_map(|lap| lap.start)
        .min()
        .or(reader.id)
        .or(first_point_time)
        .ok_or_else(|| ActivityError::NoTimestamps {
            file: file_owned(),
            detail: "neither its laps nor its track points carry a time".to_owned(),
        })?;

    let lap_ends = reader
        .laps
        .iter()
        .filter_map(|lap| Some(seconds_between(start, lap.start?) + lap.timer_s?));
    let point_ends = reader
        .trackpoints
        .iter()
        .filter_map(|p| Some(seconds_between(start, p.time?)));
    let elapsed_s = lap_ends.chain(point_ends).fold(0.0, f64::max);

    let timers: Vec<f64> = reader.laps.iter().filter_map(|lap| lap.timer_s).collect();
    let (duration_s, duration_kind) = if timers.is_empty() {
        (elapsed_s, DurationKind::Elapsed)
    } else {
        (timers.iter().sum(), DurationKind::Timer)
    };
    if duration_s <= 0.0 {
        return Err(ActivityError::NoDuration {
            file: file_owned(),
            detail: format!("its {} laps add up to 0 seconds", reader.laps.len()),
        });
    }

    let lap_distances: Vec<f64> = reader
        .laps
        .iter()
        .filter_map(|lap| lap.distance_m)
        .collect();
    let distance_m = if lap_distances.is_empty() {
        reader
            .trackpoints
            .iter()
            .filter_map(|p| p.distance_m)
            .reduce(f64::max)
    } else {
        Some(lap_distances.iter().sum())
    };

    let heart_rate: Vec<(f64, f64)> = reader
        .trackpoints
        .iter()
        .filter_map(|p| Some((seconds_between(start, p.time?), p.heart_rate?)))
        .collect();
    let (sample_avg, sample_max) = sample_stats(&heart_rate);
    let weighted: Vec<(f64, f64)> = reader
        .laps
        .iter()
        .filter_map(|lap| Some((lap.avg_hr?, lap.timer_s.filter(|t| *t > 0.0)?)))
        .collect();
    let lap_seconds: f64 = weighted.iter().map(|(_, t)| t).sum();
    let avg_hr = if lap_seconds > 0.0 {
        Some(weighted.iter().map(|(bpm, t)| bpm * t).sum::<f64>() / lap_seconds)
    } else {
        sample_avg
    };
    let max_hr = reader
        .laps
        .iter()
        .filter_map(|lap| lap.max_hr)
        .reduce(f64::max)
        .or(sample_max);

    Ok(ActivitySummary {
        start,
        sport: reader
            .sport
            .as_deref()
            .map_or(Sport::Other, Sport::from_label),
        duration_s,
        duration_kind,
        // Some exporters write lap times longer than the track points span.
        elapsed_s: elapsed_s.max(duration_s),
        distance_km: km_from_m(distance_m),
        avg_hr,
        max_hr,
        heart_rate,
        source: ActivityFormat::Tcx,
        device: reader.creator,
    })
}

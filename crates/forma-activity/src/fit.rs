//! FIT (Flexible and Interoperable Data Transfer) activity files, read with
//! the `fitparser` crate.
//!
//! The `session` messages give the totals: `start_time`, `total_timer_time`
//! (the device's timer, pauses left out: [`DurationKind::Timer`]),
//! `total_elapsed_time`, `total_distance`, `avg_heart_rate`, `max_heart_rate`
//! and `sport`. A multisport file (a triathlon) has one session per leg; the
//! totals are added up and the average heart rate is weighted by leg time.
//! Without a session message the `record` messages are used: first to last
//! timestamp, the largest distance, the mean and maximum heart rate.

use fitparser::profile::MesgNum;
use fitparser::{FitDataRecord, Value};
use jiff::Timestamp;

use crate::error::ActivityError;
use crate::summary::{
    is_heart_rate, km_from_m, sample_stats, ActivitySummary, DurationKind, Sport,
};
use crate::time::seconds_between;
use crate::ActivityFormat;

/// The totals of one `session` message.
#[derive(Debug, Default)]
struct Session {
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    timer_s: Option<f64>,
    elapsed_s: Option<f64>,
    distance_m: Option<f64>,
    avg_hr: Option<f64>,
    max_hr: Option<f64>,
    sport: Option<String>,
    sub_sport: Option<String>,
}

/// One `record` message: a sample along the way.
#[derive(Debug, Default)]
struct Sample {
    time: Option<Timestamp>,
    heart_rate: Option<f64>,
    distance_m: Option<f64>,
}

fn field<'a>(message: &'a FitDataRecord, name: &str) -> Option<&'a Value> {
    message
        .fields()
        .iter()
        .find(|f| f.name() == name)
        .map(|f| f.value())
        .filter(|v| !matches!(v, Value::Invalid))
}

fn number(message: &FitDataRecord, name: &str) -> Option<f64> {
    let value = field(message, name)?.clone();
    let number: f64 = value.try_into().ok()?;
    Some(number).filter(|n| n.is_finite())
}

fn text(message: &FitDataRecord, name: &str) -> Option<String> {
    match field(message, name)? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn timestamp(message: &FitDataRecord, name: &str) -> Option<Timestamp> {
    match field(message, name)? {
        Value::Timestamp(t) => {
            let nanos = i32::try_from(t.timestamp_subsec_nanos()).ok()?;
            Timestamp::new(t.timestamp(), nanos).ok()
        }
        _ => None,
    }
}

/// What a FIT file of a type other than `activity` holds, as the rest of a sentence.
fn contents_of(file_type: &str) -> String {
    match file_type {
        "workout" => "contains a workout plan".to_owned(),
        "settings" => "contains device settings (user and heart-rate monitor profiles)".to_owned(),
        "sport" => "contains sport settings for a device".to_owned(),
        "weight" => "contains weight-scale readings".to_owned(),
        "course" => "contains a course (a planned route)".to_owned(),
        "schedules" => "contains a training schedule".to_owned(),
        "totals" | "activity_summary" => "contains lifetime totals".to_owned(),
        "goals" => "contains training goals".to_owned(),
        "blood_pressure" => "contains blood-pressure readings".to_owned(),
        "segment" | "segment_list" => "contains route segments".to_owned(),
        "device" => "contains a device description".to_owned(),
        monitoring if monitoring.starts_with("monitoring") => {
            "contains all-day monitoring data (steps and daily heart rate)".to_owned()
        }
        other => format!("contains FIT data of type '{other}'"),
    }
}

/// Reads a FIT file whose format has been confirmed.
pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<ActivitySummary, ActivityError> {
    let file_owned = || file.to_owned();
    let messages = fitparser::from_bytes(bytes).map_err(|e| ActivityError::Corrupt {
        file: file_owned(),
        format: ActivityFormat::Fit,
        detail: e.to_string(),
    })?;

    let mut file_type = None;
    let mut device = None;
    let mut sport_message = None;
    let mut sessions = Vec::new();
    let mut samples = Vec::new();
    for message in &messages {
        match message.kind() {
            MesgNum::FileId if file_type.is_none() => {
                file_type = text(message, "type");
                device = text(message, "product_name").or_else(|| {
                    let maker = text(message, "manufacturer")?;
                    let product =
                        text(message, "garmin_product").or_else(|| text(message, "product"));
                    Some(match product {
                        Some(product) => format!("{maker} {product}"),
                        None => maker,
                    })
                });
            }
            MesgNum::Sport if sport_message.is_none() => sport_message = text(message, "sport"),
            MesgNum::Session => sessions.push(Session {
                start: timestamp(message, "start_time"),
                end: timestamp(message, "timestamp"),
                timer_s: number(message, "total_timer_time"),
                elapsed_s: number(message, "total_elapsed_time"),
                distance_m: number(message, "total_distance"),
                avg_hr: number(message, "avg_heart_rate").filter(|b| is_heart_rate(*b)),
                max_hr: number(message, "max_heart_rate").filter(|b| is_heart_rate(*b)),
                sport: text(message, "sport"),
                sub_sport: text(message, "sub_sport"),
            }),
            MesgNum::Record => samples.push(Sample {
                time: timestamp(message, "timestamp"),
                heart_rate: number(message, "heart_rate").filter(|b| is_heart_rate(*b)),
                distance_m: number(message, "distance"),
            }),
            _ => {}
        }
    }

    if let Some(kind) = file_type.as_deref().filter(|kind| *kind != "activity") {
        return Err(ActivityError::NotAnActivity {
            file: file_owned(),
            contents: contents_of(kind),
        });
    }
    if sessions.is_empty() && samples.is_empty() {
        return Err(ActivityError::EmptyTrack {
            file: file_owned(),
            detail: "it has neither a session summary nor any recorded samples".to_owned(),
        });
    }

    let session_start = sessions
        .iter()
        .filter_map(|s| {
            s.start.or_else(|| {
                let elapsed = jiff::SignedDuration::try_from_secs_f64(s.elapsed_s?).ok()?;
                s.end?.checked_sub(elapsed).ok()
            })
        })
        .min();
    let first_sample = samples.iter().filter_map(|s| s.time).min();
    let last_sample = samples.iter().filter_map(|s| s.time).max();
    let start = session_start
        .or(first_sample)
        .ok_or_else(|| ActivityError::NoTimestamps {
            file: file_owned(),
            detail: format!("none of its {} records carries a timestamp", samples.len()),
        })?;

    let heart_rate: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|s| Some((seconds_between(start, s.time?), s.heart_rate?)))
        .collect();
    let (sample_avg, sample_max) = sample_stats(&heart_rate);
    let record_span_s = last_sample.map_or(0.0, |last| seconds_between(start, last));

    let summary = if sessions.is_empty() {
        if record_span_s <= 0.0 {
            return Err(ActivityError::NoDuration {
                file: file_owned(),
                detail: format!("its {} records all carry the time {start}", samples.len()),
            });
        }
        ActivitySummary {
            start,
            sport: sport_message
                .as_deref()
                .map_or(Sport::Other, Sport::from_label),
            duration_s: record_span_s,
            duration_kind: DurationKind::Elapsed,
            elapsed_s: record_span_s,
            distance_km: km_from_m(samples.iter().filter_map(|s| s.distance_m).reduce(f64::max)),
            avg_hr: sample_avg,
            max_hr: sample_max,
            heart_rate,
            source: ActivityFormat::Fit,
            device,
        }
    } else {
        let sum = |pick: fn(&Session) -> Option<f64>| -> Option<f64> {
            sessions.iter().filter_map(pick).reduce(|a, b| a + b)
        };
        let elapsed_s = sum(|s| s.elapsed_s).unwrap_or(record_span_s);
        let (duration_s, duration_kind) = match sum(|s| s.timer_s) {
            Some(timer) => (timer, DurationKind::Timer),
            None => (elapsed_s, DurationKind::Elapsed),
        };
        if duration_s <= 0.0 {
            return Err(ActivityError::NoDuration {
                file: file_owned(),
                detail: "its session summary gives a duration of 0 seconds".to_owned(),
            });
        }
        let weighted: Vec<(f64, f64)> = sessions
            .iter()
            .filter_map(|s| Some((s.avg_hr?, s.timer_s.or(s.elapsed_s).filter(|t| *t > 0.0)?)))
            .collect();
        let weight: f64 = weighted.iter().map(|(_, t)| t).sum();
        let avg_hr = if weight > 0.0 {
            Some(weighted.iter().map(|(bpm, t)| bpm * t).sum::<f64>() / weight)
        } else {
            sample_avg
        };
        ActivitySummary {
            start,
            sport: session_sport(&sessions),
            duration_s,
            duration_kind,
            elapsed_s,
            distance_km: km_from_m(sum(|s| s.distance_m)),
            avg_hr,
            max_hr: sessions
                .iter()
                .filter_map(|s| s.max_hr)
                .reduce(f64::max)
                .or(sample_max),
            heart_rate,
            source: ActivityFormat::Fit,
            device,
        }
    };
    Ok(summary)
}

/// The one sport of the sessions, ignoring transitions; [`Sport::Other`] when
/// the legs differ (a triathlon).
fn session_sport(sessions: &[Session]) -> Sport {
    let mut sports = sessions
        .iter()
        .filter(|s| s.sport.as_deref() != Some("transition"))
        .map(|s| match (s.sport.as_deref(), s.sub_sport.as_deref()) {
            (_, Some("strength_training")) => Sport::Strength,
            (Some(sport), _) => Sport::from_label(sport),
            (None, _) => Sport::Other,
        });
    let Some(first) = sports.next() else {
        return Sport::Other;
    };
    if sports.all(|sport| sport == first) {
        first
    } else {
        Sport::Other
    }
}

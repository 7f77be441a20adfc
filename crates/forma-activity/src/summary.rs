//! What Forma keeps of one activity, whatever format it came in.

use std::fmt;

use jiff::Timestamp;

use crate::ActivityFormat;

/// The sports Forma tells apart. Everything else is [`Sport::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sport {
    /// Running, on road, trail or treadmill.
    Run,
    /// Cycling, indoor or outdoor.
    Bike,
    /// Swimming, pool or open water.
    Swim,
    /// Walking.
    Walk,
    /// Hiking.
    Hike,
    /// Strength training.
    Strength,
    /// Any other sport, or several sports in one file (a triathlon).
    Other,
}

impl Sport {
    /// The lower-case name used in Forma's data: `run`, `bike`, `swim`,
    /// `walk`, `hike`, `strength`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Run => "run",
            Self::Bike => "bike",
            Self::Swim => "swim",
            Self::Walk => "walk",
            Self::Hike => "hike",
            Self::Strength => "strength",
            Self::Other => "other",
        }
    }

    /// Maps a sport as the formats write it (FIT `running`, TCX `Biking`,
    /// GPX `cycling`, Strava's GPX codes `1` ride and `9` run) to a [`Sport`].
    /// Unknown labels become [`Sport::Other`].
    pub fn from_label(label: &str) -> Self {
        let label = label.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        match label.as_str() {
            "run" | "running" | "trail_running" | "treadmill_running" | "street_running"
            | "track_running" | "virtual_run" | "9" => Self::Run,
            "bike" | "biking" | "cycling" | "ride" | "road_biking" | "mountain_biking"
            | "indoor_cycling" | "virtual_ride" | "e_biking" | "gravel_cycling" | "1" => Self::Bike,
            "swim" | "swimming" | "lap_swimming" | "open_water_swimming" | "open_water" => {
                Self::Swim
            }
            "walk" | "walking" | "speed_walking" => Self::Walk,
            "hike" | "hiking" => Self::Hike,
            "strength" | "strength_training" | "weight_training" | "weights" => Self::Strength,
            _ => Self::Other,
        }
    }
}

impl fmt::Display for Sport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which clock [`ActivitySummary::duration_s`] was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DurationKind {
    /// The device's timer: time with the activity running, pauses left out
    /// (FIT `total_timer_time`, TCX lap `TotalTimeSeconds`).
    Timer,
    /// Wall-clock time from the first to the last timestamp, pauses included
    /// (GPX, and FIT files without a session message).
    Elapsed,
}

/// One recorded activity, reduced to what Forma's load and readiness models use.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivitySummary {
    /// When the activity started, in UTC.
    pub start: Timestamp,
    /// The sport, normalised.
    pub sport: Sport,
    /// How long the activity lasted, in seconds: the timer (moving) time when
    /// the file records one, else the elapsed time; [`Self::duration_kind`] says which.
    pub duration_s: f64,
    /// Which clock `duration_s` comes from.
    pub duration_kind: DurationKind,
    /// Wall-clock seconds from the start to the end, pauses included.
    pub elapsed_s: f64,
    /// Distance in kilometres; `None` when the file records none (or zero, as
    /// indoor sessions do).
    pub distance_km: Option<f64>,
    /// Average heart rate in beats per minute, as the device computed it when
    /// the file has it, else the mean of the samples.
    pub avg_hr: Option<f64>,
    /// Highest heart rate in beats per minute.
    pub max_hr: Option<f64>,
    /// Heart-rate samples as (seconds from `start`, beats per minute), in file
    /// order; empty without a heart-rate strap. Input for [`crate::trimp`].
    pub heart_rate: Vec<(f64, f64)>,
    /// The format the file was read as.
    pub source: ActivityFormat,
    /// The recording device or app, as the file names it.
    pub device: Option<String>,
}

impl ActivitySummary {
    /// The summary when its duration, distance and heart rates are within the
    /// ranges every other way into Forma accepts ([`forma_core::bounds`]).
    pub(crate) fn within_bounds(self, file: &str) -> Result<Self, crate::ActivityError> {
        use forma_core::bounds::{self, Bound};
        let check = |bound: Bound, value: Option<f64>, shown: &dyn Fn(f64) -> String| match value {
            Some(x) if !bound.contains(x) => Err(crate::ActivityError::OutOfRange {
                file: file.to_owned(),
                field: bound.field.to_owned(),
                value: shown(x),
                accepted: bound.accepted.to_owned(),
            }),
            _ => Ok(()),
        };
        check(bounds::DURATION_MIN, Some(self.duration_s / 60.0), &|m| {
            format!("{m:.0} minutes")
        })?;
        check(bounds::DISTANCE_KM, self.distance_km, &|km| {
            format!("{km:.1} km")
        })?;
        check(bounds::AVG_HR, self.avg_hr, &|bpm| format!("{bpm:.0} bpm"))?;
        check(bounds::AVG_HR.named("max_hr"), self.max_hr, &|bpm| {
            format!("{bpm:.0} bpm")
        })?;
        Ok(self)
    }
}

/// A distance in metres as kilometres, treating zero or less as "no distance".
pub(crate) fn km_from_m(metres: Option<f64>) -> Option<f64> {
    metres.filter(|m| *m > 0.0).map(|m| m / 1000.0)
}

/// Mean and maximum of the sampled heart rates.
pub(crate) fn sample_stats(samples: &[(f64, f64)]) -> (Option<f64>, Option<f64>) {
    if samples.is_empty() {
        return (None, None);
    }
    let sum: f64 = samples.iter().map(|(_, bpm)| bpm).sum();
    let max = samples.iter().map(|(_, bpm)| *bpm).fold(f64::MIN, f64::max);
    (Some(sum / samples.len() as f64), Some(max))
}

/// A plausible heart rate: devices write 0 or 255 for "no reading".
pub(crate) fn is_heart_rate(bpm: f64) -> bool {
    bpm.is_finite() && bpm > 0.0 && bpm < 255.0
}

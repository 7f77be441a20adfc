//! Reads every real activity file under `shared/data/activity-files` (FIT,
//! TCX and GPX from fitparse-rs, sweatpy, python-tcxparser and gpxpy) and
//! checks each against an explicit expectation, then checks the numbers
//! against sources that do not go through this crate's summaries: each FIT
//! file's own records, the same ride exported in other formats, the values
//! python-tcxparser's and gpxpy's own tests document, and a haversine computed
//! here from the raw coordinates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use fitparser::profile::MesgNum;
use fitparser::Value;
use forma_activity::{
    parse, trimp, ActivityError, ActivityFormat, ActivitySummary, DurationKind, Sex, Sport,
};

/// `shared/` sits beside the project checkout, here and in CI.
const DATA_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/activity-files"
);

/// How a file is refused, without the message.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Refusal {
    NotAnActivity,
    NoTimestamps,
    EmptyTrack,
}

#[derive(Debug, Clone, Copy)]
enum Expected {
    /// Sport, duration in seconds, distance in kilometres.
    Activity(Sport, f64, Option<f64>),
    Refused(Refusal),
}

use Expected::{Activity, Refused};
use Refusal::{EmptyTrack, NoTimestamps, NotAnActivity};

const FITPARSE: &str = "fitparse-rs/fitparser/tests/fixtures/";
const GPXPY: &str = "gpxpy/test_files/";
const TCXPARSER: &str = "python-tcxparser/tests/files/";
const SWEATPY: &str = "sweatpy/sweat/examples/data/";

/// Every file in the data folder, with what reading it must give. Durations
/// and distances come from the files themselves: FIT session
/// `total_timer_time` and `total_distance` (summed over the legs of a
/// multisport file), TCX lap `TotalTimeSeconds` and `DistanceMeters`, GPX last
/// minus first point time and the haversine sum. The tests further down check
/// them against independent sources.
const EXPECTATIONS: &[(&str, &str, Expected)] = &[
    // fitparse-rs: FIT SDK examples and real devices.
    (
        FITPARSE,
        "Activity.fit",
        Activity(Sport::Run, 13.749, Some(0.00573)),
    ),
    // Three records with heart rate and distance but no timestamp at all.
    (FITPARSE, "DeveloperData.fit", Refused(NoTimestamps)),
    (FITPARSE, "MonitoringFile.fit", Refused(NotAnActivity)),
    (FITPARSE, "Settings.fit", Refused(NotAnActivity)),
    (FITPARSE, "WeightScaleMultiUser.fit", Refused(NotAnActivity)),
    (
        FITPARSE,
        "WeightScaleSingleUser.fit",
        Refused(NotAnActivity),
    ),
    (
        FITPARSE,
        "WorkoutCustomTargetValues.fit",
        Refused(NotAnActivity),
    ),
    (
        FITPARSE,
        "WorkoutIndividualSteps.fit",
        Refused(NotAnActivity),
    ),
    (
        FITPARSE,
        "WorkoutRepeatGreaterThanStep.fit",
        Refused(NotAnActivity),
    ),
    (FITPARSE, "WorkoutRepeatSteps.fit", Refused(NotAnActivity)),
    (
        FITPARSE,
        "garmin-fenix-5-bike.fit",
        Activity(Sport::Bike, 60.363, Some(0.45952)),
    ),
    (
        FITPARSE,
        "hrv-activity.fit",
        Activity(Sport::Bike, 1071.188, Some(6.8736)),
    ),
    // A triathlon: swim, transition, bike, transition, run.
    (
        FITPARSE,
        "sample_mulitple_header.fit",
        Activity(Sport::Other, 9491.348, Some(52.53368)),
    ),
    // gpxpy: real tracks and format edge cases.
    // Every point carries 1901-12-13T20:45:52Z, the smallest 32-bit Unix time.
    (GPXPY, "Mojstrovka.gpx", Refused(NoTimestamps)),
    (
        GPXPY,
        "around-visnjan-with-car.gpx",
        Activity(Sport::Other, 514.0, Some(2.73324)),
    ),
    (
        GPXPY,
        "cerknicko-jezero-no-creator.gpx",
        Activity(Sport::Other, 7190.0, Some(4.57502)),
    ),
    (
        GPXPY,
        "cerknicko-jezero-with-elevations-zero.gpx",
        Activity(Sport::Other, 7190.0, Some(4.57502)),
    ),
    // Two point times fewer than its siblings, so it ends 14 s earlier.
    (
        GPXPY,
        "cerknicko-jezero-without-elevations.gpx",
        Activity(Sport::Other, 7176.0, Some(4.57502)),
    ),
    (
        GPXPY,
        "cerknicko-jezero.gpx",
        Activity(Sport::Other, 7190.0, Some(4.57502)),
    ),
    // gpxpy's test_has_times_false: 5 of 296 points timed.
    (GPXPY, "cerknicko-without-times.gpx", Refused(NoTimestamps)),
    (GPXPY, "custom_schema_locations.gpx", Refused(EmptyTrack)),
    (GPXPY, "default_schema_locations.gpx", Refused(EmptyTrack)),
    (
        GPXPY,
        "first_and_last_elevation.gpx",
        Activity(Sport::Other, 7200.0, Some(195.4975)),
    ),
    (
        GPXPY,
        "gpx-with-node-with-comments.gpx",
        Refused(EmptyTrack),
    ),
    (GPXPY, "gpx1.0_with_all_fields.gpx", Refused(EmptyTrack)),
    (GPXPY, "gpx1.1_with_all_fields.gpx", Refused(EmptyTrack)),
    (GPXPY, "gpx1.1_with_extensions.gpx", Refused(NotAnActivity)),
    (
        GPXPY,
        "gpx1.1_with_extensions_without_namespaces.gpx",
        Refused(NotAnActivity),
    ),
    (
        GPXPY,
        "gpx_with_garmin_extension.gpx",
        Refused(NotAnActivity),
    ),
    // Four tracks: empty, untimed (left out), and two timed ones.
    (
        GPXPY,
        "korita-zbevnica.gpx",
        Activity(Sport::Other, 13381.0, Some(6.26154)),
    ),
    (GPXPY, "route.gpx", Refused(NotAnActivity)),
    (
        GPXPY,
        "track-with-empty-segment.gpx",
        Activity(Sport::Other, 76.0, Some(0.08585)),
    ),
    (GPXPY, "track-with-extremes.gpx", Refused(NoTimestamps)),
    (
        GPXPY,
        "track-with-less-sec-time.gpx",
        Activity(Sport::Run, 0.994, Some(0.00156)),
    ),
    (GPXPY, "track-with-small-floats.gpx", Refused(NoTimestamps)),
    (GPXPY, "track_with_dilution_errors.gpx", Refused(EmptyTrack)),
    (
        GPXPY,
        "track_with_speed.gpx",
        Activity(Sport::Other, 13.0, Some(0.01864)),
    ),
    (GPXPY, "unicode.gpx", Refused(NotAnActivity)),
    (GPXPY, "unicode2.gpx", Refused(EmptyTrack)),
    (GPXPY, "unicode_with_bom.gpx", Refused(NotAnActivity)),
    (
        GPXPY,
        "unicode_with_bom_noencoding.gpx",
        Refused(NotAnActivity),
    ),
    // python-tcxparser: one run with and without heart rate, a paddle session.
    (
        TCXPARSER,
        "no_hr.tcx",
        Activity(Sport::Run, 1992.78, Some(4.68924)),
    ),
    (
        TCXPARSER,
        "sup_activity_1.tcx",
        Activity(Sport::Other, 1112.335, Some(1.15751)),
    ),
    (
        TCXPARSER,
        "test.tcx",
        Activity(Sport::Run, 1992.78, Some(4.68924)),
    ),
    // sweatpy: the same rides as FIT, TCX and GPX.
    (
        SWEATPY,
        "2020-06-01-16-52-40.fit",
        Activity(Sport::Bike, 93.7, Some(0.66819)),
    ),
    (
        SWEATPY,
        "3173437224.tcx",
        Activity(Sport::Run, 3510.0, Some(4.5085)),
    ),
    (
        SWEATPY,
        "4078723797.fit",
        Activity(Sport::Bike, 8355.6, Some(57.56724)),
    ),
    (
        SWEATPY,
        "4078723797_strava.gpx",
        Activity(Sport::Bike, 8356.0, Some(57.57054)),
    ),
    (
        SWEATPY,
        "4801048867.fit",
        Activity(Sport::Bike, 5158.557, Some(36.32285)),
    ),
    (
        SWEATPY,
        "4801048867_strava.gpx",
        Activity(Sport::Bike, 5158.0, Some(36.27146)),
    ),
    // Indoor trainer: the session records a distance of 0.
    (
        SWEATPY,
        "6449921903_ACTIVITY.fit",
        Activity(Sport::Bike, 196.229, None),
    ),
    // Run, transition, rowing: several sports, so "other".
    (
        SWEATPY,
        "6471559601_ACTIVITY.fit",
        Activity(Sport::Other, 59.601, None),
    ),
    (
        SWEATPY,
        "activity_4078723797.gpx",
        Activity(Sport::Bike, 8356.0, Some(57.56861)),
    ),
    (
        SWEATPY,
        "activity_4801048867.gpx",
        Activity(Sport::Bike, 5158.0, Some(36.27036)),
    ),
    (
        SWEATPY,
        "activity_4801048867.tcx",
        Activity(Sport::Bike, 5158.0, Some(36.32285)),
    ),
    (
        SWEATPY,
        "activity_5039744860.gpx",
        Activity(Sport::Bike, 126.0, Some(0.89926)),
    ),
    (
        SWEATPY,
        "activity_5039744860.tcx",
        Activity(Sport::Bike, 126.0, Some(0.66819)),
    ),
];

fn data_dir() -> PathBuf {
    PathBuf::from(DATA_DIR)
}

fn read(folder: &str, name: &str) -> Vec<u8> {
    let path = data_dir().join(folder).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn summary_of(folder: &str, name: &str) -> ActivitySummary {
    parse(name, &read(folder, name)).unwrap_or_else(|e| panic!("{name} should parse: {e}"))
}

fn refusal_of(error: &ActivityError) -> Option<Refusal> {
    match error {
        ActivityError::NotAnActivity { .. } => Some(NotAnActivity),
        ActivityError::NoTimestamps { .. } => Some(NoTimestamps),
        ActivityError::EmptyTrack { .. } => Some(EmptyTrack),
        _ => None,
    }
}

fn activity_files(dir: &Path, found: &mut BTreeSet<String>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            activity_files(&path, found);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["fit", "tcx", "gpx"].contains(&e.to_ascii_lowercase().as_str()))
        {
            let relative = path
                .strip_prefix(data_dir())
                .expect("under the data folder");
            found.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn close_to(actual: f64, expected: f64, relative: f64, absolute: f64) -> bool {
    (actual - expected).abs() <= absolute.max(expected.abs() * relative)
}

#[test]
fn every_activity_file_in_the_data_folder_has_an_expectation() {
    let mut on_disk = BTreeSet::new();
    activity_files(&data_dir(), &mut on_disk);
    let listed: BTreeSet<String> = EXPECTATIONS
        .iter()
        .map(|(folder, name, _)| format!("{folder}{name}"))
        .collect();
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty(),
        "files without an expectation in EXPECTATIONS: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "expectations for files that are gone: {missing:?}"
    );
}

#[test]
fn every_file_parses_or_is_refused_as_expected() {
    let mut failures = Vec::new();
    for (folder, name, expected) in EXPECTATIONS {
        let result = parse(name, &read(folder, name));
        let problem = match (expected, &result) {
            (Activity(sport, duration_s, distance_km), Ok(summary)) => {
                let distance_ok = match (distance_km, summary.distance_km) {
                    (Some(want), Some(have)) => close_to(have, *want, 0.001, 0.00002),
                    (None, None) => true,
                    _ => false,
                };
                (summary.sport != *sport
                    || !close_to(summary.duration_s, *duration_s, 0.0, 0.01)
                    || !distance_ok)
                    .then(|| {
                        format!(
                            "expected {sport} {duration_s} s {distance_km:?} km, got {summary:?}"
                        )
                    })
            }
            (Refused(kind), Err(error)) => (refusal_of(error) != Some(*kind))
                .then(|| format!("expected {kind:?}, got {error:?}")),
            (Activity(..), Err(error)) => Some(format!("expected an activity, got: {error}")),
            (Refused(kind), Ok(summary)) => Some(format!("expected {kind:?}, got {summary:?}")),
        };
        if let Some(problem) = problem {
            failures.push(format!("{folder}{name}: {problem}"));
        }
        if let Err(error) = &result {
            assert!(
                error.to_string().contains(name),
                "{error} does not name {name}"
            );
            assert_eq!(error.file(), *name);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refusals_say_what_the_file_holds_instead() {
    let message = |folder, name| match parse(name, &read(folder, name)) {
        Err(error) => error.to_string(),
        Ok(summary) => panic!("{name} should be refused, got {summary:?}"),
    };
    assert_eq!(
        message(FITPARSE, "WorkoutRepeatSteps.fit"),
        "WorkoutRepeatSteps.fit contains a workout plan, not a recorded activity"
    );
    assert!(message(FITPARSE, "Settings.fit").contains("contains device settings"));
    assert!(message(FITPARSE, "WeightScaleSingleUser.fit").contains("weight-scale readings"));
    assert!(message(FITPARSE, "MonitoringFile.fit").contains("all-day monitoring"));
    assert!(message(GPXPY, "route.gpx").contains("contains a planned route"));
    assert!(message(GPXPY, "cerknicko-without-times.gpx")
        .contains("has no timestamps, so Forma cannot place it on a day"));
    assert!(message(GPXPY, "Mojstrovka.gpx").contains("1901-12-13T20:45:52"));
}

/// The FIT records of one file, read with fitparser directly.
struct Records {
    first: Option<i64>,
    last: Option<i64>,
    last_distance_m: Option<f64>,
    heart_rates: Vec<f64>,
}

fn records_of(bytes: &[u8]) -> Records {
    let messages = fitparser::from_bytes(bytes).expect("a readable FIT file");
    let mut records = Records {
        first: None,
        last: None,
        last_distance_m: None,
        heart_rates: Vec::new(),
    };
    for message in messages.iter().filter(|m| m.kind() == MesgNum::Record) {
        for field in message.fields() {
            match (field.name(), field.value()) {
                ("timestamp", Value::Timestamp(t)) => {
                    records.first.get_or_insert(t.timestamp());
                    records.last = Some(t.timestamp());
                }
                ("distance", value) => {
                    records.last_distance_m = value.clone().try_into().ok();
                }
                ("heart_rate", Value::UInt8(bpm)) if *bpm > 0 && *bpm < 255 => {
                    records.heart_rates.push(f64::from(*bpm));
                }
                _ => {}
            }
        }
    }
    records
}

#[test]
fn fit_session_totals_agree_with_the_files_own_records() {
    for (folder, name, expected) in EXPECTATIONS {
        if !(name.ends_with(".fit") && matches!(expected, Activity(..))) {
            continue;
        }
        let bytes = read(folder, name);
        let summary = summary_of(folder, name);
        let records = records_of(&bytes);
        let (Some(first), Some(last)) = (records.first, records.last) else {
            panic!("{name} has no timed records");
        };
        assert_eq!(
            summary.start.as_second(),
            first,
            "{name}: start is the first record"
        );
        let span_s = (last - first) as f64;
        // The timer stops in pauses, so it never runs longer than the records
        // (records are whole seconds: allow 2 s).
        assert!(
            summary.duration_s <= span_s + 2.0,
            "{name}: timer {} s beyond records {span_s} s",
            summary.duration_s
        );
        assert_eq!(summary.duration_kind, DurationKind::Timer);
        // The Edge 1000 ride of 2020-06-01 records 126 s of samples but a
        // session elapsed time of 113.15 s; the others agree within 2 s.
        assert!(
            (summary.elapsed_s - span_s).abs() <= 15.0,
            "{name}: elapsed {} s, records span {span_s} s",
            summary.elapsed_s
        );
        let record_km = records
            .last_distance_m
            .map(|m| m / 1000.0)
            .filter(|km| *km > 0.0);
        match (summary.distance_km, record_km) {
            (Some(total), Some(records)) => {
                assert!(
                    close_to(total, records, 0.005, 0.00001),
                    "{name}: {total} km vs records {records} km"
                )
            }
            (None, None) => {}
            (total, records) => panic!("{name}: session {total:?} km vs records {records:?} km"),
        }
        assert_eq!(
            summary.heart_rate.len(),
            records.heart_rates.len(),
            "{name}: one sample per record with heart rate"
        );
        if let Some(avg) = summary.avg_hr {
            let mean = records.heart_rates.iter().sum::<f64>() / records.heart_rates.len() as f64;
            assert!(
                (avg - mean).abs() <= 3.0,
                "{name}: average {avg} bpm vs record mean {mean}"
            );
            let max = records.heart_rates.iter().copied().fold(0.0, f64::max);
            assert_eq!(summary.max_hr, Some(max), "{name}: max heart rate");
        }
    }
}

fn assert_same_ride(files: &[(&str, &str)], distance_tolerance: f64) {
    let summaries: Vec<(&str, ActivitySummary)> = files
        .iter()
        .map(|(folder, name)| (*name, summary_of(folder, name)))
        .collect();
    let (first_name, first) = &summaries[0];
    for (name, other) in &summaries[1..] {
        let pair = format!("{first_name} vs {name}");
        assert_eq!(other.sport, first.sport, "{pair}: sport");
        assert!(
            other.start.duration_since(first.start).as_secs_f64().abs() <= 1.0,
            "{pair}: start {} vs {}",
            first.start,
            other.start
        );
        assert!(
            (other.elapsed_s - first.elapsed_s).abs() <= 5.0,
            "{pair}: elapsed {} vs {}",
            first.elapsed_s,
            other.elapsed_s
        );
        let (Some(a), Some(b)) = (first.distance_km, other.distance_km) else {
            panic!("{pair}: both have a distance");
        };
        assert!(
            close_to(b, a, distance_tolerance, 0.0),
            "{pair}: {a} km vs {b} km"
        );
        assert_eq!(other.max_hr, first.max_hr, "{pair}: max heart rate");
        let (Some(a), Some(b)) = (first.avg_hr, other.avg_hr) else {
            panic!("{pair}: both have an average heart rate");
        };
        assert!((a - b).abs() <= 1.0, "{pair}: average {a} vs {b} bpm");
    }
}

#[test]
fn the_stavelot_ride_agrees_as_fit_and_two_gpx_exports() {
    assert_same_ride(
        &[
            (SWEATPY, "4078723797.fit"),
            (SWEATPY, "activity_4078723797.gpx"),
            (SWEATPY, "4078723797_strava.gpx"),
        ],
        0.02,
    );
}

#[test]
fn the_berkelland_ride_agrees_as_fit_tcx_and_two_gpx_exports() {
    assert_same_ride(
        &[
            (SWEATPY, "4801048867.fit"),
            (SWEATPY, "activity_4801048867.tcx"),
            (SWEATPY, "activity_4801048867.gpx"),
            (SWEATPY, "4801048867_strava.gpx"),
        ],
        0.02,
    );
    let fit = summary_of(SWEATPY, "4801048867.fit");
    let tcx = summary_of(SWEATPY, "activity_4801048867.tcx");
    assert!(
        (fit.duration_s - tcx.duration_s).abs() <= 1.0,
        "timer {} vs laps {}",
        fit.duration_s,
        tcx.duration_s
    );
}

#[test]
fn the_leiden_ride_agrees_as_fit_tcx_and_gpx_except_the_distance_moved_while_paused() {
    let fit = summary_of(SWEATPY, "2020-06-01-16-52-40.fit");
    let tcx = summary_of(SWEATPY, "activity_5039744860.tcx");
    let gpx = summary_of(SWEATPY, "activity_5039744860.gpx");
    assert_eq!(fit.start, tcx.start);
    assert_eq!(fit.start, gpx.start);
    assert_eq!(tcx.elapsed_s, gpx.elapsed_s);
    assert!(close_to(
        tcx.distance_km.unwrap(),
        fit.distance_km.unwrap(),
        0.001,
        0.0
    ));
    // While paused from 14:53:33 to 14:54:05 the rider moved 246 m: the device
    // does not count it, the GPX haversine does.
    let paused_km = gpx.distance_km.unwrap() - fit.distance_km.unwrap();
    assert!((paused_km - 0.246).abs() < 0.02, "{paused_km} km");
    assert_eq!(fit.max_hr, gpx.max_hr);
    assert_eq!(fit.max_hr, tcx.max_hr);
}

#[test]
fn a_run_with_and_without_heart_rate_has_the_same_totals() {
    let with = summary_of(TCXPARSER, "test.tcx");
    let without = summary_of(TCXPARSER, "no_hr.tcx");
    assert_eq!(
        (with.start, with.duration_s, with.distance_km),
        (without.start, without.duration_s, without.distance_km)
    );
    assert!(without.heart_rate.is_empty());
    assert_eq!((without.avg_hr, without.max_hr), (None, None));
}

#[test]
fn test_tcx_matches_the_values_python_tcxparser_documents() {
    // tests/test_tcxparser.py: started_at 21:29:53Z, completed_at 22:03:05Z,
    // duration 1992.78, distance 4686.31103516 m (last track point), hr_max
    // 189, hr_avg 156 (mean of the samples), first and last samples 62 and 180.
    let summary = summary_of(TCXPARSER, "test.tcx");
    assert_eq!(summary.start.to_string(), "2012-12-26T21:29:53Z");
    assert_eq!(summary.elapsed_s, 1992.78);
    assert!(close_to(
        summary.distance_km.unwrap(),
        4.68631103516,
        0.001,
        0.0
    ));
    assert_eq!(summary.max_hr, Some(189.0));
    let bpm: Vec<f64> = summary.heart_rate.iter().map(|(_, bpm)| *bpm).collect();
    assert_eq!(bpm.iter().sum::<f64>() as usize / bpm.len(), 156);
    assert_eq!((bpm[0], bpm[bpm.len() - 1]), (62.0, 180.0));
    // The last track point (22:03:05) has no heart rate; the samples end before it.
    assert!(summary
        .heart_rate
        .iter()
        .all(|(t, _)| (0.0..=1992.0).contains(t)));
}

#[test]
fn a_sub_second_gpx_track_keeps_its_milliseconds_as_gpxpy_documents() {
    // gpxpy's test_total_time_support_less_one_sec: 0.994 s.
    let summary = summary_of(GPXPY, "track-with-less-sec-time.gpx");
    assert!(
        (summary.duration_s - 0.994).abs() < 1e-9,
        "{}",
        summary.duration_s
    );
    // Its times carry +01:00; the start is in UTC.
    assert_eq!(summary.start.to_string(), "2015-12-11T14:43:13Z");
}

/// A GPX track point as found by scanning the raw text.
struct RawPoint {
    lat: f64,
    lon: f64,
    timed: bool,
}

fn attribute(tag: &str, name: &str) -> f64 {
    let marker = format!(" {name}=\"");
    let start = tag
        .find(&marker)
        .map(|i| i + marker.len())
        .expect("attribute present");
    let end = tag[start..].find('"').expect("closing quote") + start;
    tag[start..end].parse().expect("a number")
}

/// Segments of raw points, from plain text search rather than an XML parser.
fn raw_segments(text: &str) -> Vec<Vec<RawPoint>> {
    text.split("<trkseg")
        .skip(1)
        .map(|segment| {
            let segment = segment.split("</trkseg>").next().unwrap_or("");
            segment
                .split("<trkpt")
                .skip(1)
                .map(|point| {
                    let tag = &point[..point.find('>').expect("tag end")];
                    let body = point.split("</trkpt>").next().unwrap_or("");
                    RawPoint {
                        lat: attribute(tag, "lat"),
                        lon: attribute(tag, "lon"),
                        timed: body.contains("<time>"),
                    }
                })
                .collect()
        })
        .collect()
}

/// The haversine formula on a sphere of the IUGG mean radius, written out
/// again here so the check does not rest on the crate's own function.
fn independent_haversine_km(a: &RawPoint, b: &RawPoint) -> f64 {
    let radians = std::f64::consts::PI / 180.0;
    let (p1, p2) = (a.lat * radians, b.lat * radians);
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * (((b.lon - a.lon) * radians) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().atan2((1.0 - h).sqrt())
}

#[test]
fn gpx_distances_match_a_haversine_over_the_raw_coordinates() {
    for (folder, name, expected) in EXPECTATIONS {
        if !(name.ends_with(".gpx") && matches!(expected, Activity(..))) {
            continue;
        }
        let text = String::from_utf8(read(folder, name)).expect("UTF-8 GPX");
        let raw: f64 = raw_segments(&text)
            .iter()
            // gpxpy's has_times rule: at least 3 in 4 points timed. It leaves
            // out korita-zbevnica's untimed track.
            .filter(|segment| {
                let timed = segment.iter().filter(|p| p.timed).count();
                timed > 0 && timed * 4 >= segment.len() * 3
            })
            .flat_map(|segment| segment.windows(2))
            .map(|pair| independent_haversine_km(&pair[0], &pair[1]))
            .sum();
        let parsed = summary_of(folder, name).distance_km.expect("a distance");
        assert!(
            close_to(parsed, raw, 1e-9, 1e-9),
            "{name}: parsed {parsed} km, raw haversine {raw} km"
        );
    }
}

#[test]
fn the_cerknica_lake_track_has_one_length_whatever_its_elevations() {
    let names = [
        "cerknicko-jezero.gpx",
        "cerknicko-jezero-no-creator.gpx",
        "cerknicko-jezero-with-elevations-zero.gpx",
        "cerknicko-jezero-without-elevations.gpx",
    ];
    let lengths: Vec<f64> = names
        .iter()
        .map(|n| summary_of(GPXPY, n).distance_km.unwrap())
        .collect();
    assert!(
        lengths.iter().all(|l| (l - lengths[0]).abs() < 1e-9),
        "{lengths:?}"
    );
}

#[test]
fn korita_zbevnica_leaves_out_its_untimed_track() {
    // gpxpy's test_has_times: track 0 empty, track 1 without times, 2 and 3 timed.
    let summary = summary_of(GPXPY, "korita-zbevnica.gpx");
    assert_eq!(summary.start.to_string(), "2010-10-03T09:36:30Z");
}

#[test]
fn banister_trimp_of_a_real_ride_is_the_same_from_fit_and_gpx() {
    let fit = summary_of(SWEATPY, "4078723797.fit");
    let gpx = summary_of(SWEATPY, "activity_4078723797.gpx");
    let from_fit = trimp(&fit.heart_rate, 50.0, 195.0, Sex::Male).expect("heart rate present");
    let from_gpx = trimp(&gpx.heart_rate, 50.0, 195.0, Sex::Male).expect("heart rate present");
    assert!(from_fit > 100.0, "a 2 h 19 min hard ride: {from_fit}");
    assert!(
        close_to(from_gpx, from_fit, 0.01, 0.0),
        "{from_fit} vs {from_gpx}"
    );
}

#[test]
fn a_fit_file_named_gpx_is_caught_with_its_real_format() {
    let bytes = read(SWEATPY, "4078723797.fit");
    let error = parse("ride.gpx", &bytes).unwrap_err();
    assert_eq!(
        error,
        ActivityError::WrongExtension {
            file: "ride.gpx".into(),
            named: ActivityFormat::Gpx,
            found: ActivityFormat::Fit
        }
    );
    assert!(
        error.to_string().contains("rename it to end in .fit"),
        "{error}"
    );
}

#[test]
fn a_tcx_file_named_gpx_is_caught_with_its_real_format() {
    let error = ActivityFormat::detect("run.gpx", &read(TCXPARSER, "test.tcx")).unwrap_err();
    assert!(matches!(
        error,
        ActivityError::WrongExtension {
            found: ActivityFormat::Tcx,
            ..
        }
    ));
}

#[test]
fn extensions_are_matched_in_any_case() {
    let bytes = read(FITPARSE, "Activity.fit");
    assert_eq!(
        ActivityFormat::detect("ACTIVITY.FIT", &bytes),
        Ok(ActivityFormat::Fit)
    );
    let bytes = read(GPXPY, "unicode_with_bom.gpx");
    assert_eq!(
        ActivityFormat::detect("C:\\exports\\Walk.Gpx", &bytes),
        Ok(ActivityFormat::Gpx)
    );
}

#[test]
fn an_empty_file_is_refused_as_empty() {
    let error = parse("ride.fit", b"").unwrap_err();
    assert_eq!(
        error,
        ActivityError::EmptyFile {
            file: "ride.fit".into()
        }
    );
    assert!(error.to_string().starts_with("ride.fit is empty"));
}

#[test]
fn an_unknown_extension_lists_the_accepted_ones() {
    let error = parse("week.csv", b"date,load\n").unwrap_err();
    assert!(matches!(error, ActivityError::UnknownFormat { .. }));
    let message = error.to_string();
    assert!(
        message.contains("week.csv") && message.contains(".csv"),
        "{message}"
    );
    assert!(
        message.contains(".fit") && message.contains(".tcx") && message.contains(".gpx"),
        "{message}"
    );
    assert!(matches!(
        parse("README", b"hello").unwrap_err(),
        ActivityError::UnknownFormat { .. }
    ));
}

#[test]
fn text_named_gpx_is_reported_as_not_a_gpx_file() {
    let error = parse("track.gpx", b"this is not xml").unwrap_err();
    assert!(
        matches!(
            error,
            ActivityError::Corrupt {
                format: ActivityFormat::Gpx,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("<gpx>"), "{error}");
}

#[test]
fn a_truncated_fit_file_is_reported_as_damaged_with_the_parsers_detail() {
    let bytes = read(SWEATPY, "4801048867.fit");
    let error = parse("cut.fit", &bytes[..bytes.len() / 2]).unwrap_err();
    let ActivityError::Corrupt {
        file,
        format,
        detail,
    } = &error
    else {
        panic!("expected Corrupt, got {error:?}");
    };
    assert_eq!((file.as_str(), *format), ("cut.fit", ActivityFormat::Fit));
    assert!(!detail.is_empty());
    assert!(
        error.to_string().contains("damaged or cut short"),
        "{error}"
    );
}

#[test]
fn a_fit_file_with_a_flipped_byte_fails_its_checksum() {
    let mut bytes = read(FITPARSE, "garmin-fenix-5-bike.fit");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xFF;
    let error = parse("flipped.fit", &bytes).unwrap_err();
    assert!(matches!(error, ActivityError::Corrupt { .. }), "{error:?}");
}

#[test]
fn a_truncated_gpx_file_is_reported_with_the_element_it_stops_in() {
    let bytes = read(SWEATPY, "activity_5039744860.gpx");
    let error = parse("cut.gpx", &bytes[..bytes.len() / 2]).unwrap_err();
    assert!(
        matches!(
            error,
            ActivityError::Corrupt {
                format: ActivityFormat::Gpx,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("cut short"), "{error}");
}

#[test]
fn a_gpx_point_with_a_bad_latitude_names_the_value_and_the_byte() {
    let gpx = br#"<gpx><trk><trkseg><trkpt lat="north" lon="14"/></trkseg></trk></gpx>"#;
    let error = parse("bad.gpx", gpx).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("lat=\"north\"") && message.contains("at byte"),
        "{message}"
    );
}

#[test]
fn a_tcx_workout_file_is_a_plan_not_an_activity() {
    let tcx = br#"<?xml version="1.0"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
  <Workouts><Workout Sport="Running"><Name>5x1k</Name></Workout></Workouts>
</TrainingCenterDatabase>"#;
    let error = parse("intervals.tcx", tcx).unwrap_err();
    assert_eq!(
        error.to_string(),
        "intervals.tcx contains a workout plan, not a recorded activity"
    );
}

fn two_point_gpx(from: (&str, &str), to: (&str, &str)) -> Vec<u8> {
    format!(
        r#"<gpx version="1.1" creator="t"><trk><type>running</type><trkseg>
  <trkpt lat="0.0" lon="{}"><time>{}</time></trkpt>
  <trkpt lat="0.0" lon="{}"><time>{}</time></trkpt>
</trkseg></trk></gpx>"#,
        from.0, from.1, to.0, to.1
    )
    .into_bytes()
}

/// The ranges are forma_core::bounds's, the same as for JSON and CSV.
#[test]
fn an_activity_beyond_a_day_or_1500_km_is_refused_with_the_value_and_the_range() {
    let day = two_point_gpx(
        ("0.0", "2024-05-01T00:00:00Z"),
        ("0.001", "2024-05-02T00:00:00Z"),
    );
    let summary = parse("day.gpx", &day).expect("exactly 1440 minutes is accepted");
    assert_eq!(summary.duration_s, 86_400.0);

    let longer = two_point_gpx(
        ("0.0", "2024-05-01T00:00:00Z"),
        ("0.001", "2024-05-02T00:01:00Z"),
    );
    let error = parse("week.gpx", &longer).unwrap_err();
    assert!(
        matches!(&error, ActivityError::OutOfRange { field, .. } if field == "duration_min"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "week.gpx records duration_min 1441 minutes, which Forma does not accept: expected a duration from 0 to 1440 minutes (24 hours)"
    );

    // 20 degrees of longitude on the equator: about 2224 km in an hour.
    let far = two_point_gpx(
        ("0.0", "2024-05-01T06:00:00Z"),
        ("20.0", "2024-05-01T07:00:00Z"),
    );
    let error = parse("far.gpx", &far).unwrap_err();
    assert!(error.to_string().contains("1500 km"), "{error}");
    assert_eq!(error.file(), "far.gpx");
}

/// Devices write 255 and up for "no reading" (the parsers drop those); what is
/// left above Forma's 250 bpm is refused.
#[test]
fn a_tcx_average_heart_rate_above_250_is_refused() {
    let tcx = br#"<?xml version="1.0"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">
<Activities><Activity Sport="Running"><Id>2024-05-01T06:00:00Z</Id>
<Lap StartTime="2024-05-01T06:00:00Z"><TotalTimeSeconds>1800</TotalTimeSeconds>
<DistanceMeters>5000</DistanceMeters><AverageHeartRateBpm><Value>252</Value></AverageHeartRateBpm>
<Track><Trackpoint><Time>2024-05-01T06:00:00Z</Time></Trackpoint>
<Trackpoint><Time>2024-05-01T06:30:00Z</Time></Trackpoint></Track></Lap>
</Activity></Activities></TrainingCenterDatabase>"#;
    let error = parse("hot.tcx", tcx).unwrap_err();
    assert!(
        error.to_string().contains("avg_hr 252 bpm") && error.to_string().contains("20 to 250 bpm"),
        "{error}"
    );
}

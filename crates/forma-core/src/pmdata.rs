//! Conversion of the PMData layout (Thambawita et al., MMSys 2020, CC BY 4.0)
//! into canonical records, as pure functions over the files' text.
//!
//! PMData stamps survey answers in UTC (`2019-11-05T22:51:54.710Z`); Forma days
//! are the athlete's local dates, so stamps are converted to Norwegian time
//! ([`norway`]) before taking the date. Fitbit's daily files are already local.
//!
//! - `pmsys/srpe.csv` -> sessions, load = RPE x minutes (Foster 2001); rows without
//!   RPE or minutes are skipped and reported.
//! - `pmsys/wellness.csv` -> wellness (the day's last report wins, item by item).
//! - `fitbit/resting_heart_rate.json` -> `resting_hr` (0 means no reading).
//! - `pmsys/injury.csv` -> one injury event per body part of each non-empty report
//!   (`{}` means no injury).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::bounds::{self, Bound};
use crate::canonical::CsvError;
use crate::csv_text::{self, Record};
use crate::types::{
    parse_date, AthleteId, Event, EventKind, EventSeverity, Session, ValueError, WellnessEntry,
};

/// Norway's civil time: CET, CEST from the last Sunday of March 02:00 to the last
/// Sunday of October 03:00. The POSIX rule equals the IANA `Europe/Oslo` zone for
/// every date since 1996 (PMData is 2019-2020) and needs no bundled time-zone
/// database, which keeps the WebAssembly build small.
pub fn norway() -> TimeZone {
    TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("a fixed, valid POSIX time-zone string")
}

/// One participant's PMData files, as text; `None` for a file that is absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParticipantFiles<'a> {
    /// `pmsys/srpe.csv`
    pub srpe_csv: Option<&'a str>,
    /// `pmsys/wellness.csv`
    pub wellness_csv: Option<&'a str>,
    /// `pmsys/injury.csv`
    pub injury_csv: Option<&'a str>,
    /// `fitbit/resting_heart_rate.json`
    pub resting_heart_rate_json: Option<&'a str>,
}

/// What one participant's files became, and the rows that could not be used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Converted {
    /// Sessions, load = RPE x minutes.
    pub sessions: Vec<Session>,
    /// One wellness entry per local day with any item.
    pub wellness: Vec<WellnessEntry>,
    /// One injury event per body part of each non-empty report.
    pub events: Vec<Event>,
    /// Rows left out, each with the reason.
    pub skipped: Vec<CsvError>,
}

struct File<'a> {
    name: &'a str,
    columns: Vec<String>,
    rows: Vec<Record>,
}

impl<'a> File<'a> {
    fn new(name: &'a str, text: &str, required: &[&str]) -> Result<Self, CsvError> {
        let mut rows = csv_text::records(text);
        let header = if rows.is_empty() {
            Vec::new()
        } else {
            rows.remove(0).cells
        };
        if let Some(twice) = csv_text::duplicate_column(&header) {
            return Err(CsvError {
                file: name.to_owned(),
                line: 1,
                column: twice.name.clone(),
                value: header.join(","),
                accepted: twice.accepted(),
            });
        }
        for column in required {
            if !header.iter().any(|h| h == column) {
                return Err(CsvError {
                    file: name.to_owned(),
                    line: 1,
                    column: (*column).to_owned(),
                    value: header.join(","),
                    accepted: format!("a PMData header with the column `{column}`"),
                });
            }
        }
        Ok(Self {
            name,
            columns: header,
            rows,
        })
    }

    fn cell<'r>(&self, row: &'r Record, column: &str) -> Option<&'r str> {
        let i = self.columns.iter().position(|c| c == column)?;
        row.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty())
    }

    fn error(&self, row: &Record, column: &str, e: ValueError) -> CsvError {
        CsvError {
            file: self.name.to_owned(),
            line: row.line,
            column: column.to_owned(),
            value: e.value,
            accepted: e.accepted.into_owned(),
        }
    }

    fn local_date(
        &self,
        row: &Record,
        column: &'static str,
        tz: &TimeZone,
    ) -> Result<Date, CsvError> {
        let text = self.cell(row, column).unwrap_or("");
        text.parse::<Timestamp>()
            .map(|t| tz.to_datetime(t).date())
            .map_err(|_| {
                self.error(
                    row,
                    column,
                    ValueError::new(column, text, "a UTC time such as 2019-11-05T22:51:54.710Z"),
                )
            })
    }

    fn number(
        &self,
        row: &Record,
        column: &'static str,
        bound: Bound,
    ) -> Result<Option<f64>, CsvError> {
        self.cell(row, column)
            .map(|c| {
                bound
                    .named(column)
                    .parse(c)
                    .map_err(|e| self.error(row, column, e))
            })
            .transpose()
    }
}

/// Converts one participant's files. `id` becomes every record's athlete; `tz`
/// is the participants' time zone (use [`norway`] for PMData).
///
/// # Errors
/// A file whose header lacks a needed column. Bad rows do not fail the
/// conversion; they are listed in [`Converted::skipped`].
pub fn convert_participant(
    id: &AthleteId,
    files: &ParticipantFiles<'_>,
    tz: &TimeZone,
) -> Result<Converted, CsvError> {
    let mut out = Converted::default();
    if let Some(text) = files.srpe_csv {
        convert_srpe(id, text, tz, &mut out)?;
    }
    let mut wellness: BTreeMap<Date, WellnessEntry> = BTreeMap::new();
    if let Some(text) = files.wellness_csv {
        convert_wellness(id, text, tz, &mut wellness, &mut out)?;
    }
    if let Some(text) = files.resting_heart_rate_json {
        convert_resting_hr(id, text, &mut wellness, &mut out)?;
    }
    out.wellness = wellness
        .into_values()
        .filter(WellnessEntry::has_any)
        .collect();
    if let Some(text) = files.injury_csv {
        convert_injuries(id, text, tz, &mut out)?;
    }
    out.sessions.sort_by_key(|s| s.date);
    out.events.sort_by_key(|e| e.date);
    Ok(out)
}

fn convert_srpe(
    id: &AthleteId,
    text: &str,
    tz: &TimeZone,
    out: &mut Converted,
) -> Result<(), CsvError> {
    let f = File::new(
        "pmsys/srpe.csv",
        text,
        &["end_date_time", "perceived_exertion", "duration_min"],
    )?;
    for row in &f.rows {
        let session = (|| {
            let date = f.local_date(row, "end_date_time", tz)?;
            let rpe = f.number(row, "perceived_exertion", bounds::RPE)?;
            let minutes = f.number(row, "duration_min", bounds::DURATION_MIN)?;
            let (Some(rpe), Some(minutes)) = (rpe, minutes) else {
                let column = if rpe.is_none() {
                    "perceived_exertion"
                } else {
                    "duration_min"
                };
                return Err(f.error(
                    row,
                    column,
                    ValueError::new(column, "", "a number: a session needs both RPE and minutes"),
                ));
            };
            Ok(Session {
                athlete_id: id.clone(),
                date,
                sport: match f.cell(row, "activity_names").and_then(sport_name) {
                    Some(sport) => {
                        bounds::SPORT
                            .check(&sport)
                            .map_err(|e| f.error(row, "activity_names", e))?;
                        Some(sport)
                    }
                    None => None,
                },
                duration_min: Some(minutes),
                rpe: Some(rpe),
                load: rpe * minutes,
                distance_km: None,
                avg_hr: None,
                source: Some("pmsys".to_owned()),
            })
        })();
        match session {
            Ok(s) => out.sessions.push(s),
            Err(e) => out.skipped.push(e),
        }
    }
    Ok(())
}

/// `['individual', 'strength', 'running']` -> `strength+running`.
fn sport_name(list: &str) -> Option<String> {
    let names: Vec<&str> = list
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|s| s.trim().trim_matches('\''))
        .filter(|s| !s.is_empty() && *s != "individual" && *s != "team")
        .collect();
    (!names.is_empty()).then(|| names.join("+"))
}

fn convert_wellness(
    id: &AthleteId,
    text: &str,
    tz: &TimeZone,
    days: &mut BTreeMap<Date, WellnessEntry>,
    out: &mut Converted,
) -> Result<(), CsvError> {
    let f = File::new("pmsys/wellness.csv", text, &["effective_time_frame"])?;
    let scale = bounds::WELLNESS_SCALE;
    let mut rows: Vec<(Timestamp, &Record)> = Vec::with_capacity(f.rows.len());
    for row in &f.rows {
        let stamp = f.cell(row, "effective_time_frame").unwrap_or("");
        match stamp.parse::<Timestamp>() {
            Ok(t) => rows.push((t, row)),
            Err(_) => out.skipped.push(f.error(
                row,
                "effective_time_frame",
                ValueError::new(
                    "effective_time_frame",
                    stamp,
                    "a UTC time such as 2019-11-05T08:31:40.751Z",
                ),
            )),
        }
    }
    // In time order, so that the day's last report wins.
    rows.sort_by_key(|(t, _)| *t);
    for (t, row) in rows {
        let parsed = (|| {
            Ok::<_, CsvError>([
                f.number(row, "sleep_duration_h", bounds::SLEEP_H)?,
                f.number(row, "sleep_quality", scale)?,
                f.number(row, "fatigue", scale)?,
                f.number(row, "soreness", scale)?,
                f.number(row, "stress", scale)?,
                f.number(row, "mood", scale)?,
                f.number(row, "readiness", scale)?,
            ])
        })();
        let items = match parsed {
            Ok(items) => items,
            Err(e) => {
                out.skipped.push(e);
                continue;
            }
        };
        let date = tz.to_datetime(t).date();
        let entry = days
            .entry(date)
            .or_insert_with(|| WellnessEntry::empty(id.clone(), date));
        let slots = [
            &mut entry.sleep_h,
            &mut entry.sleep_quality,
            &mut entry.fatigue,
            &mut entry.soreness,
            &mut entry.stress,
            &mut entry.mood,
            &mut entry.readiness,
        ];
        for (slot, value) in slots.into_iter().zip(items) {
            if value.is_some() {
                *slot = value;
            }
        }
    }
    Ok(())
}

/// Where each wellness item of a PMData import comes from: the resting heart rate
/// from the Fitbit watch, every other item from the PMSys survey app.
pub fn wellness_source(field: crate::wellness::WellnessField) -> &'static str {
    match field {
        crate::wellness::WellnessField::RestingHr => "pmdata:fitbit",
        _ => "pmdata:pmsys",
    }
}

fn convert_resting_hr(
    id: &AthleteId,
    text: &str,
    days: &mut BTreeMap<Date, WellnessEntry>,
    out: &mut Converted,
) -> Result<(), CsvError> {
    const FILE: &str = "fitbit/resting_heart_rate.json";
    let error = |line: usize, column: &str, value: String, accepted: &str| CsvError {
        file: FILE.to_owned(),
        line,
        column: column.to_owned(),
        value,
        accepted: accepted.to_owned(),
    };
    let items: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        error(
            e.line(),
            "(file)",
            e.to_string(),
            "a JSON array of {\"dateTime\": ..., \"value\": {\"value\": bpm}}",
        )
    })?;
    for (i, item) in items.iter().enumerate() {
        let stamp = item["dateTime"].as_str().unwrap_or("");
        let date = match stamp.get(..10).map(parse_date) {
            Some(Ok(d)) => d,
            _ => {
                out.skipped.push(error(
                    i + 1,
                    "dateTime",
                    stamp.to_owned(),
                    "a local time such as 2019-11-01 00:00:00",
                ));
                continue;
            }
        };
        // Fitbit writes 0 on days without a reading.
        let Some(bpm) = item["value"]["value"].as_f64().filter(|v| *v > 0.0) else {
            continue;
        };
        if let Err(e) = bounds::RESTING_HR.check(bpm) {
            out.skipped
                .push(error(i + 1, "value", e.value, &e.accepted));
            continue;
        }
        days.entry(date)
            .or_insert_with(|| WellnessEntry::empty(id.clone(), date))
            .resting_hr = Some(bpm);
    }
    Ok(())
}

fn convert_injuries(
    id: &AthleteId,
    text: &str,
    tz: &TimeZone,
    out: &mut Converted,
) -> Result<(), CsvError> {
    let f = File::new(
        "pmsys/injury.csv",
        text,
        &["effective_time_frame", "injuries"],
    )?;
    for row in &f.rows {
        let date = match f.local_date(row, "effective_time_frame", tz) {
            Ok(d) => d,
            Err(e) => {
                out.skipped.push(e);
                continue;
            }
        };
        let injuries = f.cell(row, "injuries").unwrap_or("{}");
        let inner = injuries
            .trim()
            .trim_start_matches('{')
            .trim_end_matches('}');
        for pair in inner.split(',').filter(|p| !p.trim().is_empty()) {
            let mut parts = pair
                .splitn(2, ':')
                .map(|s| s.trim().trim_matches('\'').trim());
            let (Some(body_part), Some(severity)) = (parts.next(), parts.next()) else {
                out.skipped.push(f.error(
                    row,
                    "injuries",
                    ValueError::new(
                        "injuries",
                        injuries,
                        "a dictionary such as {'left_knee': 'minor'}",
                    ),
                ));
                continue;
            };
            if let Err(e) = bounds::BODY_PART.check(body_part) {
                out.skipped.push(f.error(row, "injuries", e));
                continue;
            }
            match severity.parse::<EventSeverity>() {
                Ok(severity) => out.events.push(Event {
                    athlete_id: id.clone(),
                    date,
                    kind: EventKind::Injury,
                    severity: Some(severity),
                    body_part: Some(body_part.to_owned()),
                    days_lost: None,
                    closed_on: None,
                }),
                Err(e) => out.skipped.push(f.error(row, "injuries", e)),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_sessions_land_on_the_next_norwegian_day() {
        let id: AthleteId = "p01".parse().unwrap();
        let srpe = "end_date_time,activity_names,perceived_exertion,duration_min\n\
                    2019-11-05T22:51:54.710Z,\"['individual', 'running']\",7,30\n\
                    2019-11-05T23:10:00.000Z,\"['team', 'strength', 'running']\",5,60\n\
                    2020-06-05T22:10:00.000Z,\"['individual', 'running']\",5,10\n\
                    2019-11-18T13:34:02.327Z, {},,\n";
        let files = ParticipantFiles {
            srpe_csv: Some(srpe),
            ..ParticipantFiles::default()
        };
        let c = convert_participant(&id, &files, &norway()).unwrap();
        // 22:51 UTC is 23:51 in winter (CET); 23:10 UTC is 00:10 the next day;
        // 22:10 UTC in June is 00:10 CEST the next day.
        let dates: Vec<String> = c.sessions.iter().map(|s| s.date.to_string()).collect();
        assert_eq!(dates, ["2019-11-05", "2019-11-06", "2020-06-06"]);
        assert_eq!(c.sessions[0].load, 210.0);
        assert_eq!(c.sessions[0].sport.as_deref(), Some("running"));
        assert_eq!(c.sessions[1].sport.as_deref(), Some("strength+running"));
        assert_eq!(c.skipped.len(), 1);
        assert_eq!(c.skipped[0].line, 5);
        assert_eq!(c.skipped[0].column, "perceived_exertion");
    }

    #[test]
    fn wellness_merges_the_days_reports_and_resting_heart_rate() {
        let id: AthleteId = "p02".parse().unwrap();
        let wellness = "effective_time_frame,fatigue,mood,readiness,sleep_duration_h,sleep_quality,soreness,soreness_area,stress\n\
                        2019-11-06T07:13:02.320Z,3,3,5,5,3,2,\"[48979004, 32696007]\",3\n\
                        2019-11-06T18:00:00.000Z,4,3,5,5,3,2,[],3\n";
        let rhr = r#"[{"dateTime": "2019-11-06 00:00:00", "value": {"date": "11/06/19", "value": 52.5, "error": 6.7}},
                      {"dateTime": "2019-11-07 00:00:00", "value": {"date": null, "value": 0.0, "error": 0.0}},
                      {"dateTime": "2019-11-08 00:00:00", "value": {"date": "11/08/19", "value": 51.0, "error": 6.7}}]"#;
        let injury = "effective_time_frame,injuries\n2019-11-07T06:39:48.428Z,{}\n\
                      2019-11-13T13:53:01.675Z,\"{'left_elbow': 'minor', 'right_shoulder': 'major'}\"\n";
        let files = ParticipantFiles {
            wellness_csv: Some(wellness),
            resting_heart_rate_json: Some(rhr),
            injury_csv: Some(injury),
            ..ParticipantFiles::default()
        };
        let c = convert_participant(&id, &files, &norway()).unwrap();
        assert_eq!(c.wellness.len(), 2);
        assert_eq!(c.wellness[0].fatigue, Some(4.0));
        assert_eq!(c.wellness[0].sleep_h, Some(5.0));
        assert_eq!(c.wellness[0].resting_hr, Some(52.5));
        assert_eq!(c.wellness[1].date.to_string(), "2019-11-08");
        assert_eq!(c.wellness[1].fatigue, None);
        assert_eq!(c.events.len(), 2);
        assert_eq!(c.events[1].body_part.as_deref(), Some("right_shoulder"));
        assert_eq!(c.events[1].severity, Some(EventSeverity::Major));
        assert!(c.skipped.is_empty(), "{:?}", c.skipped);
    }
}

//! The calls the command line and the server make: canonical CSV text in,
//! metrics CSV or a data-quality report out.

use std::borrow::Cow;
use std::collections::HashMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::canonical::{parse_sessions, parse_wellness, read_session_days, BadRows, CsvError};
use crate::metrics::{DailyMetrics, MetricsOptions, METRICS_HEADER};
use crate::quality::{self, QualityOptions, QualityReport};
use crate::series::{series_by_athlete, DailySeries, SessionLoad};
use crate::types::{epoch_day, AthleteId, Session, WellnessEntry};

/// How to read the input files and how far to run the series.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct InputOptions {
    /// Fail on the first bad row (default) or skip bad rows and report them.
    pub bad_rows: BadRows,
    /// Run every athlete's series to this day instead of their last day with data.
    pub end: Option<Date>,
}

/// The metrics CSV and any input rows that were skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsCsv {
    /// Header [`METRICS_HEADER`], then one row per athlete and day.
    pub csv: String,
    /// Input rows left out in skip mode.
    pub skipped: Vec<CsvError>,
}

/// Parsed canonical inputs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    /// Sessions read.
    pub sessions: Vec<Session>,
    /// Wellness entries read.
    pub wellness: Vec<WellnessEntry>,
    /// Input rows left out in skip mode.
    pub skipped: Vec<CsvError>,
}

/// Reads canonical sessions and (optionally) wellness CSV text.
///
/// # Errors
/// The first bad cell (in [`BadRows::Fail`] mode) or a missing header column,
/// naming file, line, column, value and what is accepted.
pub fn read_inputs(
    sessions_csv: &str,
    wellness_csv: Option<&str>,
    bad_rows: BadRows,
) -> Result<Inputs, CsvError> {
    let sessions = parse_sessions("sessions.csv", sessions_csv, bad_rows)?;
    let mut inputs = Inputs {
        sessions: sessions.records,
        wellness: Vec::new(),
        skipped: sessions.skipped,
    };
    if let Some(text) = wellness_csv {
        let wellness = parse_wellness("wellness.csv", text, bad_rows)?;
        inputs.wellness = wellness.records;
        inputs.skipped.extend(wellness.skipped);
    }
    Ok(inputs)
}

/// A CSV file's text and the name to give it in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvFile<'a> {
    /// The file's name as the user knows it.
    pub name: &'a str,
    /// Its whole text.
    pub text: &'a str,
}

/// Every athlete's daily series and any input rows that were skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRead {
    /// One series per athlete, sorted by athlete id.
    pub series: Vec<DailySeries>,
    /// Input rows left out in skip mode.
    pub skipped: Vec<CsvError>,
}

/// Reads canonical sessions and (optionally) wellness CSV straight into every
/// athlete's daily series: the same series, checks and errors as
/// [`read_inputs`] then [`build_series`], without copying each row's text.
///
/// # Errors
/// As [`read_inputs`].
pub fn read_series(
    sessions: CsvFile<'_>,
    wellness: Option<CsvFile<'_>>,
    bad_rows: BadRows,
    end: Option<Date>,
) -> Result<SeriesRead, CsvError> {
    let mut athletes = Athletes::default();
    let mut skipped = read_session_days(sessions.name, sessions.text, bad_rows, |row| {
        athletes.get(row.athlete_id).sessions.push(row.session);
    })?;
    if let Some(file) = wellness {
        let parsed = parse_wellness(file.name, file.text, bad_rows)?;
        skipped.extend(parsed.skipped);
        for w in parsed.records {
            let day = epoch_day(w.date);
            let id = Cow::Owned(String::from(w.athlete_id));
            athletes.get(id).observed_days.push(day);
        }
    }
    let mut athletes = athletes.list;
    athletes.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let end_day = end.map(epoch_day);
    let series = athletes
        .iter()
        .filter_map(|a| {
            let id = AthleteId::from_checked(a.id.to_string());
            DailySeries::from_days(id, &a.sessions, &a.observed_days, end_day)
        })
        .collect();
    Ok(SeriesRead { series, skipped })
}

/// One athlete's rows, in file order.
struct AthleteDays<'a> {
    id: Cow<'a, str>,
    sessions: Vec<SessionLoad>,
    observed_days: Vec<i32>,
}

/// Rows grouped by athlete, in order of first appearance.
#[derive(Default)]
struct Athletes<'a> {
    list: Vec<AthleteDays<'a>>,
    index: HashMap<Cow<'a, str>, usize>,
    /// The last athlete found: files usually list an athlete's rows together,
    /// so most rows need no hash look-up.
    current: usize,
}

impl<'a> Athletes<'a> {
    fn get(&mut self, id: Cow<'a, str>) -> &mut AthleteDays<'a> {
        if self.list.get(self.current).is_none_or(|a| a.id != id) {
            self.current = match self.index.get(&id) {
                Some(i) => *i,
                None => {
                    self.index.insert(id.clone(), self.list.len());
                    self.list.push(AthleteDays {
                        id,
                        sessions: Vec::new(),
                        observed_days: Vec::new(),
                    });
                    self.list.len() - 1
                }
            };
        }
        &mut self.list[self.current]
    }
}

/// Every athlete's daily series from parsed inputs, sorted by athlete id.
pub fn build_series(inputs: &Inputs, end: Option<Date>) -> Vec<DailySeries> {
    series_by_athlete(&inputs.sessions, &inputs.wellness, end)
}

/// Computes the metrics CSV (DESIGN.md metrics columns: empty = undefined,
/// `inf` = infinite) from canonical sessions and optional wellness CSV text.
/// Wellness only marks days as observed; it does not change any load metric.
///
/// # Errors
/// As [`read_inputs`].
///
/// ```
/// use forma_core::metrics::MetricsOptions;
/// use forma_core::pipeline::{metrics_csv, InputOptions};
/// let sessions = "athlete_id,date,duration_min,rpe,load\np01,2020-01-01,60,5,\np01,2020-01-03,30,4,\n";
/// let out = metrics_csv(sessions, None, &MetricsOptions::default(), &InputOptions::default()).unwrap();
/// let rows: Vec<&str> = out.csv.lines().collect();
/// assert_eq!(rows.len(), 4);
/// assert!(rows[2].starts_with("p01,2020-01-02,0,"));
///
/// let bad = "athlete_id,date,duration_min,rpe,load\np01,2020-01-01,sixty,5,\n";
/// let err = metrics_csv(bad, None, &MetricsOptions::default(), &InputOptions::default()).unwrap_err();
/// assert_eq!(err.column, "duration_min");
/// ```
pub fn metrics_csv(
    sessions_csv: &str,
    wellness_csv: Option<&str>,
    options: &MetricsOptions,
    input: &InputOptions,
) -> Result<MetricsCsv, CsvError> {
    let read = read_series(
        CsvFile {
            name: "sessions.csv",
            text: sessions_csv,
        },
        wellness_csv.map(|text| CsvFile {
            name: "wellness.csv",
            text,
        }),
        input.bad_rows,
        input.end,
    )?;
    Ok(MetricsCsv {
        csv: metrics_csv_from_series(&read.series, options),
        skipped: read.skipped,
    })
}

/// The metrics CSV for already-built series.
pub fn metrics_csv_from_series(series: &[DailySeries], options: &MetricsOptions) -> String {
    let days: usize = series.iter().map(DailySeries::len).sum();
    let mut out = String::with_capacity(160 * (days + 1));
    out.push_str(METRICS_HEADER);
    out.push('\n');
    let mut metrics = DailyMetrics::default();
    for s in series {
        metrics.compute_into(s, options);
        metrics.write_csv_rows(&mut out);
    }
    out
}

/// Data-quality reports, one per athlete, from canonical CSV text.
///
/// # Errors
/// As [`read_inputs`].
pub fn quality_reports(
    sessions_csv: &str,
    wellness_csv: Option<&str>,
    options: &QualityOptions,
    input: &InputOptions,
) -> Result<Vec<QualityReport>, CsvError> {
    let inputs = read_inputs(sessions_csv, wellness_csv, input.bad_rows)?;
    Ok(build_series(&inputs, input.end)
        .iter()
        .map(|s| quality::check(s, options))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_series_builds_the_series_read_inputs_and_build_series_build() {
        let sessions = "athlete_id,date,rpe,duration_min,load\n\
                        b,2020-01-03,5,30,\n\
                        \"a\",2020-01-01,,,100.5\n\
                        b,2020-01-01,7,10,\n\
                        a,2020-01-01,4,10,\n\
                        b,2020-01-09,,,\n\
                        c,2020-02-01,,,20\n";
        let wellness = "athlete_id,date,sleep_h\nd,2020-01-02,7\na,2020-01-06,8\n";
        for (bad, end) in [
            (BadRows::Skip, None),
            (BadRows::Skip, Some(jiff::civil::date(2020, 1, 20))),
        ] {
            let inputs = read_inputs(sessions, Some(wellness), bad).unwrap();
            let read = read_series(
                CsvFile {
                    name: "sessions.csv",
                    text: sessions,
                },
                Some(CsvFile {
                    name: "wellness.csv",
                    text: wellness,
                }),
                bad,
                end,
            )
            .unwrap();
            assert_eq!(read.series, build_series(&inputs, end));
            assert_eq!(read.skipped, inputs.skipped);
        }
        let fail = read_series(
            CsvFile {
                name: "sessions.csv",
                text: sessions,
            },
            None,
            BadRows::Fail,
            None,
        );
        assert_eq!(fail.unwrap_err().line, 6);
    }
}

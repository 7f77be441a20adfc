//! Forma's canonical CSV files (sessions, wellness, events): parsing them into
//! domain types with errors that name file, line, column, value and what is
//! accepted, and writing them back.
//!
//! Layouts (DESIGN.md "Canonical files"), header row required, columns in any order:
//! - sessions: `athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source`
//! - wellness: `athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr`
//! - events: `athlete_id,date,kind,severity,body_part,days_lost`
//!
//! Every value is checked against its range in [`crate::bounds`] (dates against
//! the caller's [`DateWindow`]), and a header that names a column twice is
//! refused, naming the column. Text cells are written so that a spreadsheet never
//! runs them as formulas (see [`crate::csv_text`]).

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::bounds::{self, Bound, DateWindow, TextLimit};
use crate::csv_text::{duplicate_column, unescape_cell, write_csv, Number, Reader, Text};
use crate::series::SessionLoad;
use crate::types::{
    epoch_day, parse_date, parse_number, AthleteId, Event, EventKind, EventSeverity, Session,
    ValueError, WellnessEntry,
};

/// Header of the canonical sessions file.
pub const SESSIONS_HEADER: &str =
    "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source";
/// Header of the canonical wellness file.
pub const WELLNESS_HEADER: &str = "athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr";
/// Header of the canonical events file.
pub const EVENTS_HEADER: &str = "athlete_id,date,kind,severity,body_part,days_lost";

/// A cell of a CSV file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvError {
    /// The file's name as the user knows it.
    pub file: String,
    /// 1-based line number of the record (1 is the header).
    pub line: usize,
    /// The column's name.
    pub column: String,
    /// The cell's text.
    pub value: String,
    /// What the column accepts.
    pub accepted: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, line {}, column {}: `{}` is not valid: expected {}",
            self.file, self.line, self.column, self.value, self.accepted
        )
    }
}

impl std::error::Error for CsvError {}

/// What to do with a row that cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BadRows {
    /// Stop at the first bad row and return its error.
    #[default]
    Fail,
    /// Leave bad rows out and report each in [`Parsed::skipped`].
    Skip,
}

/// The records read from a file and, in [`BadRows::Skip`] mode, the rows left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// The rows that were read.
    pub records: Vec<T>,
    /// The line each record was read from, in the same order.
    pub lines: Vec<usize>,
    /// The rows left out, each with its error (empty in fail mode).
    pub skipped: Vec<CsvError>,
}

struct Table<'a> {
    file: &'a str,
    dates: DateWindow,
    /// Header cells as written, for the missing-column error.
    head: Vec<String>,
    head_line: usize,
    reader: Reader<'a>,
    /// A guess at the number of rows, to size the output once.
    rows: usize,
}

/// A column found in the header once, before the rows are read.
#[derive(Debug, Clone, Copy)]
struct Column {
    name: &'static str,
    index: Option<usize>,
}

impl<'a> Table<'a> {
    fn new(
        file: &'a str,
        text: &'a str,
        required: &[&str],
        header: &str,
        dates: DateWindow,
    ) -> Result<Self, CsvError> {
        let mut reader = Reader::new(text);
        let mut record = csv::StringRecord::new();
        let Some(head_line) = reader.next_record(&mut record) else {
            return Err(CsvError {
                file: file.to_owned(),
                line: 1,
                column: "(header)".to_owned(),
                value: String::new(),
                accepted: format!("a header row such as `{header}`"),
            });
        };
        let head: Vec<String> = record.iter().map(str::to_owned).collect();
        if let Some(twice) = duplicate_column(&head) {
            return Err(CsvError {
                file: file.to_owned(),
                line: head_line,
                column: twice.name.clone(),
                value: head.join(","),
                accepted: twice.accepted(),
            });
        }
        let table = Self {
            file,
            dates,
            rows: text.len() / (head.iter().map(|c| c.len() + 1).sum::<usize>().max(8) / 2),
            head,
            head_line,
            reader,
        };
        for name in required {
            if table.position(name).is_none() {
                return Err(CsvError {
                    file: file.to_owned(),
                    line: table.head_line,
                    column: (*name).to_owned(),
                    value: table.head.join(","),
                    accepted: format!("a header row with the column `{name}`, such as `{header}`"),
                });
            }
        }
        Ok(table)
    }

    /// The column's index (a header names each column once).
    fn position(&self, name: &str) -> Option<usize> {
        self.head.iter().position(|c| c.trim() == name)
    }

    fn column(&self, name: &'static str) -> Column {
        Column {
            name,
            index: self.position(name),
        }
    }

    fn parse<T>(
        self,
        bad: BadRows,
        mut row: impl FnMut(&Row<'_>) -> Result<T, CsvError>,
    ) -> Result<Parsed<T>, CsvError> {
        let mut records = Vec::with_capacity(self.rows);
        let mut lines = Vec::with_capacity(self.rows);
        let skipped = self.for_each(bad, |r| {
            records.push(row(r)?);
            lines.push(r.line);
            Ok(())
        })?;
        Ok(Parsed {
            records,
            lines,
            skipped,
        })
    }

    /// Reads every row with `row`, returning the rows skipped.
    fn for_each(
        mut self,
        bad: BadRows,
        mut row: impl FnMut(&Row<'_>) -> Result<(), CsvError>,
    ) -> Result<Vec<CsvError>, CsvError> {
        let mut skipped = Vec::new();
        let mut record = csv::StringRecord::with_capacity(64, self.head.len());
        while let Some(line) = self.reader.next_record(&mut record) {
            let r = Row {
                file: self.file,
                line,
                cells: &record,
                dates: &self.dates,
            };
            match row(&r) {
                Ok(()) => {}
                Err(e) if bad == BadRows::Skip => skipped.push(e),
                Err(e) => return Err(e),
            }
        }
        Ok(skipped)
    }
}

struct Row<'r> {
    file: &'r str,
    line: usize,
    cells: &'r csv::StringRecord,
    dates: &'r DateWindow,
}

/// `cell` without surrounding white space; checks the common untrimmed case first.
// This and the row helpers run for every cell of large files, and the release
// profile builds this crate for size (the browser), which would not inline them.
#[inline(always)]
fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if !first.is_ascii_graphic() || !last.is_ascii_graphic() => {
            cell.trim()
        }
        _ => cell,
    }
}

impl<'r> Row<'r> {
    /// The trimmed cell, `None` when the column is absent or the cell empty.
    #[inline(always)]
    fn cell(&self, column: Column) -> Option<&'r str> {
        let c = trim(self.cells.get(column.index?)?);
        (!c.is_empty()).then_some(c)
    }

    /// As [`Row::cell`], without the `'` that [`write_cell`] puts before text
    /// that looks like a formula.
    #[inline(always)]
    fn text(&self, column: Column) -> Option<&'r str> {
        self.cell(column).map(unescape_cell)
    }

    fn error(&self, column: Column, e: ValueError) -> CsvError {
        CsvError {
            file: self.file.to_owned(),
            line: self.line,
            column: column.name.to_owned(),
            value: e.value,
            accepted: e.accepted.into_owned(),
        }
    }

    fn required<T>(
        &self,
        column: Column,
        accepted: &'static str,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Result<T, CsvError> {
        match self.cell(column) {
            Some(c) => parse(c).map_err(|e| self.error(column, e)),
            None => Err(self.error(column, ValueError::new(column.name, "", accepted))),
        }
    }

    #[inline(always)]
    fn optional<T>(
        &self,
        column: Column,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Result<Option<T>, CsvError> {
        self.cell(column)
            .map(|c| parse(c).map_err(|e| self.error(column, e)))
            .transpose()
    }

    /// The cell as a number within `bound`, `None` when empty.
    #[inline(always)]
    fn number(&self, column: Column, bound: Bound) -> Result<Option<f64>, CsvError> {
        self.optional(column, |c| {
            parse_number(column.name, c, bound.min, bound.max, bound.accepted)
        })
    }

    /// As [`Row::text`], no longer than `limit`.
    fn limited_text(&self, column: Column, limit: TextLimit) -> Result<Option<&'r str>, CsvError> {
        let text = self.text(column);
        if let Some(text) = text {
            limit
                .named(column.name)
                .check(text)
                .map_err(|e| self.error(column, e))?;
        }
        Ok(text)
    }

    /// The athlete id, checked.
    fn athlete_id(&self, column: Column) -> Result<&'r str, CsvError> {
        const ACCEPTED: &str = "an athlete id such as p01";
        let id = self
            .text(column)
            .ok_or_else(|| self.error(column, ValueError::new(column.name, "", ACCEPTED)))?;
        AthleteId::check(id).map_err(|e| self.error(column, e))?;
        Ok(id)
    }

    /// The day, written YYYY-MM-DD, within the file's [`DateWindow`].
    fn date(&self, column: Column) -> Result<jiff::civil::Date, CsvError> {
        self.required(column, "a date written YYYY-MM-DD", |c| {
            self.dates.check(column.name, parse_date(c)?)
        })
    }
}

/// The columns every canonical file starts with.
#[derive(Debug, Clone, Copy)]
struct Key {
    athlete_id: Column,
    date: Column,
}

impl Key {
    fn new(table: &Table<'_>) -> Self {
        Self {
            athlete_id: table.column("athlete_id"),
            date: table.column("date"),
        }
    }

    fn owned(&self, row: &Row<'_>) -> Result<(AthleteId, jiff::civil::Date), CsvError> {
        let id = row.athlete_id(self.athlete_id)?;
        Ok((AthleteId::from_checked(id.to_owned()), row.date(self.date)?))
    }
}

/// Parses canonical sessions CSV text. `file` names the file in errors; every
/// date must lie in `dates`. An empty `load` cell means RPE x minutes.
///
/// # Errors
/// The first unreadable cell in [`BadRows::Fail`] mode, or a missing or repeated
/// header column.
///
/// ```
/// use forma_core::bounds::DateWindow;
/// use forma_core::canonical::{parse_sessions, BadRows};
/// let dates = DateWindow::new(jiff::civil::date(2020, 3, 31));
/// let text = "athlete_id,date,duration_min,rpe,load\np01,2020-01-02,60,5,\n";
/// let parsed = parse_sessions("sessions.csv", text, BadRows::Fail, dates).unwrap();
/// assert_eq!(parsed.records[0].load, 300.0);
///
/// let bad = "athlete_id,date,duration_min,rpe,load\np01,2020-01-02,60,11,\n";
/// let err = parse_sessions("sessions.csv", bad, BadRows::Fail, dates).unwrap_err();
/// assert_eq!(err.to_string(),
///     "sessions.csv, line 2, column rpe: `11` is not valid: expected an RPE from 0 to 10 (CR-10 scale)");
///
/// let twice = "athlete_id,date,load,load\np01,2020-01-02,60,70\n";
/// let err = parse_sessions("sessions.csv", twice, BadRows::Fail, dates).unwrap_err();
/// assert_eq!(err.column, "load");
/// ```
pub fn parse_sessions(
    file: &str,
    text: &str,
    bad: BadRows,
    dates: DateWindow,
) -> Result<Parsed<Session>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date"], SESSIONS_HEADER, dates)?;
    let columns = SessionColumns::new(&table);
    table.parse(bad, |row| {
        let r = columns.read(row)?;
        Ok(Session {
            athlete_id: AthleteId::from_checked(r.athlete_id.to_owned()),
            date: r.date,
            sport: r.sport.map(str::to_owned),
            duration_min: r.duration_min,
            rpe: r.rpe,
            load: r.load,
            distance_km: r.distance_km,
            avg_hr: r.avg_hr,
            source: r.source.map(str::to_owned),
        })
    })
}

/// What the daily series needs from one session: whose, which day, how much.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionDay<'a> {
    /// A checked athlete id.
    pub athlete_id: &'a str,
    pub session: SessionLoad,
}

/// As [`parse_sessions`], with the same checks and errors, handing `keep` only
/// what the daily series needs and copying no text: the fast path for large
/// files. Returns the rows skipped.
pub(crate) fn read_session_days(
    file: &str,
    text: &str,
    bad: BadRows,
    dates: DateWindow,
    mut keep: impl FnMut(SessionDay<'_>),
) -> Result<Vec<CsvError>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date"], SESSIONS_HEADER, dates)?;
    let columns = SessionColumns::new(&table);
    table.for_each(bad, |row| {
        let r = columns.read(row)?;
        keep(SessionDay {
            athlete_id: r.athlete_id,
            session: SessionLoad {
                day: epoch_day(r.date),
                load: r.load,
                rpe: r.rpe,
            },
        });
        Ok(())
    })
}

/// A checked sessions row, its text borrowed from the record.
struct SessionRow<'a> {
    athlete_id: &'a str,
    date: jiff::civil::Date,
    sport: Option<&'a str>,
    duration_min: Option<f64>,
    rpe: Option<f64>,
    load: f64,
    distance_km: Option<f64>,
    avg_hr: Option<f64>,
    source: Option<&'a str>,
}

struct SessionColumns {
    key: Key,
    sport: Column,
    duration_min: Column,
    rpe: Column,
    load: Column,
    distance_km: Column,
    avg_hr: Column,
    source: Column,
}

impl SessionColumns {
    fn new(table: &Table<'_>) -> Self {
        Self {
            key: Key::new(table),
            sport: table.column("sport"),
            duration_min: table.column("duration_min"),
            rpe: table.column("rpe"),
            load: table.column("load"),
            distance_km: table.column("distance_km"),
            avg_hr: table.column("avg_hr"),
            source: table.column("source"),
        }
    }

    fn read<'r>(&self, row: &Row<'r>) -> Result<SessionRow<'r>, CsvError> {
        let athlete_id = row.athlete_id(self.key.athlete_id)?;
        let date = row.date(self.key.date)?;
        let duration_min = row.number(self.duration_min, bounds::DURATION_MIN)?;
        let rpe = row.number(self.rpe, bounds::RPE)?;
        let given = row.number(self.load, bounds::LOAD)?;
        let load = match (given, rpe, duration_min) {
            (Some(l), _, _) => l,
            (None, Some(r), Some(m)) => r * m,
            (None, _, _) => {
                return Err(row.error(
                    self.load,
                    ValueError::new(
                        "load",
                        "",
                        "a load, or both rpe and duration_min so that load = RPE x minutes",
                    ),
                ))
            }
        };
        Ok(SessionRow {
            athlete_id,
            date,
            sport: row.limited_text(self.sport, bounds::SPORT)?,
            duration_min,
            rpe,
            load,
            distance_km: row.number(self.distance_km, bounds::DISTANCE_KM)?,
            avg_hr: row.number(self.avg_hr, bounds::AVG_HR)?,
            source: row.limited_text(self.source, bounds::SOURCE)?,
        })
    }
}

/// Parses canonical wellness CSV text.
///
/// # Errors
/// As [`parse_sessions`].
pub fn parse_wellness(
    file: &str,
    text: &str,
    bad: BadRows,
    dates: DateWindow,
) -> Result<Parsed<WellnessEntry>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date"], WELLNESS_HEADER, dates)?;
    let key = Key::new(&table);
    let scales = [
        "sleep_quality",
        "fatigue",
        "soreness",
        "stress",
        "mood",
        "readiness",
    ]
    .map(|name| table.column(name));
    let (sleep_h, hrv_rmssd_ms, resting_hr) = (
        table.column("sleep_h"),
        table.column("hrv_rmssd_ms"),
        table.column("resting_hr"),
    );
    table.parse(bad, |row| {
        let (athlete_id, date) = key.owned(row)?;
        let [sleep_quality, fatigue, soreness, stress, mood, readiness] = scales;
        let scale = bounds::WELLNESS_SCALE;
        Ok(WellnessEntry {
            athlete_id,
            date,
            sleep_h: row.number(sleep_h, bounds::SLEEP_H)?,
            sleep_quality: row.number(sleep_quality, scale)?,
            fatigue: row.number(fatigue, scale)?,
            soreness: row.number(soreness, scale)?,
            stress: row.number(stress, scale)?,
            mood: row.number(mood, scale)?,
            readiness: row.number(readiness, scale)?,
            hrv_rmssd_ms: row.number(hrv_rmssd_ms, bounds::HRV_RMSSD_MS)?,
            resting_hr: row.number(resting_hr, bounds::RESTING_HR)?,
        })
    })
}

/// Parses canonical events CSV text.
///
/// # Errors
/// As [`parse_sessions`].
pub fn parse_events(
    file: &str,
    text: &str,
    bad: BadRows,
    dates: DateWindow,
) -> Result<Parsed<Event>, CsvError> {
    let table = Table::new(
        file,
        text,
        &["athlete_id", "date", "kind"],
        EVENTS_HEADER,
        dates,
    )?;
    let key = Key::new(&table);
    let (kind, severity, body_part, days_lost) = (
        table.column("kind"),
        table.column("severity"),
        table.column("body_part"),
        table.column("days_lost"),
    );
    table.parse(bad, |row| {
        let (athlete_id, date) = key.owned(row)?;
        Ok(Event {
            athlete_id,
            date,
            kind: row.required(kind, "`injury` or `illness`", str::parse::<EventKind>)?,
            severity: row.optional(severity, str::parse::<EventSeverity>)?,
            body_part: row
                .limited_text(body_part, bounds::BODY_PART)?
                .map(str::to_owned),
            days_lost: row.optional(days_lost, |c| {
                c.parse::<u32>()
                    .ok()
                    .filter(|days| bounds::DAYS_LOST.contains(f64::from(*days)))
                    .ok_or_else(|| ValueError::new("days_lost", c, bounds::DAYS_LOST.accepted))
            })?,
            closed_on: None,
        })
    })
}

/// Writes sessions as canonical CSV, header included. `load` is always written.
pub fn write_sessions(sessions: &[Session]) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        athlete_id: Text<'a>,
        date: Date,
        sport: Text<'a>,
        duration_min: Number,
        rpe: Number,
        load: Number,
        distance_km: Number,
        avg_hr: Number,
        source: Text<'a>,
    }
    write_csv(
        SESSIONS_HEADER,
        sessions.iter().map(|s| Row {
            athlete_id: Text(Some(s.athlete_id.as_str())),
            date: s.date,
            sport: Text(s.sport.as_deref()),
            duration_min: Number(s.duration_min),
            rpe: Number(s.rpe),
            load: Number(Some(s.load)),
            distance_km: Number(s.distance_km),
            avg_hr: Number(s.avg_hr),
            source: Text(s.source.as_deref()),
        }),
    )
}

/// Writes wellness entries as canonical CSV, header included.
pub fn write_wellness(entries: &[WellnessEntry]) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        athlete_id: Text<'a>,
        date: Date,
        /// In [`WELLNESS_HEADER`]'s order, from `sleep_h` to `resting_hr`.
        values: [Number; 9],
    }
    write_csv(
        WELLNESS_HEADER,
        entries.iter().map(|w| Row {
            athlete_id: Text(Some(w.athlete_id.as_str())),
            date: w.date,
            values: [
                w.sleep_h,
                w.sleep_quality,
                w.fatigue,
                w.soreness,
                w.stress,
                w.mood,
                w.readiness,
                w.hrv_rmssd_ms,
                w.resting_hr,
            ]
            .map(Number),
        }),
    )
}

/// Writes events as canonical CSV, header included.
pub fn write_events(events: &[Event]) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        athlete_id: Text<'a>,
        date: Date,
        kind: String,
        severity: Option<String>,
        body_part: Text<'a>,
        days_lost: Number,
    }
    write_csv(
        EVENTS_HEADER,
        events.iter().map(|e| Row {
            athlete_id: Text(Some(e.athlete_id.as_str())),
            date: e.date,
            kind: e.kind.to_string(),
            severity: e.severity.map(|s| s.to_string()),
            body_part: Text(e.body_part.as_deref()),
            days_lost: Number(e.days_lost.map(f64::from)),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn sessions_round_trip_through_canonical_csv() {
        let text = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n\
                    p01,2020-01-02,\"running, easy\",45,6,,7.5,141,pmsys\n\
                    p02,2020-01-03,,,,120.5,,,fit\n";
        let parsed = parse_sessions("s.csv", text, BadRows::Fail, DateWindow::default()).unwrap();
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.records[0].load, 270.0);
        assert_eq!(parsed.records[0].sport.as_deref(), Some("running, easy"));
        let again = parse_sessions(
            "s.csv",
            &write_sessions(&parsed.records),
            BadRows::Fail,
            DateWindow::default(),
        )
        .unwrap();
        assert_eq!(again.records, parsed.records);
    }

    #[test]
    fn a_bad_row_names_file_line_column_value_and_what_is_accepted() {
        let text = "athlete_id,date,rpe,duration_min\np01,2020-13-01,5,30\np01,2020-01-02,5,\n";
        let err =
            parse_sessions("team.csv", text, BadRows::Fail, DateWindow::default()).unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(err.column, "date");
        assert_eq!(err.value, "2020-13-01");
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");

        let parsed =
            parse_sessions("team.csv", text, BadRows::Skip, DateWindow::default()).unwrap();
        assert!(parsed.records.is_empty());
        assert_eq!(parsed.skipped.len(), 2);
        assert_eq!(parsed.skipped[1].column, "load");
        assert!(parsed.skipped[1].accepted.contains("RPE x minutes"));
    }

    #[test]
    fn a_missing_header_column_is_named() {
        let err = parse_sessions(
            "s.csv",
            "athlete,date\n",
            BadRows::Skip,
            DateWindow::default(),
        )
        .unwrap_err();
        assert_eq!(err.column, "athlete_id");
        assert_eq!(err.line, 1);
        let err = parse_wellness("w.csv", "", BadRows::Fail, DateWindow::default()).unwrap_err();
        assert!(err.accepted.contains("header"));
    }

    #[test]
    fn wellness_and_events_round_trip() {
        let w = "athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr\n\
                 p01,2020-01-02,7.5,3,2,,3,4,8,62.3,51\n";
        let parsed = parse_wellness("w.csv", w, BadRows::Fail, DateWindow::default()).unwrap();
        assert_eq!(parsed.records[0].soreness, None);
        assert_eq!(parsed.records[0].hrv_rmssd_ms, Some(62.3));
        assert_eq!(write_wellness(&parsed.records), w);

        let e = "athlete_id,date,kind,severity,body_part,days_lost\np01,2020-01-02,injury,minor,left_knee,3\np01,2020-01-09,illness,,,\n";
        let parsed = parse_events("e.csv", e, BadRows::Fail, DateWindow::default()).unwrap();
        assert_eq!(parsed.records[0].days_lost, Some(3));
        assert_eq!(write_events(&parsed.records), e);
        let bad = parse_events(
            "e.csv",
            "athlete_id,date,kind\np01,2020-01-02,flu\n",
            BadRows::Fail,
            DateWindow::default(),
        )
        .unwrap_err();
        assert!(bad.accepted.contains("`injury` or `illness`"));
    }

    /// Every numeric column at each end of its range, then one step past it.
    #[test]
    fn each_column_accepts_its_limits_and_refuses_one_past_them_naming_line_column_and_range() {
        let dates = DateWindow::new(date(2020, 3, 31));
        let sessions = [
            ("duration_min", bounds::DURATION_MIN),
            ("rpe", bounds::RPE),
            ("load", bounds::LOAD),
            ("distance_km", bounds::DISTANCE_KM),
            ("avg_hr", bounds::AVG_HR),
        ];
        for (column, bound) in sessions {
            for (value, ok) in [
                (bound.min, true),
                (bound.max, true),
                (bound.min - 1.0, false),
                (bound.max + 1.0, false),
            ] {
                let text = if column == "load" {
                    format!("athlete_id,date,load\np01,2020-01-02,{value}\n")
                } else {
                    format!("athlete_id,date,load,{column}\np01,2020-01-02,100,{value}\n")
                };
                let parsed = parse_sessions("s.csv", &text, BadRows::Fail, dates);
                match parsed {
                    Ok(_) if ok => {}
                    Err(e) if !ok => {
                        assert_eq!((e.line, e.column.as_str()), (2, column), "{e}");
                        assert_eq!(e.accepted, bound.accepted, "{e}");
                    }
                    other => panic!("{column} = {value}: {other:?}"),
                }
            }
        }
        let wellness = [
            ("sleep_h", bounds::SLEEP_H),
            ("fatigue", bounds::WELLNESS_SCALE),
            ("readiness", bounds::WELLNESS_SCALE),
            ("hrv_rmssd_ms", bounds::HRV_RMSSD_MS),
            ("resting_hr", bounds::RESTING_HR),
        ];
        for (column, bound) in wellness {
            for (value, ok) in [(bound.max, true), (bound.max + 1.0, false)] {
                let text = format!("athlete_id,date,{column}\np01,2020-01-02,{value}\n");
                let parsed = parse_wellness("w.csv", &text, BadRows::Fail, dates);
                assert_eq!(parsed.is_ok(), ok, "{column} = {value}: {parsed:?}");
                if let Err(e) = parsed {
                    assert_eq!((e.line, e.column.as_str()), (2, column));
                }
            }
        }
        let days = |n: &str| {
            parse_events(
                "e.csv",
                &format!("athlete_id,date,kind,days_lost\np01,2020-01-02,injury,{n}\n"),
                BadRows::Fail,
                dates,
            )
        };
        assert_eq!(days("3650").unwrap().records[0].days_lost, Some(3650));
        assert_eq!(days("3651").unwrap_err().column, "days_lost");
    }

    #[test]
    fn a_load_of_1e308_and_a_day_outside_the_window_are_refused() {
        let dates = DateWindow::new(date(2020, 3, 31));
        let read = |row: &str| {
            parse_sessions(
                "s.csv",
                &format!("athlete_id,date,load\n{row}\n"),
                BadRows::Fail,
                dates,
            )
        };
        let e = read("p01,2020-01-02,1e308").unwrap_err();
        assert_eq!((e.column.as_str(), e.value.as_str()), ("load", "1e308"));
        for day in ["0000-01-01", "1899-12-31", "2030-04-01", "9999-12-31"] {
            let e = read(&format!("p01,{day},100")).unwrap_err();
            assert_eq!((e.line, e.column.as_str()), (2, "date"), "{e}");
            assert!(e.accepted.contains("1900-01-01 to 2030-03-31"), "{e}");
        }
        assert!(read("p01,1900-01-01,100").is_ok());
        assert!(read("p01,2030-03-31,100").is_ok());
    }

    #[test]
    fn a_long_text_cell_and_a_repeated_column_are_refused_by_name() {
        let dates = DateWindow::default();
        let long = format!(
            "athlete_id,date,load,sport\np01,2020-01-02,1,{}\n",
            "x".repeat(65)
        );
        let e = parse_sessions("s.csv", &long, BadRows::Fail, dates).unwrap_err();
        assert_eq!(e.column, "sport");
        assert!(e.accepted.contains("64 characters"), "{e}");
        let e = parse_events(
            "e.csv",
            &format!(
                "athlete_id,date,kind,body_part\np01,2020-01-02,injury,{}\n",
                "k".repeat(65)
            ),
            BadRows::Skip,
            dates,
        )
        .unwrap();
        assert_eq!(e.skipped[0].column, "body_part");

        let twice = "athlete_id,date,load,rpe,load\np01,2020-01-02,1,5,2\n";
        let e = parse_sessions("s.csv", twice, BadRows::Skip, dates).unwrap_err();
        assert_eq!((e.line, e.column.as_str()), (1, "load"));
        assert!(e.accepted.contains("column 3 and column 5"), "{e}");
        let e =
            parse_wellness("w.csv", "athlete_id,date,date\n", BadRows::Fail, dates).unwrap_err();
        assert_eq!(e.column, "date");
    }

    #[test]
    fn text_that_looks_like_a_formula_reads_back_as_written() {
        let sessions = [Session {
            athlete_id: "p01".parse().unwrap(),
            date: date(2020, 1, 2),
            sport: Some("=1+1".to_owned()),
            duration_min: None,
            rpe: None,
            load: 5.0,
            distance_km: None,
            avg_hr: None,
            source: Some("@source".to_owned()),
        }];
        let text = write_sessions(&sessions);
        assert!(text.contains(",'=1+1,"), "{text}");
        let read = parse_sessions("s.csv", &text, BadRows::Fail, DateWindow::default()).unwrap();
        assert_eq!(read.records, sessions);
        assert_eq!(read.lines, [2]);
    }
}

//! Forma's canonical CSV files (sessions, wellness, events): parsing them into
//! domain types with errors that name file, line, column, value and what is
//! accepted, and writing them back.
//!
//! Layouts (DESIGN.md "Canonical files"), header row required, columns in any order:
//! - sessions: `athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source`
//! - wellness: `athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr`
//! - events: `athlete_id,date,kind,severity,body_part,days_lost`

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::csv_text::{write_cell, write_number, Reader};
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
    /// The rows left out, each with its error (empty in fail mode).
    pub skipped: Vec<CsvError>,
}

struct Table<'a> {
    file: &'a str,
    /// Header cells as written, for the missing-column error.
    head: Vec<Cow<'a, str>>,
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
    ) -> Result<Self, CsvError> {
        let mut reader = Reader::new(text);
        let mut head = Vec::new();
        let Some(head_line) = reader.next_record(&mut head) else {
            return Err(CsvError {
                file: file.to_owned(),
                line: 1,
                column: "(header)".to_owned(),
                value: String::new(),
                accepted: format!("a header row such as `{header}`"),
            });
        };
        let table = Self {
            file,
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

    /// The column's index; the last one when the header repeats a name.
    fn position(&self, name: &str) -> Option<usize> {
        self.head.iter().rposition(|c| c.trim() == name)
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
        row: impl FnMut(&Row<'_, 'a>) -> Result<T, CsvError>,
    ) -> Result<Parsed<T>, CsvError> {
        let mut records = Vec::with_capacity(self.rows);
        let skipped = self.for_each(bad, row, |t| records.push(t))?;
        Ok(Parsed { records, skipped })
    }

    /// Reads every row with `row` and hands each record to `keep`, returning
    /// the rows skipped.
    fn for_each<T>(
        mut self,
        bad: BadRows,
        mut row: impl FnMut(&Row<'_, 'a>) -> Result<T, CsvError>,
        mut keep: impl FnMut(T),
    ) -> Result<Vec<CsvError>, CsvError> {
        let mut skipped = Vec::new();
        let mut cells = Vec::with_capacity(self.head.len());
        while let Some(line) = self.reader.next_record(&mut cells) {
            let r = Row {
                file: self.file,
                line,
                cells: &cells,
            };
            match row(&r) {
                Ok(t) => keep(t),
                Err(e) if bad == BadRows::Skip => skipped.push(e),
                Err(e) => return Err(e),
            }
        }
        Ok(skipped)
    }
}

struct Row<'r, 'a> {
    file: &'r str,
    line: usize,
    cells: &'r [Cow<'a, str>],
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

impl<'a> Row<'_, 'a> {
    /// The trimmed cell, `None` when the column is absent or the cell empty.
    #[inline(always)]
    fn cell(&self, column: Column) -> Option<&str> {
        let c = trim(self.cells.get(column.index?)?);
        (!c.is_empty()).then_some(c)
    }

    /// As [`Row::cell`], still borrowed from the file when it was not quoted.
    #[inline(always)]
    fn text(&self, column: Column) -> Option<Cow<'a, str>> {
        let trimmed: Cow<'a, str> = match self.cells.get(column.index?)? {
            Cow::Borrowed(c) => Cow::Borrowed(trim(c)),
            Cow::Owned(c) => Cow::Owned(trim(c).to_owned()),
        };
        (!trimmed.is_empty()).then_some(trimmed)
    }

    fn error(&self, column: Column, e: ValueError) -> CsvError {
        CsvError {
            file: self.file.to_owned(),
            line: self.line,
            column: column.name.to_owned(),
            value: e.value,
            accepted: e.accepted.to_owned(),
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

    #[inline(always)]
    fn number(
        &self,
        column: Column,
        min: f64,
        max: f64,
        accepted: &'static str,
    ) -> Result<Option<f64>, CsvError> {
        self.optional(column, |c| parse_number(column.name, c, min, max, accepted))
    }

    /// The athlete id, checked but still borrowed when it was not quoted.
    fn athlete_id(&self, column: Column) -> Result<Cow<'a, str>, CsvError> {
        const ACCEPTED: &str = "an athlete id such as p01";
        let id = self
            .text(column)
            .ok_or_else(|| self.error(column, ValueError::new(column.name, "", ACCEPTED)))?;
        AthleteId::check(&id).map_err(|e| self.error(column, e))?;
        Ok(id)
    }

    fn date(&self, column: Column) -> Result<jiff::civil::Date, CsvError> {
        self.required(column, "a date written YYYY-MM-DD", parse_date)
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

    fn owned(&self, row: &Row<'_, '_>) -> Result<(AthleteId, jiff::civil::Date), CsvError> {
        let id = row.athlete_id(self.athlete_id)?;
        Ok((
            AthleteId::from_checked(id.into_owned()),
            row.date(self.date)?,
        ))
    }
}

const SCALE: &str = "a number from 0 to 10, or an empty cell";

/// Parses canonical sessions CSV text. `file` names the file in errors. An empty
/// `load` cell means RPE x minutes.
///
/// # Errors
/// The first unreadable cell in [`BadRows::Fail`] mode, or a missing header.
///
/// ```
/// use forma_core::canonical::{parse_sessions, BadRows};
/// let text = "athlete_id,date,duration_min,rpe,load\np01,2020-01-02,60,5,\n";
/// let parsed = parse_sessions("sessions.csv", text, BadRows::Fail).unwrap();
/// assert_eq!(parsed.records[0].load, 300.0);
///
/// let bad = "athlete_id,date,duration_min,rpe,load\np01,2020-01-02,60,11,\n";
/// let err = parse_sessions("sessions.csv", bad, BadRows::Fail).unwrap_err();
/// assert_eq!(err.to_string(),
///     "sessions.csv, line 2, column rpe: `11` is not valid: expected an RPE from 0 to 10 (CR-10 scale)");
/// ```
pub fn parse_sessions(file: &str, text: &str, bad: BadRows) -> Result<Parsed<Session>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date"], SESSIONS_HEADER)?;
    let columns = SessionColumns::new(&table);
    table.parse(bad, |row| {
        let r = columns.read(row)?;
        Ok(Session {
            athlete_id: AthleteId::from_checked(r.athlete_id.into_owned()),
            date: r.date,
            sport: r.sport.map(Cow::into_owned),
            duration_min: r.duration_min,
            rpe: r.rpe,
            load: r.load,
            distance_km: r.distance_km,
            avg_hr: r.avg_hr,
            source: r.source.map(Cow::into_owned),
        })
    })
}

/// What the daily series needs from one session: whose, which day, how much.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionDay<'a> {
    /// A checked athlete id, borrowed from the file unless it was quoted.
    pub athlete_id: Cow<'a, str>,
    pub session: SessionLoad,
}

/// As [`parse_sessions`], with the same checks and errors, handing `keep` only
/// what the daily series needs and copying no text: the fast path for large
/// files. Returns the rows skipped.
pub(crate) fn read_session_days<'a>(
    file: &'a str,
    text: &'a str,
    bad: BadRows,
    keep: impl FnMut(SessionDay<'a>),
) -> Result<Vec<CsvError>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date"], SESSIONS_HEADER)?;
    let columns = SessionColumns::new(&table);
    table.for_each(
        bad,
        |row| {
            let r = columns.read(row)?;
            Ok(SessionDay {
                athlete_id: r.athlete_id,
                session: SessionLoad {
                    day: epoch_day(r.date),
                    load: r.load,
                    rpe: r.rpe,
                },
            })
        },
        keep,
    )
}

/// A checked sessions row, its text still borrowed from the file.
struct SessionRow<'a> {
    athlete_id: Cow<'a, str>,
    date: jiff::civil::Date,
    sport: Option<Cow<'a, str>>,
    duration_min: Option<f64>,
    rpe: Option<f64>,
    load: f64,
    distance_km: Option<f64>,
    avg_hr: Option<f64>,
    source: Option<Cow<'a, str>>,
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

    fn read<'a>(&self, row: &Row<'_, 'a>) -> Result<SessionRow<'a>, CsvError> {
        let athlete_id = row.athlete_id(self.key.athlete_id)?;
        let date = row.date(self.key.date)?;
        let duration_min = row.number(
            self.duration_min,
            0.0,
            1440.0,
            "a duration in minutes from 0 to 1440, or an empty cell",
        )?;
        let rpe = row.number(self.rpe, 0.0, 10.0, "an RPE from 0 to 10 (CR-10 scale)")?;
        let given = row.number(
            self.load,
            f64::MIN,
            f64::MAX,
            "a number, or an empty cell to use RPE x duration_min",
        )?;
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
            sport: row.text(self.sport),
            duration_min,
            rpe,
            load,
            distance_km: row.number(
                self.distance_km,
                0.0,
                10_000.0,
                "a distance in km from 0 to 10000, or an empty cell",
            )?,
            avg_hr: row.number(
                self.avg_hr,
                20.0,
                250.0,
                "a heart rate from 20 to 250 bpm, or an empty cell",
            )?,
            source: row.text(self.source),
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
) -> Result<Parsed<WellnessEntry>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date"], WELLNESS_HEADER)?;
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
        Ok(WellnessEntry {
            athlete_id,
            date,
            sleep_h: row.number(sleep_h, 0.0, 24.0, "hours from 0 to 24, or an empty cell")?,
            sleep_quality: row.number(sleep_quality, 0.0, 10.0, SCALE)?,
            fatigue: row.number(fatigue, 0.0, 10.0, SCALE)?,
            soreness: row.number(soreness, 0.0, 10.0, SCALE)?,
            stress: row.number(stress, 0.0, 10.0, SCALE)?,
            mood: row.number(mood, 0.0, 10.0, SCALE)?,
            readiness: row.number(readiness, 0.0, 10.0, SCALE)?,
            hrv_rmssd_ms: row.number(
                hrv_rmssd_ms,
                1.0,
                500.0,
                "an rMSSD from 1 to 500 ms, or an empty cell",
            )?,
            resting_hr: row.number(
                resting_hr,
                20.0,
                200.0,
                "a resting heart rate from 20 to 200 bpm, or an empty cell",
            )?,
        })
    })
}

/// Parses canonical events CSV text.
///
/// # Errors
/// As [`parse_sessions`].
pub fn parse_events(file: &str, text: &str, bad: BadRows) -> Result<Parsed<Event>, CsvError> {
    let table = Table::new(file, text, &["athlete_id", "date", "kind"], EVENTS_HEADER)?;
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
            body_part: row.text(body_part).map(Cow::into_owned),
            days_lost: row.optional(days_lost, |c| {
                c.parse::<u32>().map_err(|_| {
                    ValueError::new("days_lost", c, "a whole number of days, or an empty cell")
                })
            })?,
        })
    })
}

fn push_opt_num(out: &mut String, x: Option<f64>) {
    out.push(',');
    if let Some(x) = x {
        write_number(out, x);
    }
}

fn push_opt_text(out: &mut String, x: Option<&str>) {
    out.push(',');
    if let Some(x) = x {
        write_cell(out, x);
    }
}

/// Writes sessions as canonical CSV, header included. `load` is always written.
pub fn write_sessions(sessions: &[Session]) -> String {
    let mut out = String::with_capacity(64 * (sessions.len() + 1));
    out.push_str(SESSIONS_HEADER);
    out.push('\n');
    for s in sessions {
        out.push_str(s.athlete_id.as_str());
        out.push(',');
        out.push_str(&s.date.to_string());
        push_opt_text(&mut out, s.sport.as_deref());
        push_opt_num(&mut out, s.duration_min);
        push_opt_num(&mut out, s.rpe);
        push_opt_num(&mut out, Some(s.load));
        push_opt_num(&mut out, s.distance_km);
        push_opt_num(&mut out, s.avg_hr);
        push_opt_text(&mut out, s.source.as_deref());
        out.push('\n');
    }
    out
}

/// Writes wellness entries as canonical CSV, header included.
pub fn write_wellness(entries: &[WellnessEntry]) -> String {
    let mut out = String::with_capacity(64 * (entries.len() + 1));
    out.push_str(WELLNESS_HEADER);
    out.push('\n');
    for w in entries {
        out.push_str(w.athlete_id.as_str());
        out.push(',');
        out.push_str(&w.date.to_string());
        for x in [
            w.sleep_h,
            w.sleep_quality,
            w.fatigue,
            w.soreness,
            w.stress,
            w.mood,
            w.readiness,
            w.hrv_rmssd_ms,
            w.resting_hr,
        ] {
            push_opt_num(&mut out, x);
        }
        out.push('\n');
    }
    out
}

/// Writes events as canonical CSV, header included.
pub fn write_events(events: &[Event]) -> String {
    let mut out = String::with_capacity(48 * (events.len() + 1));
    out.push_str(EVENTS_HEADER);
    out.push('\n');
    for e in events {
        out.push_str(e.athlete_id.as_str());
        out.push(',');
        out.push_str(&e.date.to_string());
        out.push(',');
        out.push_str(&e.kind.to_string());
        push_opt_text(&mut out, e.severity.map(|s| s.to_string()).as_deref());
        push_opt_text(&mut out, e.body_part.as_deref());
        push_opt_num(&mut out, e.days_lost.map(f64::from));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_round_trip_through_canonical_csv() {
        let text = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n\
                    p01,2020-01-02,\"running, easy\",45,6,,7.5,141,pmsys\n\
                    p02,2020-01-03,,,,120.5,,,fit\n";
        let parsed = parse_sessions("s.csv", text, BadRows::Fail).unwrap();
        assert_eq!(parsed.records.len(), 2);
        assert_eq!(parsed.records[0].load, 270.0);
        assert_eq!(parsed.records[0].sport.as_deref(), Some("running, easy"));
        let again =
            parse_sessions("s.csv", &write_sessions(&parsed.records), BadRows::Fail).unwrap();
        assert_eq!(again.records, parsed.records);
    }

    #[test]
    fn a_bad_row_names_file_line_column_value_and_what_is_accepted() {
        let text = "athlete_id,date,rpe,duration_min\np01,2020-13-01,5,30\np01,2020-01-02,5,\n";
        let err = parse_sessions("team.csv", text, BadRows::Fail).unwrap_err();
        assert_eq!(err.line, 2);
        assert_eq!(err.column, "date");
        assert_eq!(err.value, "2020-13-01");
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");

        let parsed = parse_sessions("team.csv", text, BadRows::Skip).unwrap();
        assert!(parsed.records.is_empty());
        assert_eq!(parsed.skipped.len(), 2);
        assert_eq!(parsed.skipped[1].column, "load");
        assert!(parsed.skipped[1].accepted.contains("RPE x minutes"));
    }

    #[test]
    fn a_missing_header_column_is_named() {
        let err = parse_sessions("s.csv", "athlete,date\n", BadRows::Skip).unwrap_err();
        assert_eq!(err.column, "athlete_id");
        assert_eq!(err.line, 1);
        let err = parse_wellness("w.csv", "", BadRows::Fail).unwrap_err();
        assert!(err.accepted.contains("header"));
    }

    #[test]
    fn wellness_and_events_round_trip() {
        let w = "athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr\n\
                 p01,2020-01-02,7.5,3,2,,3,4,8,62.3,51\n";
        let parsed = parse_wellness("w.csv", w, BadRows::Fail).unwrap();
        assert_eq!(parsed.records[0].soreness, None);
        assert_eq!(parsed.records[0].hrv_rmssd_ms, Some(62.3));
        assert_eq!(write_wellness(&parsed.records), w);

        let e = "athlete_id,date,kind,severity,body_part,days_lost\np01,2020-01-02,injury,minor,left_knee,3\np01,2020-01-09,illness,,,\n";
        let parsed = parse_events("e.csv", e, BadRows::Fail).unwrap();
        assert_eq!(parsed.records[0].days_lost, Some(3));
        assert_eq!(write_events(&parsed.records), e);
        let bad = parse_events(
            "e.csv",
            "athlete_id,date,kind\np01,2020-01-02,flu\n",
            BadRows::Fail,
        )
        .unwrap_err();
        assert!(bad.accepted.contains("`injury` or `illness`"));
    }
}

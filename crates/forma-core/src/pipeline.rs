//! The calls the command line and the server make: canonical CSV text in,
//! metrics CSV or a data-quality report out.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::bounds::DateWindow;
use crate::canonical::{parse_sessions, parse_wellness, read_session_days, BadRows, CsvError};
use crate::csv_text::{line_ends, Reader};
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
    /// The days a row may fall on (the command line gives today's window).
    #[serde(skip)]
    pub dates: DateWindow,
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
    dates: DateWindow,
) -> Result<Inputs, CsvError> {
    let sessions = parse_sessions("sessions.csv", sessions_csv, bad_rows, dates)?;
    let mut inputs = Inputs {
        sessions: sessions.records,
        wellness: Vec::new(),
        skipped: sessions.skipped,
    };
    if let Some(text) = wellness_csv {
        let wellness = parse_wellness("wellness.csv", text, bad_rows, dates)?;
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
/// Natively, a large sessions file is read and the series are built on every
/// core.
///
/// # Errors
/// As [`read_inputs`].
#[inline]
pub fn read_series(
    sessions: CsvFile<'_>,
    wellness: Option<CsvFile<'_>>,
    bad_rows: BadRows,
    dates: DateWindow,
    end: Option<Date>,
) -> Result<SeriesRead, CsvError> {
    let rows = read_athlete_rows(sessions, wellness, bad_rows, dates, end)?;
    let athletes = rows.len();
    #[cfg(not(target_arch = "wasm32"))]
    let series = {
        use rayon::prelude::*;
        (0..athletes)
            .into_par_iter()
            .filter_map(|i| rows.series(i))
            .collect()
    };
    #[cfg(target_arch = "wasm32")]
    let series = (0..athletes).filter_map(|i| rows.series(i)).collect();
    Ok(SeriesRead {
        series,
        skipped: rows.skipped,
    })
}

/// Every athlete's rows from the canonical files, sorted by athlete id, each
/// ready to become a daily series: what [`read_series`] reads before it builds
/// them, for a caller that lays out one athlete's days at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct AthleteRows {
    athletes: Vec<AthleteDays>,
    end_day: Option<i32>,
    /// Input rows left out in skip mode.
    pub skipped: Vec<CsvError>,
}

impl AthleteRows {
    /// The number of athletes.
    pub fn len(&self) -> usize {
        self.athletes.len()
    }

    /// Whether no athlete was found.
    pub fn is_empty(&self) -> bool {
        self.athletes.is_empty()
    }

    /// The number of days athlete `index`'s series will hold (0 when none).
    pub fn days(&self, index: usize) -> usize {
        let Some(a) = self.athletes.get(index) else {
            return 0;
        };
        let in_range = |d: &i32| self.end_day.is_none_or(|e| *d <= e);
        let days = a
            .sessions
            .iter()
            .map(|s| s.day)
            .chain(a.observed_days.iter().copied());
        let (first, last) = days
            .filter(in_range)
            .fold((i32::MAX, i32::MIN), |(f, l), d| (f.min(d), l.max(d)));
        let last = self.end_day.unwrap_or(last);
        usize::try_from(i64::from(last) - i64::from(first) + 1).unwrap_or(0)
    }

    /// Athlete `index`'s daily series, or `None` when nothing of theirs falls
    /// on or before the end.
    pub fn series(&self, index: usize) -> Option<DailySeries> {
        let a = self.athletes.get(index)?;
        let id = AthleteId::from_checked(a.id.to_string());
        DailySeries::from_days(id, &a.sessions, &a.observed_days, self.end_day)
    }

    /// As [`AthleteRows::series`], laid out in `buffer`, whose vectors are
    /// reused from one athlete to the next.
    #[inline]
    pub fn series_into<'b>(
        &self,
        index: usize,
        buffer: &'b mut Option<DailySeries>,
    ) -> Option<&'b DailySeries> {
        let a = self.athletes.get(index)?;
        let Some(series) = buffer else {
            *buffer = self.series(index);
            return buffer.as_ref();
        };
        if !series.fill_from_days(&a.sessions, &a.observed_days, self.end_day) {
            return None;
        }
        if series.athlete_id.as_str() != a.id {
            series.athlete_id = AthleteId::from_checked(a.id.to_string());
        }
        Some(series)
    }
}

/// Reads canonical sessions and (optionally) wellness CSV into every athlete's
/// rows, as [`read_series`] does before it builds their series.
///
/// # Errors
/// As [`read_inputs`].
// `inline`, and called here only from `inline` functions, so that the only copy
// of the per-row work is compiled in the calling crate: for speed in the
// server's native build, for size in the browser's. With a copy compiled here
// as well, a native build read the benchmark file about 15% slower.
#[inline]
pub fn read_athlete_rows(
    sessions: CsvFile<'_>,
    wellness: Option<CsvFile<'_>>,
    bad_rows: BadRows,
    dates: DateWindow,
    end: Option<Date>,
) -> Result<AthleteRows, CsvError> {
    let (mut athletes, mut skipped) = read_session_rows(sessions, bad_rows, dates, cores())?;
    if let Some(file) = wellness {
        let parsed = parse_wellness(file.name, file.text, bad_rows, dates)?;
        skipped.extend(parsed.skipped);
        for w in parsed.records {
            let day = epoch_day(w.date);
            athletes.get(w.athlete_id.as_str()).observed_days.push(day);
        }
    }
    let mut athletes = athletes.list;
    athletes.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Ok(AthleteRows {
        athletes,
        end_day: end.map(epoch_day),
        skipped,
    })
}

/// The number of threads to share work between: rayon's pool natively, one in
/// the browser, which has no threads.
fn cores() -> usize {
    #[cfg(target_arch = "wasm32")]
    return 1;
    #[cfg(not(target_arch = "wasm32"))]
    rayon::current_num_threads()
}

/// `a` and `b`, at the same time natively.
fn both<A, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B)
where
    A: Send,
    B: Send,
{
    #[cfg(not(target_arch = "wasm32"))]
    return rayon::join(a, b);
    #[cfg(target_arch = "wasm32")]
    (a(), b())
}

/// Reads the sessions rows grouped by athlete, each athlete's in file order,
/// and the rows skipped. A large file is cut into pieces, `threads * 8` at most,
/// read at the same time, with the same rows, order and errors as when read
/// whole.
#[inline]
fn read_session_rows<'a>(
    file: CsvFile<'a>,
    bad_rows: BadRows,
    dates: DateWindow,
    threads: usize,
) -> Result<(Athletes, Vec<CsvError>), CsvError> {
    let mut athletes = Athletes::default();
    // Several pieces per thread, so that a thread slowed by other work on the
    // machine holds up the rest for less.
    let pieces = (threads > 1).then(|| RowPieces::split(file.text, threads * 8));
    let Some(pieces) = pieces.flatten() else {
        let skipped = read_session_days(file.name, file.text, bad_rows, dates, |row| {
            athletes.get(row.athlete_id).sessions.push(row.session);
        })?;
        return Ok((athletes, skipped));
    };
    let (first, read) = both(
        // The first piece, header and all, read straight from the file.
        || {
            read_session_days(file.name, pieces.first(), bad_rows, dates, |row| {
                athletes.get(row.athlete_id).sessions.push(row.session);
            })
        },
        || read_later_pieces(&pieces, file.name, bad_rows, dates),
    );
    let mut skipped = first?;
    for piece in read {
        let (list, piece_skipped) = piece?;
        skipped.extend(piece_skipped);
        for days in list {
            let same = athletes.get(&days.id);
            if same.sessions.is_empty() {
                // Most athletes appear in one piece: their rows move, uncopied.
                same.sessions = days.sessions;
            } else {
                same.sessions.extend(days.sessions);
            }
        }
    }
    Ok((athletes, skipped))
}

/// One piece's athletes, with their ids copied, and the rows skipped.
type PieceRead = Result<(Vec<AthleteDays>, Vec<CsvError>), CsvError>;

/// Every piece but the first, in order: natively on rayon's pool, a piece at a
/// time (several pieces per thread, so that a thread slowed by other work on
/// the machine holds up the rest for less), each thread reusing one buffer.
fn read_later_pieces(
    pieces: &RowPieces<'_>,
    file: &str,
    bad_rows: BadRows,
    dates: DateWindow,
) -> Vec<PieceRead> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use rayon::prelude::*;
        (1..pieces.len())
            .into_par_iter()
            .with_max_len(1)
            .map_init(String::new, |text, k| {
                pieces.read(k, text, file, bad_rows, dates)
            })
            .collect()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let mut text = String::new();
        (1..pieces.len())
            .map(|k| pieces.read(k, &mut text, file, bad_rows, dates))
            .collect()
    }
}

/// A CSV text cut at line ends into pieces that can be read at the same time,
/// each after a copy of the header.
struct RowPieces<'a> {
    text: &'a str,
    /// The header record and any blank lines or byte-order mark before it.
    header: &'a str,
    /// Where each piece starts, then the end of the text; the first piece
    /// starts at 0 and includes the header.
    starts: Vec<usize>,
}

impl<'a> RowPieces<'a> {
    /// Below this size one thread reads faster than several start.
    const MIN_BYTES: usize = 1 << 20;

    /// Cuts `text` into up to `parts` pieces of similar size, or `None` when it
    /// is small or holds a quote (a quoted cell may hold a line break, so a line
    /// end is not known to end a record).
    fn split(text: &'a str, parts: usize) -> Option<Self> {
        if parts < 2 || text.len() < Self::MIN_BYTES || text.as_bytes().contains(&b'"') {
            return None;
        }
        let mut reader = Reader::new(text);
        reader.next_record(&mut csv::StringRecord::new())?;
        // The header with its whole line end: the reader stops after the CR of a CR LF.
        let mut end = reader.consumed();
        let bytes = text.as_bytes();
        if end > 0 && bytes.get(end - 1) == Some(&b'\r') && bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        let header = text.get(..end)?;
        let body = text.len() - header.len();
        let mut starts = vec![0];
        for k in 1..parts {
            let aim = (header.len() + body / parts * k).max(*starts.last()?);
            if let Some(line_end) = text.as_bytes()[aim..].iter().position(|b| *b == b'\n') {
                let start = aim + line_end + 1;
                if start < text.len() {
                    starts.push(start);
                }
            }
        }
        starts.push(text.len());
        (starts.len() > 2).then_some(Self {
            text,
            header,
            starts,
        })
    }

    /// The number of pieces.
    fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The first piece, header and all.
    fn first(&self) -> &'a str {
        &self.text[..self.starts[1]]
    }

    /// Reads piece `k` (not the first) after a copy of the header in `text`,
    /// and gives line numbers as counted in the whole text.
    #[inline]
    fn read(
        &self,
        k: usize,
        text: &mut String,
        file: &str,
        bad_rows: BadRows,
        dates: DateWindow,
    ) -> PieceRead {
        let (start, end) = (self.starts[k], self.starts[k + 1]);
        text.clear();
        text.push_str(self.header);
        text.push_str(&self.text[start..end]);
        let mut athletes = Athletes::default();
        let result = read_session_days(file, text, bad_rows, dates, |row| {
            athletes.get(row.athlete_id).sessions.push(row.session);
        });
        // Only a piece with a bad row needs to count the lines before it.
        let lines_before = || line_ends(&self.text.as_bytes()[self.header.len()..start]);
        let skipped = match result {
            Ok(skipped) if skipped.is_empty() => skipped,
            Ok(mut skipped) => {
                let lines = lines_before();
                for error in &mut skipped {
                    error.line += lines;
                }
                skipped
            }
            Err(mut error) => {
                error.line += lines_before();
                return Err(error);
            }
        };
        Ok((athletes.list, skipped))
    }
}

/// One athlete's rows, in file order.
#[derive(Debug, Clone, PartialEq)]
struct AthleteDays {
    id: String,
    sessions: Vec<SessionLoad>,
    observed_days: Vec<i32>,
}

/// Rows grouped by athlete, in order of first appearance.
#[derive(Default)]
struct Athletes {
    list: Vec<AthleteDays>,
    index: HashMap<String, usize>,
    /// The last athlete found: files usually list an athlete's rows together,
    /// so most rows need no hash look-up.
    current: usize,
}

impl Athletes {
    /// The athlete's rows; the id is copied only the first time it is seen.
    #[inline]
    fn get(&mut self, id: &str) -> &mut AthleteDays {
        if self.list.get(self.current).is_none_or(|a| a.id != id) {
            self.current = match self.index.get(id) {
                Some(i) => *i,
                None => {
                    self.index.insert(id.to_owned(), self.list.len());
                    self.list.push(AthleteDays {
                        id: id.to_owned(),
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
#[inline]
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
        input.dates,
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
    let mut out = Vec::with_capacity(160 * (days + 1));
    out.extend_from_slice(METRICS_HEADER.as_bytes());
    out.push(b'\n');
    let mut metrics = DailyMetrics::default();
    for s in series {
        metrics.compute_into(s, options);
        metrics.write_csv_rows(&mut out);
    }
    String::from_utf8(out).expect("the metrics CSV is ASCII")
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
    let inputs = read_inputs(sessions_csv, wellness_csv, input.bad_rows, input.dates)?;
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
            let inputs = read_inputs(sessions, Some(wellness), bad, DateWindow::default()).unwrap();
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
                DateWindow::default(),
                end,
            )
            .unwrap();
            assert_eq!(read.series, build_series(&inputs, end));
            assert_eq!(read.skipped, inputs.skipped);

            // One athlete at a time into one reused series: the same series.
            let rows = read_athlete_rows(
                CsvFile {
                    name: "sessions.csv",
                    text: sessions,
                },
                Some(CsvFile {
                    name: "wellness.csv",
                    text: wellness,
                }),
                bad,
                DateWindow::default(),
                end,
            )
            .unwrap();
            let mut buffer = None;
            let mut one_by_one = Vec::new();
            for i in 0..rows.len() {
                if let Some(series) = rows.series_into(i, &mut buffer) {
                    assert_eq!(rows.days(i), series.len());
                    one_by_one.push(series.clone());
                }
            }
            assert_eq!(one_by_one, read.series);
        }
        let fail = read_series(
            CsvFile {
                name: "sessions.csv",
                text: sessions,
            },
            None,
            BadRows::Fail,
            DateWindow::default(),
            None,
        );
        assert_eq!(fail.unwrap_err().line, 6);
    }

    /// Sessions CSV of more than a megabyte: athletes whose rows are apart
    /// and share days, CR LF, lone CR and blank lines, and bad rows (RPE 11)
    /// at the given row numbers.
    fn large_sessions(bad: &[usize]) -> String {
        let mut text = String::from("\u{feff}\nathlete_id,date,rpe,duration_min,load\r\n");
        for row in 0..60_000 {
            let athlete = (row / 700) % 9;
            let day = 1 + row % 28;
            let rpe = if bad.contains(&row) { 11 } else { 1 + row % 10 };
            let end = ["\n", "\r\n", "\r", "\n\n"][row % 4];
            text.push_str(&format!(
                "p{athlete},2020-02-{day:02},{rpe},{},{end}",
                15 + row % 7
            ));
        }
        text
    }

    /// Each athlete's sessions in order of first appearance, and the rows skipped.
    type RowsRead = (Vec<(String, Vec<SessionLoad>)>, Vec<CsvError>);

    fn rows_and_errors(text: &str, bad: BadRows, parts: usize) -> Result<RowsRead, CsvError> {
        let file = CsvFile {
            name: "sessions.csv",
            text,
        };
        let (athletes, skipped) = read_session_rows(file, bad, DateWindow::default(), parts)?;
        let rows = athletes
            .list
            .into_iter()
            .map(|a| (a.id, a.sessions))
            .collect();
        Ok((rows, skipped))
    }

    #[test]
    fn a_large_file_read_in_pieces_gives_the_rows_and_errors_it_gives_read_whole() {
        let clean = large_sessions(&[]);
        assert!(RowPieces::split(&clean, 3).is_some_and(|p| p.len() == 3));
        let whole = rows_and_errors(&clean, BadRows::Fail, 1).unwrap();
        assert_eq!(rows_and_errors(&clean, BadRows::Fail, 3).unwrap(), whole);
        assert_eq!(whole.0.len(), 9);

        // Skipped rows in every piece, numbered as in the whole file.
        let bad = large_sessions(&[3, 25_001, 25_002, 59_999]);
        let whole = rows_and_errors(&bad, BadRows::Skip, 1).unwrap();
        assert_eq!(whole.1.len(), 4);
        assert_eq!(rows_and_errors(&bad, BadRows::Skip, 3).unwrap(), whole);
        assert_eq!(rows_and_errors(&bad, BadRows::Skip, 2).unwrap(), whole);

        // The first bad row stops the reading, wherever it lies.
        for rows in [[3, 59_999], [45_001, 59_999]] {
            let bad = large_sessions(&rows);
            let whole = rows_and_errors(&bad, BadRows::Fail, 1).unwrap_err();
            assert_eq!(rows_and_errors(&bad, BadRows::Fail, 3).unwrap_err(), whole);
            let parsed = parse_sessions("sessions.csv", &bad, BadRows::Fail, DateWindow::default())
                .unwrap_err();
            assert_eq!(parsed, whole);
        }
    }

    #[test]
    fn a_file_is_read_whole_when_small_or_quoted() {
        let text = large_sessions(&[]);
        assert!(RowPieces::split(&text, 1).is_none());
        assert!(RowPieces::split(&text[..100_000], 2).is_none());
        let quoted = text.replacen("p0,", "\"p0\",", 1);
        assert!(RowPieces::split(&quoted, 2).is_none());
        assert_eq!(line_ends(b"a\r\nb\rc\n\nd"), 4);
    }
}

//! The canonical labels file (DESIGN.md) in CSV or JSON Lines: written one row per
//! labelled day, read back with errors naming the line, column and value.

use std::collections::BTreeMap;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::vocabulary::{
    check_note, check_session_id, Label, LabelCode, KNOWN_VERSIONS, MAX_RANGE_DAYS,
};
use crate::canonical::CsvError;
use crate::csv_text::{duplicate_column, records, unescape_cell, write_csv, Text};
use crate::types::check_client_id;
use crate::types::{epoch_day, parse_date, AthleteId, ValueError};

/// Header of the labels file: DESIGN.md's canonical columns, then `label_id`, which
/// makes an import of the file idempotent and keeps a range one label. A label over
/// a range is one row per day, each with the same `label_id`.
pub const LABELS_HEADER: &str =
    "athlete_id,date,session_id,code,vocabulary_version,note,author,created_at,label_id";

const COLUMNS: [&str; 9] = [
    "athlete_id",
    "date",
    "session_id",
    "code",
    "vocabulary_version",
    "note",
    "author",
    "created_at",
    "label_id",
];
const REQUIRED: [&str; 6] = [
    "athlete_id",
    "date",
    "code",
    "vocabulary_version",
    "author",
    "created_at",
];

/// The two layouts of the labels file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelFormat {
    /// CSV with a header row.
    Csv,
    /// JSON Lines: one object per line with the CSV's columns as keys.
    Jsonl,
}

impl LabelFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            LabelFormat::Csv => "csv",
            LabelFormat::Jsonl => "jsonl",
        }
    }

    /// The media type of an HTTP answer in this layout.
    pub fn media_type(self) -> &'static str {
        match self {
            LabelFormat::Csv => "text/csv; charset=utf-8",
            LabelFormat::Jsonl => "application/x-ndjson",
        }
    }
}

impl FromStr for LabelFormat {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<LabelFormat, ValueError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(LabelFormat::Csv),
            "jsonl" | "ndjson" => Ok(LabelFormat::Jsonl),
            _ => Err(ValueError::new("format", text, "csv or jsonl")),
        }
    }
}

/// One row of the labels file: one label on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct LabelRow {
    athlete_id: String,
    date: String,
    session_id: Option<String>,
    code: String,
    vocabulary_version: String,
    note: Option<String>,
    author: String,
    created_at: String,
    label_id: String,
}

fn rows_of(labels: &[Label]) -> Vec<LabelRow> {
    let mut rows: Vec<(Date, &Label)> = labels
        .iter()
        .filter(|label| label.is_active())
        .flat_map(|label| label.days().map(move |day| (day, label)))
        .collect();
    rows.sort_by(|(a_day, a), (b_day, b)| {
        (&a.athlete_id, a_day, &a.created_at, &a.id).cmp(&(
            &b.athlete_id,
            b_day,
            &b.created_at,
            &b.id,
        ))
    });
    rows.into_iter()
        .map(|(day, label)| LabelRow {
            athlete_id: label.athlete_id.to_string(),
            date: day.to_string(),
            session_id: label.session_id.clone(),
            code: label.code.as_str().to_owned(),
            vocabulary_version: label.vocabulary_version.clone(),
            note: label.note.clone(),
            author: label.author.clone(),
            created_at: label.created_at.clone(),
            label_id: label.id.clone(),
        })
        .collect()
}

/// Writes the labels file: one row per labelled day (a range gives a row for each of
/// its days), ordered by athlete, day and time; labels taken back are left out.
///
/// ```
/// use forma_core::labels::{write_labels, read_labels, LabelFormat, NewLabel};
/// let label = NewLabel {
///     id: "label-0001".into(), date: "2020-01-06".into(), end_date: Some("2020-01-07".into()),
///     session_id: None, code: "travel".into(), note: Some("Camp, Spain".into()),
/// }
/// .into_label("p01".parse().unwrap(), "coach@demo.forma", "Demo Coach", "2020-01-08T07:00:00Z")
/// .unwrap();
/// let csv = write_labels(&[label.clone()], LabelFormat::Csv);
/// assert_eq!(csv.lines().nth(1).unwrap(),
///     "p01,2020-01-06,,travel,forma-labels-1,\"Camp, Spain\",coach@demo.forma,2020-01-08T07:00:00Z,label-0001");
/// assert_eq!(csv.lines().count(), 3, "a header and one row per day");
/// let back = read_labels("labels.csv", &csv, LabelFormat::Csv).unwrap();
/// assert_eq!(back[0].end_date, label.end_date);
/// ```
pub fn write_labels(labels: &[Label], format: LabelFormat) -> String {
    let rows = rows_of(labels);
    let mut out = String::new();
    match format {
        LabelFormat::Csv => {
            /// A [`LabelRow`] with every cell safe for a spreadsheet.
            #[derive(Serialize)]
            struct Cells<'a>([Text<'a>; 9]);
            out = write_csv(
                LABELS_HEADER,
                rows.iter().map(|row| {
                    Cells(
                        [
                            Some(row.athlete_id.as_str()),
                            Some(row.date.as_str()),
                            row.session_id.as_deref(),
                            Some(row.code.as_str()),
                            Some(row.vocabulary_version.as_str()),
                            row.note.as_deref(),
                            Some(row.author.as_str()),
                            Some(row.created_at.as_str()),
                            Some(row.label_id.as_str()),
                        ]
                        .map(Text),
                    )
                }),
            );
        }
        LabelFormat::Jsonl => {
            for row in &rows {
                out.push_str(&serde_json::to_string(row).expect("a row of strings serialises"));
                out.push('\n');
            }
        }
    }
    out
}

/// A row read from a file, with where it came from.
struct ReadRow {
    line: usize,
    cells: BTreeMap<&'static str, String>,
}

fn file_error(file: &str, line: usize, column: &str, value: &str, accepted: &str) -> CsvError {
    CsvError {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        value: value.chars().take(80).collect(),
        accepted: accepted.to_owned(),
    }
}

fn csv_rows(file: &str, text: &str) -> Result<Vec<ReadRow>, CsvError> {
    let mut records = records(text).into_iter();
    let Some(head) = records.next() else {
        return Err(file_error(
            file,
            1,
            "(header)",
            "",
            &format!("a header row such as `{LABELS_HEADER}`"),
        ));
    };
    if let Some(twice) = duplicate_column(&head.cells) {
        return Err(file_error(
            file,
            head.line,
            &twice.name,
            &head.cells.join(","),
            &twice.accepted(),
        ));
    }
    let position = |name: &str| head.cells.iter().position(|cell| cell.trim() == name);
    for name in REQUIRED {
        if position(name).is_none() {
            return Err(file_error(
                file,
                head.line,
                name,
                &head.cells.join(","),
                &format!("a header row with the column `{name}`, such as `{LABELS_HEADER}`"),
            ));
        }
    }
    let columns: Vec<(&'static str, Option<usize>)> =
        COLUMNS.iter().map(|name| (*name, position(name))).collect();
    Ok(records
        .map(|record| ReadRow {
            line: record.line,
            cells: columns
                .iter()
                .filter_map(|(name, index)| {
                    let cell = unescape_cell(record.cells.get((*index)?)?.trim());
                    (!cell.is_empty()).then(|| (*name, cell.to_owned()))
                })
                .collect(),
        })
        .collect())
}

fn jsonl_rows(file: &str, text: &str) -> Result<Vec<ReadRow>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(object)) => object,
            _ => {
                return Err(file_error(
                    file,
                    number,
                    "(line)",
                    line,
                    &format!("a JSON object with the keys {}", COLUMNS.join(", ")),
                ))
            }
        };
        let mut cells = BTreeMap::new();
        for name in COLUMNS {
            match object.get(name) {
                None | Some(serde_json::Value::Null) => {}
                Some(serde_json::Value::String(text)) if text.trim().is_empty() => {}
                Some(serde_json::Value::String(text)) => {
                    cells.insert(name, text.trim().to_owned());
                }
                Some(other) => {
                    return Err(file_error(
                        file,
                        number,
                        name,
                        &other.to_string(),
                        "a string, or null",
                    ))
                }
            }
        }
        for name in REQUIRED {
            if !cells.contains_key(name) {
                return Err(file_error(
                    file,
                    number,
                    name,
                    "",
                    &format!("the key `{name}` with a value"),
                ));
            }
        }
        rows.push(ReadRow {
            line: number,
            cells,
        });
    }
    Ok(rows)
}

/// FNV-1a, 64 bits: a stable id for a row of a file without `label_id`.
fn content_id(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0x1f]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("imported-{hash:016x}")
}

/// One row read and checked: a one-day label.
fn label_of_row(file: &str, row: &ReadRow) -> Result<Label, CsvError> {
    let cell = |name: &str| row.cells.get(name).map(String::as_str);
    let error = |name: &str, e: ValueError| file_error(file, row.line, name, &e.value, &e.accepted);
    let missing = |name: &str, accepted: &str| file_error(file, row.line, name, "", accepted);
    let athlete_id: AthleteId = cell("athlete_id")
        .ok_or_else(|| missing("athlete_id", "an athlete id such as p01"))?
        .parse()
        .map_err(|e| error("athlete_id", e))?;
    let date =
        parse_date(cell("date").ok_or_else(|| missing("date", "a date written YYYY-MM-DD"))?)
            .map_err(|e| error("date", e))?;
    let version = cell("vocabulary_version").unwrap_or_default();
    if !KNOWN_VERSIONS.contains(&version) {
        return Err(file_error(
            file,
            row.line,
            "vocabulary_version",
            version,
            &format!(
                "a vocabulary version this Forma knows: {}",
                KNOWN_VERSIONS.join(", ")
            ),
        ));
    }
    let code: LabelCode = cell("code")
        .unwrap_or_default()
        .parse()
        .map_err(|e| error("code", e))?;
    let session_id = cell("session_id").map(str::to_owned);
    if let Some(session) = &session_id {
        check_session_id(session).map_err(|e| error("session_id", e))?;
    }
    let note = cell("note").map(str::to_owned);
    check_note(code, note.as_deref()).map_err(|e| error("note", e))?;
    let author = cell("author")
        .ok_or_else(|| missing("author", "the author's email"))?
        .to_owned();
    let created_at = cell("created_at").unwrap_or_default();
    if created_at.parse::<jiff::Timestamp>().is_err() {
        return Err(file_error(
            file,
            row.line,
            "created_at",
            created_at,
            "a time in RFC 3339, such as 2020-01-08T07:00:00Z",
        ));
    }
    let id = match cell("label_id") {
        Some(id) => {
            check_client_id(id).map_err(|e| error("label_id", e))?;
            id.to_owned()
        }
        None => content_id(&[
            athlete_id.as_str(),
            &date.to_string(),
            session_id.as_deref().unwrap_or_default(),
            code.as_str(),
            note.as_deref().unwrap_or_default(),
            &author,
            created_at,
        ]),
    };
    Ok(Label {
        id,
        athlete_id,
        date,
        end_date: None,
        session_id,
        code,
        note,
        author_name: author.clone(),
        author,
        created_at: created_at.to_owned(),
        vocabulary_version: version.to_owned(),
        deleted_at: None,
    })
}

/// Reads a labels file ([`LABELS_HEADER`]; in CSV the columns may come in any order
/// and `session_id`, `note` and `label_id` may be left out). Rows with the same
/// `label_id` on consecutive days become one label over the range; a row repeated
/// exactly is read once.
///
/// # Errors
/// The first row that cannot be read, naming the file, line, column, value and what
/// is accepted; rows of one `label_id` that disagree or leave a gap.
///
/// ```
/// use forma_core::labels::{read_labels, LabelFormat};
/// let text = "athlete_id,date,code,vocabulary_version,author,created_at\n\
///             p01,2020-01-06,jetlag,forma-labels-1,coach@demo.forma,2020-01-08T07:00:00Z\n";
/// let error = read_labels("labels.csv", text, LabelFormat::Csv).unwrap_err();
/// assert_eq!(error.to_string(),
///     "labels.csv, line 2, column code: `jetlag` is not valid: expected one of fatigue, illness, travel, acute_injury_risk, injury, motivational_slump, schedule_conflict, intentional_deload, device_or_data_issue, other");
/// ```
pub fn read_labels(file: &str, text: &str, format: LabelFormat) -> Result<Vec<Label>, CsvError> {
    let rows = match format {
        LabelFormat::Csv => csv_rows(file, text)?,
        LabelFormat::Jsonl => jsonl_rows(file, text)?,
    };
    // Each id's rows, in file order, with the line of each.
    let mut groups: BTreeMap<String, Vec<(usize, Label)>> = BTreeMap::new();
    let mut order = Vec::new();
    for row in &rows {
        let label = label_of_row(file, row)?;
        let group = groups.entry(label.id.clone()).or_default();
        if group.is_empty() {
            order.push(label.id.clone());
        }
        group.push((row.line, label));
    }
    let mut labels = Vec::with_capacity(order.len());
    for id in order {
        let mut group = groups.remove(&id).unwrap_or_default();
        group.sort_by_key(|(_, label)| label.date);
        let (_, first) = &group[0];
        let mut label = first.clone();
        for window in group.windows(2) {
            let ((_, previous), (line, next)) = (&window[0], &window[1]);
            if next == previous {
                continue;
            }
            let differs = [
                ("athlete_id", previous.athlete_id != next.athlete_id),
                ("session_id", previous.session_id != next.session_id),
                ("code", previous.code != next.code),
                ("note", previous.note != next.note),
                ("author", previous.author != next.author),
                ("created_at", previous.created_at != next.created_at),
                (
                    "vocabulary_version",
                    previous.vocabulary_version != next.vocabulary_version,
                ),
            ]
            .into_iter()
            .find(|(_, differs)| *differs);
            if let Some((column, _)) = differs {
                return Err(file_error(
                    file,
                    *line,
                    column,
                    &id,
                    "the same values on every row of one label_id (one label over several days)",
                ));
            }
            if epoch_day(next.date) != epoch_day(previous.date) + 1 || next.session_id.is_some() {
                return Err(file_error(
                    file,
                    *line,
                    "date",
                    &next.date.to_string(),
                    "consecutive days for the rows of one label_id (a session label has one row)",
                ));
            }
            label.end_date = Some(next.date);
        }
        if let Some(end) = label.end_date {
            if epoch_day(end) - epoch_day(label.date) >= MAX_RANGE_DAYS {
                let line = group.last().map_or(0, |(line, _)| *line);
                return Err(file_error(
                    file,
                    line,
                    "date",
                    &end.to_string(),
                    "at most 92 days for one label_id",
                ));
            }
        }
        labels.push(label);
    }
    Ok(labels)
}

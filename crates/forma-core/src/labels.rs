//! Coach labels: what really happened on an athlete's day, in a small, closed and
//! versioned vocabulary, so that labels can be counted and learned from.
//!
//! - [`LabelCode`] and [`VOCABULARY_VERSION`]: the vocabulary, each code with a short
//!   definition the app shows and a number key (1 to 0) for the label queue.
//! - [`Label`] and [`NewLabel`]: a stored label and a write, checked at the boundary.
//!   A label covers one day, a range of days (a travel week) or one session, and
//!   carries a client-made id so that a retried write is harmless.
//! - [`write_labels`] and [`read_labels`]: the canonical labels file (DESIGN.md) in
//!   CSV or JSON Lines, with errors naming the line, column and value.
//! - [`athlete_queue`] and [`rank`]: the items that most need a label, first.
//! - [`deload_in_window`], [`unreliable_days`]: how labels change what Forma says.
//! - [`Outbox`]: the app's labels waiting for the server, sent exactly once by id.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::api::{check_client_id, SessionRecord};
use crate::canonical::CsvError;
use crate::csv_text::{duplicate_column, records, unescape_cell, write_cell};
use crate::stats::{self, Ddof};
use crate::targets::{episodes, CoachLabel};
use crate::types::{date_from_epoch_day, epoch_day, parse_date, AthleteId, Event, ValueError};

/// The vocabulary's version, stored with every label and written in every export.
/// A new code, a removed code or a changed meaning makes a new version.
pub const VOCABULARY_VERSION: &str = "forma-labels-1";

/// Vocabulary versions this build can read.
pub const KNOWN_VERSIONS: [&str; 1] = [VOCABULARY_VERSION];

/// The longest range one label may cover, in days (about a season's quarter).
pub const MAX_RANGE_DAYS: i32 = 92;

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = crate::bounds::NOTE.max_chars;

/// One code of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelCode {
    Fatigue,
    Illness,
    Travel,
    AcuteInjuryRisk,
    Injury,
    MotivationalSlump,
    ScheduleConflict,
    IntentionalDeload,
    DeviceOrDataIssue,
    Other,
}

const CODES_ACCEPTED: &str = "one of fatigue, illness, travel, acute_injury_risk, injury, motivational_slump, schedule_conflict, intentional_deload, device_or_data_issue, other";

impl LabelCode {
    /// Every code, in the order of their number keys 1, 2, ... 9, 0.
    pub const ALL: [LabelCode; 10] = [
        LabelCode::Fatigue,
        LabelCode::Illness,
        LabelCode::Travel,
        LabelCode::AcuteInjuryRisk,
        LabelCode::Injury,
        LabelCode::MotivationalSlump,
        LabelCode::ScheduleConflict,
        LabelCode::IntentionalDeload,
        LabelCode::DeviceOrDataIssue,
        LabelCode::Other,
    ];

    /// The stored and exported code, such as `acute_injury_risk`.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelCode::Fatigue => "fatigue",
            LabelCode::Illness => "illness",
            LabelCode::Travel => "travel",
            LabelCode::AcuteInjuryRisk => "acute_injury_risk",
            LabelCode::Injury => "injury",
            LabelCode::MotivationalSlump => "motivational_slump",
            LabelCode::ScheduleConflict => "schedule_conflict",
            LabelCode::IntentionalDeload => "intentional_deload",
            LabelCode::DeviceOrDataIssue => "device_or_data_issue",
            LabelCode::Other => "other",
        }
    }

    /// The code in words, as the app shows it.
    pub fn name(self) -> &'static str {
        match self {
            LabelCode::Fatigue => "Fatigue",
            LabelCode::Illness => "Illness",
            LabelCode::Travel => "Travel",
            LabelCode::AcuteInjuryRisk => "Acute injury risk",
            LabelCode::Injury => "Injury",
            LabelCode::MotivationalSlump => "Motivational slump",
            LabelCode::ScheduleConflict => "Schedule conflict",
            LabelCode::IntentionalDeload => "Intentional deload",
            LabelCode::DeviceOrDataIssue => "Device or data issue",
            LabelCode::Other => "Other",
        }
    }

    /// What the code means, in one or two sentences, shown beside it in the app.
    pub fn definition(self) -> &'static str {
        match self {
            LabelCode::Fatigue => "Tired beyond what the training explains: heavy legs, flat sessions, more recovery needed than planned.",
            LabelCode::Illness => "Sick (a cold, flu, fever, stomach bug), whether or not training was missed. Counts as an illness report for the risk model.",
            LabelCode::Travel => "Travelling: long journeys, time zones or unfamiliar places disrupted training, sleep or logging.",
            LabelCode::AcuteInjuryRisk => "Not injured yet, but a niggle, pain or unusual soreness that could become an injury without care.",
            LabelCode::Injury => "Injured: pain or damage that limited or stopped training. Counts as an injury report for the risk model.",
            LabelCode::MotivationalSlump => "Low motivation or mood: skipped or flat sessions for reasons of the mind rather than the body.",
            LabelCode::ScheduleConflict => "Life got in the way: exams, work, family or a competition calendar moved or cut training.",
            LabelCode::IntentionalDeload => "A planned lighter period: low load on purpose, so Forma raises no detraining or low-load alert for it.",
            LabelCode::DeviceOrDataIssue => "The data is wrong: a device failed, a sync was missed or a value was mistyped. Charts shade these days and the model leaves them out.",
            LabelCode::Other => "Anything else; say what in the note (a note is required).",
        }
    }

    /// The number key that picks the code in the label queue: 1 to 9, then 0.
    pub fn shortcut(self) -> char {
        let index = LabelCode::ALL
            .iter()
            .position(|code| *code == self)
            .expect("every code is in ALL");
        char::from(b"1234567890"[index])
    }

    /// The code a number key picks.
    pub fn from_shortcut(key: char) -> Option<LabelCode> {
        LabelCode::ALL
            .into_iter()
            .find(|code| code.shortcut() == key)
    }

    /// Whether a label with this code must carry a note.
    pub fn needs_note(self) -> bool {
        self == LabelCode::Other
    }

    /// Whether the code reports an adverse event (the model's targets read these).
    pub fn is_adverse(self) -> bool {
        matches!(self, LabelCode::Injury | LabelCode::Illness)
    }
}

impl fmt::Display for LabelCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LabelCode {
    type Err = ValueError;

    /// ```
    /// use forma_core::labels::LabelCode;
    /// assert_eq!("travel".parse::<LabelCode>().unwrap(), LabelCode::Travel);
    /// let error = "jetlag".parse::<LabelCode>().unwrap_err();
    /// assert_eq!(error.field, "code");
    /// assert!(error.to_string().starts_with("code `jetlag` is not valid: expected one of fatigue"));
    /// ```
    fn from_str(text: &str) -> Result<LabelCode, ValueError> {
        LabelCode::ALL
            .into_iter()
            .find(|code| code.as_str() == text.trim())
            .ok_or_else(|| ValueError::new("code", text, CODES_ACCEPTED))
    }
}

/// A stored label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// The client-made id.
    pub id: String,
    pub athlete_id: AthleteId,
    /// The labelled day, or the first day of a range.
    pub date: Date,
    /// The last day of a range; `None` for one day or one session.
    #[serde(default)]
    pub end_date: Option<Date>,
    /// The labelled session, on `date`.
    #[serde(default)]
    pub session_id: Option<String>,
    pub code: LabelCode,
    #[serde(default)]
    pub note: Option<String>,
    /// The author's email: the same person in every database.
    pub author: String,
    /// The author's name as the app shows it.
    #[serde(default)]
    pub author_name: String,
    /// When the label was stored (RFC 3339 UTC).
    pub created_at: String,
    pub vocabulary_version: String,
    /// When the author took it back (undo); such a label is kept but no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
}

impl Label {
    /// The last day the label covers.
    pub fn last_day(&self) -> Date {
        self.end_date.unwrap_or(self.date)
    }

    /// Whether the label counts (it was not undone).
    pub fn is_active(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// Whether the label covers any day of `from..=to`.
    pub fn overlaps(&self, from: Date, to: Date) -> bool {
        self.date <= to && self.last_day() >= from
    }

    /// Every day the label covers, in order.
    pub fn days(&self) -> impl Iterator<Item = Date> {
        (epoch_day(self.date)..=epoch_day(self.last_day())).map(date_from_epoch_day)
    }

    /// The label as the model reads it: one [`CoachLabel`] per day it covers.
    pub fn coach_labels(&self) -> impl Iterator<Item = CoachLabel> + '_ {
        self.days().map(|date| CoachLabel {
            athlete_id: self.athlete_id.clone(),
            date,
            code: self.code.as_str().to_owned(),
        })
    }

    /// The label's days as words: `2020-01-03` or `2020-01-03 to 2020-01-09`.
    pub fn span(&self) -> String {
        match self.end_date {
            Some(end) => format!("{} to {end}", self.date),
            None => self.date.to_string(),
        }
    }
}

/// A label written through the API (`POST /api/athletes/{id}/labels`) or kept in
/// the app's outbox until the server can be reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLabel {
    /// A client-made id (8 to 64 letters, digits, '-' or '_'): a retry with the same
    /// id stores nothing new and answers with the stored label.
    pub id: String,
    /// The day, or the first day of a range (YYYY-MM-DD).
    pub date: String,
    /// The last day of a range; empty for one day or one session.
    #[serde(default)]
    pub end_date: Option<String>,
    /// A session of the athlete on `date`; empty for a day or a range.
    #[serde(default)]
    pub session_id: Option<String>,
    /// A code of the vocabulary, such as `travel`.
    pub code: String,
    /// Free text; required for `other`.
    #[serde(default)]
    pub note: Option<String>,
}

/// A [`NewLabel`] whose fields have been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLabel {
    pub id: String,
    pub date: Date,
    pub end_date: Option<Date>,
    pub session_id: Option<String>,
    pub code: LabelCode,
    pub note: Option<String>,
}

fn check_session_id(id: &str) -> Result<(), ValueError> {
    check_client_id(id).map_err(|_| {
        ValueError::new(
            "session_id",
            id,
            "the id of one of the athlete's sessions (8 to 64 letters, digits, '-' or '_'), or empty",
        )
    })
}

fn check_note(code: LabelCode, note: Option<&str>) -> Result<(), ValueError> {
    match note {
        None if code.needs_note() => Err(ValueError::new(
            "note",
            "",
            "a note saying what happened: the code `other` needs one",
        )),
        Some(note) => crate::bounds::NOTE.check(note),
        None => Ok(()),
    }
}

fn check_span(
    date: Date,
    end_date: Option<Date>,
    session: bool,
    end_text: &str,
) -> Result<Option<Date>, ValueError> {
    let Some(end) = end_date.filter(|end| *end != date) else {
        return Ok(None);
    };
    if session {
        return Err(ValueError::new(
            "end_date",
            end_text,
            "an empty end_date: a session label covers the session's one day",
        ));
    }
    let days = epoch_day(end) - epoch_day(date);
    if !(1..MAX_RANGE_DAYS).contains(&days) {
        return Err(ValueError::new(
            "end_date",
            end_text,
            "a day after `date` and at most 92 days from it, written YYYY-MM-DD, or empty for one day",
        ));
    }
    Ok(Some(end))
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

impl NewLabel {
    /// Reads every field.
    ///
    /// # Errors
    /// The first field that cannot be read, naming it and what is accepted: an id
    /// that is not 8 to 64 safe characters, a date that is not a real day, an end
    /// before the start or more than 92 days after it, a session label over a range,
    /// a code outside the vocabulary, `other` without a note.
    ///
    /// ```
    /// use forma_core::labels::{LabelCode, NewLabel};
    /// let label = NewLabel {
    ///     id: "label-0001".into(),
    ///     date: "2020-01-06".into(),
    ///     end_date: Some("2020-01-12".into()),
    ///     session_id: None,
    ///     code: "travel".into(),
    ///     note: Some("Training camp in Spain".into()),
    /// };
    /// assert_eq!(label.check().unwrap().code, LabelCode::Travel);
    ///
    /// let other = NewLabel { code: "other".into(), note: None, ..label };
    /// assert_eq!(other.check().unwrap_err().field, "note");
    /// ```
    pub fn check(&self) -> Result<CheckedLabel, ValueError> {
        check_client_id(&self.id)?;
        let date = parse_date(self.date.trim())?;
        let end_text = self.end_date.as_deref().unwrap_or_default().trim();
        let end_date = if end_text.is_empty() {
            None
        } else {
            Some(parse_date(end_text).map_err(|error| ValueError {
                field: "end_date",
                ..error
            })?)
        };
        let session_id = non_empty(self.session_id.as_deref());
        if let Some(session) = &session_id {
            check_session_id(session)?;
        }
        let end_date = check_span(date, end_date, session_id.is_some(), end_text)?;
        let code: LabelCode = self.code.parse()?;
        let note = non_empty(self.note.as_deref());
        check_note(code, note.as_deref())?;
        Ok(CheckedLabel {
            id: self.id.clone(),
            date,
            end_date,
            session_id,
            code,
            note,
        })
    }

    /// Checks the write and makes the stored label.
    ///
    /// # Errors
    /// As [`NewLabel::check`].
    pub fn into_label(
        self,
        athlete_id: AthleteId,
        author: &str,
        author_name: &str,
        created_at: &str,
    ) -> Result<Label, ValueError> {
        let checked = self.check()?;
        Ok(Label {
            id: checked.id,
            athlete_id,
            date: checked.date,
            end_date: checked.end_date,
            session_id: checked.session_id,
            code: checked.code,
            note: checked.note,
            author: author.to_owned(),
            author_name: author_name.to_owned(),
            created_at: created_at.to_owned(),
            vocabulary_version: VOCABULARY_VERSION.to_owned(),
            deleted_at: None,
        })
    }
}

// ---------------------------------------------------------------------------
// The canonical labels file.

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
            out.push_str(LABELS_HEADER);
            out.push('\n');
            for row in &rows {
                let cells = [
                    row.athlete_id.as_str(),
                    row.date.as_str(),
                    row.session_id.as_deref().unwrap_or_default(),
                    row.code.as_str(),
                    row.vocabulary_version.as_str(),
                    row.note.as_deref().unwrap_or_default(),
                    row.author.as_str(),
                    row.created_at.as_str(),
                    row.label_id.as_str(),
                ];
                for (i, cell) in cells.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_cell(&mut out, cell);
                }
                out.push('\n');
            }
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

// ---------------------------------------------------------------------------
// How labels change what Forma says.

/// Days before `as_of` (and `as_of` itself) an intentional deload must touch to
/// explain a low acute load: the acute window of the 7:28 ratio.
pub const DELOAD_WINDOW_DAYS: i32 = 7;

/// Whether an intentional deload label covers a day of the 7 days up to `as_of`:
/// then a low load ratio is the plan, not detraining.
///
/// ```
/// use forma_core::labels::{deload_in_window, NewLabel};
/// use jiff::civil::date;
/// let deload = NewLabel {
///     id: "label-0002".into(), date: "2020-03-20".into(), end_date: Some("2020-03-26".into()),
///     session_id: None, code: "intentional_deload".into(), note: None,
/// }
/// .into_label("p03".parse().unwrap(), "coach@demo.forma", "Demo Coach", "2020-03-20T08:00:00Z")
/// .unwrap();
/// assert!(deload_in_window(&[deload.clone()], date(2020, 3, 31)));
/// assert!(!deload_in_window(&[deload], date(2020, 4, 3)));
/// ```
pub fn deload_in_window(labels: &[Label], as_of: Date) -> bool {
    let from = date_from_epoch_day(epoch_day(as_of) - (DELOAD_WINDOW_DAYS - 1));
    labels.iter().any(|label| {
        label.is_active()
            && label.code == LabelCode::IntentionalDeload
            && label.overlaps(from, as_of)
    })
}

/// For each of `dates`, whether a device-or-data-issue label marks it unreliable.
pub fn unreliable_days(labels: &[Label], dates: &[Date]) -> Vec<bool> {
    let marked = unreliable_dates(labels);
    dates.iter().map(|day| marked.contains(day)).collect()
}

/// Every day a device-or-data-issue label covers (of the labels given: pass one
/// athlete's).
pub fn unreliable_dates(labels: &[Label]) -> BTreeSet<Date> {
    labels
        .iter()
        .filter(|label| label.is_active() && label.code == LabelCode::DeviceOrDataIssue)
        .flat_map(Label::days)
        .collect()
}

// ---------------------------------------------------------------------------
// The label queue.

/// Why an item is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// The coach overrode a recommendation: why is the best label there is.
    OverriddenRecommendation,
    /// A planned session with no session logged that day.
    MissedPlannedSession,
    /// Injury or illness reports no label explains.
    UnlabelledEvent,
    /// A session whose RPE and heart rate tell different stories.
    RpeHeartRateMismatch,
    /// A day whose load is far above the athlete's usual.
    UnusualLoad,
    /// Days whose 7-day load is far below the athlete's usual.
    LowLoad,
}

impl QueueKind {
    /// A short title for the app.
    pub fn title(self) -> &'static str {
        match self {
            QueueKind::OverriddenRecommendation => "Overridden recommendation",
            QueueKind::MissedPlannedSession => "Missed planned session",
            QueueKind::UnlabelledEvent => "Injury or illness reports",
            QueueKind::RpeHeartRateMismatch => "RPE and heart rate disagree",
            QueueKind::UnusualLoad => "Unusual load",
            QueueKind::LowLoad => "Load far below usual",
        }
    }

    /// How much an item of this kind needs a label, before its size and age.
    fn weight(self) -> f64 {
        match self {
            QueueKind::OverriddenRecommendation => 100.0,
            QueueKind::MissedPlannedSession => 80.0,
            QueueKind::UnlabelledEvent => 70.0,
            QueueKind::RpeHeartRateMismatch => 60.0,
            QueueKind::UnusualLoad => 50.0,
            QueueKind::LowLoad => 45.0,
        }
    }

    fn key(self) -> &'static str {
        match self {
            QueueKind::OverriddenRecommendation => "override",
            QueueKind::MissedPlannedSession => "missed",
            QueueKind::UnlabelledEvent => "event",
            QueueKind::RpeHeartRateMismatch => "rpe-hr",
            QueueKind::UnusualLoad => "load-high",
            QueueKind::LowLoad => "load-low",
        }
    }
}

/// One item of the label queue: a day, a range of days or a session of one athlete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Stable across calls: kind, athlete, day (and session).
    pub key: String,
    pub athlete_id: AthleteId,
    pub athlete_name: String,
    pub kind: QueueKind,
    pub date: Date,
    /// The last day of a range item.
    pub end_date: Option<Date>,
    /// The session a session item is about.
    pub session_id: Option<String>,
    /// Why it is in the queue, in words, with the athlete's numbers.
    pub reason: String,
    /// Higher first: kind, size and recency (see [`athlete_queue`]).
    pub priority: f64,
    /// The labels already on these days or this session, every author's.
    pub labels: Vec<Label>,
}

impl QueueItem {
    /// The label a code picked for this item would be: the item's day, range or
    /// session.
    pub fn new_label(&self, id: String, code: LabelCode, note: Option<String>) -> NewLabel {
        NewLabel {
            id,
            date: self.date.to_string(),
            end_date: self.end_date.map(|end| end.to_string()),
            session_id: self.session_id.clone(),
            code: code.as_str().to_owned(),
            note,
        }
    }

    /// The item's days as words.
    pub fn span(&self) -> String {
        match self.end_date {
            Some(end) => format!("{} to {end}", self.date),
            None => self.date.to_string(),
        }
    }

    /// The item's first and last day and its session.
    fn target(&self) -> (Date, Date, Option<&str>) {
        (
            self.date,
            self.end_date.unwrap_or(self.date),
            self.session_id.as_deref(),
        )
    }
}

/// Whether a label on `label` (first day, last day, session) shows on a queue
/// item on `item`: a session item shows its session's labels and the day or
/// range labels over its day; a day or range item shows every label on its days.
/// The queue attaches labels by this rule, so it is also what a new label will
/// cover.
fn shows_on(item: (Date, Date, Option<&str>), label: (Date, Date, Option<&str>)) -> bool {
    let (from, to, item_session) = item;
    let (label_from, label_to, label_session) = label;
    let overlaps = label_from <= to && label_to >= from;
    match (item_session, label_session) {
        (Some(item_session), Some(label_session)) => item_session == label_session,
        (Some(_), None) | (None, _) => overlaps,
    }
}

/// The other items of `items` that a label made for item `index` (its day, range
/// or session) will also show on, in queue order: a range label covers the day
/// and session items of its days for the same athlete. Shown before the label is
/// saved, so a coach is never surprised by what a label covers.
pub fn also_labelled(items: &[QueueItem], index: usize) -> Vec<usize> {
    let Some(chosen) = items.get(index) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter(|(i, item)| {
            *i != index
                && item.athlete_id == chosen.athlete_id
                && shows_on(item.target(), chosen.target())
        })
        .map(|(i, _)| i)
        .collect()
}

/// A recommendation the coach overrode (`recommendation_decisions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    /// The day the recommendation was for.
    pub date: Date,
    /// The recommended action.
    pub action: String,
    /// The action the coach chose instead.
    pub chosen: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// What the queue of one athlete is made from.
#[derive(Debug, Clone, Copy)]
pub struct QueueInput<'a> {
    pub athlete: &'a AthleteId,
    pub athlete_name: &'a str,
    /// The athlete's today (or the team's fixed day): nothing after it is queued.
    pub as_of: Date,
    pub sessions: &'a [SessionRecord],
    pub events: &'a [Event],
    /// Days of the athlete's newest plans with at least one planned session.
    pub planned_days: &'a [Date],
    pub overrides: &'a [Override],
    /// The athlete's labels (taken-back ones are ignored).
    pub labels: &'a [Label],
}

/// A day's load this many standard deviations above the previous 28 days' mean
/// (and at least twice that mean) is unusual.
pub const SPIKE_SD: f64 = 2.5;
/// A 7-day mean load below this share of the 28-day mean is far below usual.
pub const LOW_SHARE: f64 = 0.5;
/// RPE and heart rate, each as standard scores within the athlete, this far apart
/// disagree.
pub const MISMATCH_SD: f64 = 2.0;
/// Sessions with both RPE and heart rate an athlete needs before they are compared.
pub const MISMATCH_MIN_SESSIONS: usize = 8;

/// Mean and sample standard deviation; (the value, 0) for one value, (0, 0) for none.
fn mean_sd(values: &[f64]) -> (f64, f64) {
    match stats::mean_sd(values.iter().copied(), Ddof::One) {
        Some((mean, sd, _)) => (mean, sd),
        None => (values.first().copied().unwrap_or(0.0), 0.0),
    }
}

/// Points taken off per week of age, at most [`MAX_AGE_PENALTY`]: recent days matter
/// more to a coach than old ones.
const AGE_PENALTY_PER_WEEK: f64 = 2.0;
const MAX_AGE_PENALTY: f64 = 40.0;

/// The queue items of one athlete, unranked. Rules, each with its weight before a
/// size bonus (at most 20) and an age penalty (2 per week before `as_of`, at most 40):
/// - overridden recommendation (100): each override, on its day;
/// - missed planned session (80): a planned day up to `as_of` with no session;
/// - injury or illness without a label (70): each episode of reports (reports within
///   7 days join, as the model's targets do), over its days;
/// - RPE and heart rate disagree (60): a session whose RPE and average heart rate,
///   as standard scores among the athlete's sessions with both (8 or more), differ by
///   [`MISMATCH_SD`] or more;
/// - unusual load (50): a day whose load is [`SPIKE_SD`] standard deviations above
///   the 28 days before it and at least twice their mean;
/// - load far below usual (45): each run of days whose 7-day mean load is below
///   [`LOW_SHARE`] of the 28-day mean (coupled, as the ratio), over the run's days.
pub fn athlete_queue(input: &QueueInput<'_>) -> Vec<QueueItem> {
    let as_of = epoch_day(input.as_of);
    let labels: Vec<&Label> = input
        .labels
        .iter()
        .filter(|label| label.is_active() && &label.athlete_id == input.athlete)
        .collect();
    let mut items = Vec::new();
    let mut push = |kind: QueueKind,
                    first: i32,
                    last: i32,
                    session_id: Option<String>,
                    reason: String,
                    bonus: f64| {
        let first = first.max(last - (MAX_RANGE_DAYS - 1));
        let (date, end) = (date_from_epoch_day(first), date_from_epoch_day(last));
        let age_weeks = f64::from(as_of - last) / 7.0;
        let priority = kind.weight() + bonus.clamp(0.0, 20.0)
            - (age_weeks * AGE_PENALTY_PER_WEEK).min(MAX_AGE_PENALTY);
        let on_item: Vec<Label> = labels
            .iter()
            .filter(|label| {
                shows_on(
                    (date, end, session_id.as_deref()),
                    (label.date, label.last_day(), label.session_id.as_deref()),
                )
            })
            .map(|label| (*label).clone())
            .collect();
        let mut key = format!("{}:{}:{date}", kind.key(), input.athlete);
        if let Some(session) = &session_id {
            key.push(':');
            key.push_str(session);
        }
        items.push(QueueItem {
            key,
            athlete_id: input.athlete.clone(),
            athlete_name: input.athlete_name.to_owned(),
            kind,
            date,
            end_date: (last > first).then_some(end),
            session_id,
            reason,
            priority: (priority * 10.0).round() / 10.0,
            labels: on_item,
        });
    };

    for o in input
        .overrides
        .iter()
        .filter(|o| epoch_day(o.date) <= as_of)
    {
        let mut reason = format!(
            "You overrode the recommendation `{}` with `{}`",
            o.action, o.chosen
        );
        if let Some(code) = &o.reason_code {
            reason.push_str(&format!(" (reason: {code})"));
        }
        reason.push_str(": what happened?");
        let day = epoch_day(o.date);
        push(
            QueueKind::OverriddenRecommendation,
            day,
            day,
            None,
            reason,
            0.0,
        );
    }

    let session_days: BTreeSet<i32> = input
        .sessions
        .iter()
        .map(|record| epoch_day(record.session.date))
        .collect();
    let planned: BTreeSet<i32> = input.planned_days.iter().map(|d| epoch_day(*d)).collect();
    for day in planned
        .iter()
        .copied()
        .filter(|day| *day <= as_of && !session_days.contains(day))
    {
        push(
            QueueKind::MissedPlannedSession,
            day,
            day,
            None,
            "A session was planned but none was logged.".to_owned(),
            0.0,
        );
    }

    let own_events: Vec<&Event> = input
        .events
        .iter()
        .filter(|e| &e.athlete_id == input.athlete && epoch_day(e.date) <= as_of)
        .collect();
    let reports: Vec<(AthleteId, Date)> = own_events
        .iter()
        .map(|e| (e.athlete_id.clone(), e.date))
        .collect();
    for episode in episodes(&reports, &[]) {
        let (first, last) = (epoch_day(episode.onset), epoch_day(episode.last_report));
        let in_episode = |e: &&&Event| (first..=last).contains(&epoch_day(e.date));
        let injuries = own_events
            .iter()
            .filter(in_episode)
            .filter(|e| e.kind == crate::types::EventKind::Injury)
            .count();
        let illnesses = episode.reports - injuries;
        let what = match (injuries, illnesses) {
            (0, n) => format!("{n} illness report(s)"),
            (n, 0) => format!("{n} injury report(s)"),
            (i, s) => format!("{i} injury and {s} illness report(s)"),
        };
        let reason = if first == last {
            format!("{what} on {}: what happened?", episode.onset)
        } else {
            format!(
                "{what} from {} to {}: what happened?",
                episode.onset, episode.last_report
            )
        };
        let bonus = (episode.reports as f64 * 2.0).min(20.0);
        push(QueueKind::UnlabelledEvent, first, last, None, reason, bonus);
    }

    let known: Vec<&SessionRecord> = input
        .sessions
        .iter()
        .filter(|r| epoch_day(r.session.date) <= as_of)
        .collect();
    let both: Vec<(&SessionRecord, f64, f64)> = known
        .iter()
        .filter_map(|r| Some((*r, r.session.rpe?, r.session.avg_hr?)))
        .collect();
    if both.len() >= MISMATCH_MIN_SESSIONS {
        let (rpe_mean, rpe_sd) = mean_sd(&both.iter().map(|(_, r, _)| *r).collect::<Vec<_>>());
        let (hr_mean, hr_sd) = mean_sd(&both.iter().map(|(_, _, h)| *h).collect::<Vec<_>>());
        if rpe_sd > 0.0 && hr_sd > 0.0 {
            let words = |z: f64| {
                if z > 0.5 {
                    "high"
                } else if z < -0.5 {
                    "low"
                } else {
                    "usual"
                }
            };
            for (record, rpe, hr) in both {
                let (z_rpe, z_hr) = ((rpe - rpe_mean) / rpe_sd, (hr - hr_mean) / hr_sd);
                let gap = (z_rpe - z_hr).abs();
                if gap >= MISMATCH_SD {
                    let day = epoch_day(record.session.date);
                    let reason = format!(
                        "RPE {rpe:.0} ({} for them) but average heart rate {hr:.0} bpm ({} for them).",
                        words(z_rpe),
                        words(z_hr)
                    );
                    push(
                        QueueKind::RpeHeartRateMismatch,
                        day,
                        day,
                        Some(record.id.clone()),
                        reason,
                        (gap - MISMATCH_SD) * 10.0,
                    );
                }
            }
        }
    }

    // Over the athlete's current history, as every series is: the work grows
    // with the days that have data, not with the calendar.
    let span = crate::series::history_span(session_days.iter().copied(), Some(as_of));
    if let Some((start, _)) = span {
        let len = usize::try_from(as_of - start + 1).unwrap_or(0);
        let mut load = vec![0.0; len];
        for record in &known {
            let Ok(i) = usize::try_from(epoch_day(record.session.date) - start) else {
                continue;
            };
            if record.session.load.is_finite() && i < len {
                load[i] += record.session.load;
            }
        }
        let day_of = |i: usize| start + i as i32;
        for i in 28..len {
            let (mean, sd) = mean_sd(&load[i - 28..i]);
            let z = if sd > 0.0 { (load[i] - mean) / sd } else { 0.0 };
            if load[i] > 0.0 && z >= SPIKE_SD && load[i] >= 2.0 * mean {
                let reason = format!(
                    "Load {:.0}, {z:.1} standard deviations above their previous 28 days (mean {mean:.0}).",
                    load[i]
                );
                push(
                    QueueKind::UnusualLoad,
                    day_of(i),
                    day_of(i),
                    None,
                    reason,
                    (z - SPIKE_SD) * 5.0,
                );
            }
        }
        // Runs of days with a low 7-day share of the coupled 28-day mean.
        let mut run: Option<(usize, usize, f64)> = None;
        let mut close = |run: Option<(usize, usize, f64)>| {
            if let Some((from, to, lowest)) = run {
                let reason = format!(
                    "7-day load down to {:.0} % of their 28-day average, {} to {}.",
                    lowest * 100.0,
                    date_from_epoch_day(day_of(from)),
                    date_from_epoch_day(day_of(to))
                );
                push(
                    QueueKind::LowLoad,
                    day_of(from),
                    day_of(to),
                    None,
                    reason,
                    (LOW_SHARE - lowest) * 40.0,
                );
            }
        };
        for i in 27..len {
            let acute = load[i - 6..=i].iter().sum::<f64>() / 7.0;
            let chronic = load[i - 27..=i].iter().sum::<f64>() / 28.0;
            let low = chronic > 0.0 && acute < LOW_SHARE * chronic;
            let share = if chronic > 0.0 { acute / chronic } else { 1.0 };
            run = match (run, low) {
                (Some((from, _, lowest)), true) => Some((from, i, lowest.min(share))),
                (None, true) => Some((i, i, share)),
                (done, false) => {
                    close(done);
                    None
                }
            };
        }
        close(run);
    }
    items
}

/// Orders a queue: items without a label first, then by priority (highest first),
/// newest day, athlete and key, so the order is the same on every call.
pub fn rank(items: &mut [QueueItem]) {
    items.sort_by(|a, b| {
        a.labels
            .is_empty()
            .cmp(&b.labels.is_empty())
            .reverse()
            .then(b.priority.total_cmp(&a.priority))
            .then(b.date.cmp(&a.date))
            .then(a.athlete_id.cmp(&b.athlete_id))
            .then(a.key.cmp(&b.key))
    });
}

/// `GET /api/labels/queue`: a team's items that most need a label, first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelQueue {
    pub team: String,
    /// The vocabulary version new labels get.
    pub vocabulary_version: String,
    /// Ranked by [`rank`], at most the limit asked for.
    pub items: Vec<QueueItem>,
    /// Items left out by the limit.
    pub more: usize,
}

// ---------------------------------------------------------------------------
// The app's outbox.

/// A write waiting in the browser for the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OutboxOp {
    /// Store a label.
    Create {
        athlete_id: AthleteId,
        label: NewLabel,
    },
    /// Take back a label the server has.
    Delete { athlete_id: AthleteId, id: String },
    /// Write a day's wellness (a check-in). Wellness writes merge, so sending one
    /// twice, or after a later one, leaves the same day.
    Wellness {
        athlete_id: AthleteId,
        /// A client-made id for this write, so the outbox can tell writes apart.
        id: String,
        date: Date,
        wellness: crate::api::NewWellness,
    },
    /// Store a session; its client-made `id` makes a retry store it once.
    Session {
        athlete_id: AthleteId,
        session: crate::api::NewSession,
    },
}

impl OutboxOp {
    /// The id of what the write is about: the label's, the wellness write's or
    /// the session's.
    pub fn label_id(&self) -> &str {
        match self {
            OutboxOp::Create { label, .. } => &label.id,
            OutboxOp::Delete { id, .. } | OutboxOp::Wellness { id, .. } => id,
            OutboxOp::Session { session, .. } => session.id.as_deref().unwrap_or_default(),
        }
    }

    /// Whether the write is part of an athlete's check-in (wellness or a session).
    pub fn is_check_in(&self) -> bool {
        matches!(self, OutboxOp::Wellness { .. } | OutboxOp::Session { .. })
    }
}

/// What [`Outbox::undo`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    /// The label had not been sent yet: it is gone from the outbox.
    Cancelled,
    /// The label may be on the server: a delete waits to be sent.
    Queued,
}

/// The labels (and undos) and check-ins a browser has not been able to send yet,
/// in order. Kept in the browser's storage as JSON; each write carries a
/// client-made id, so sending one twice stores it once.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outbox {
    pub ops: Vec<OutboxOp>,
}

impl Outbox {
    /// Reads a stored outbox; text that is not one gives an empty outbox.
    pub fn from_json(text: &str) -> Outbox {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an outbox serialises")
    }

    /// Queues a label, unless one with its id waits already.
    pub fn create(&mut self, athlete_id: AthleteId, label: NewLabel) {
        if !self.ops.iter().any(|op| op.label_id() == label.id) {
            self.ops.push(OutboxOp::Create { athlete_id, label });
        }
    }

    /// Takes a label back: drops it when it was never sent, else queues a delete.
    pub fn undo(&mut self, athlete_id: AthleteId, id: &str) -> Undo {
        let waiting = self
            .ops
            .iter()
            .position(|op| matches!(op, OutboxOp::Create { label, .. } if label.id == id));
        match waiting {
            Some(index) => {
                self.ops.remove(index);
                Undo::Cancelled
            }
            None => {
                if !self
                    .ops
                    .iter()
                    .any(|op| matches!(op, OutboxOp::Delete { id: queued, .. } if queued == id))
                {
                    self.ops.push(OutboxOp::Delete {
                        athlete_id,
                        id: id.to_owned(),
                    });
                }
                Undo::Queued
            }
        }
    }

    /// Removes `op` once the server has it.
    pub fn done(&mut self, op: &OutboxOp) {
        if let Some(index) = self.ops.iter().position(|queued| queued == op) {
            self.ops.remove(index);
        }
    }

    /// Whether a write about this label waits.
    pub fn is_waiting(&self, id: &str) -> bool {
        self.ops.iter().any(|op| op.label_id() == id)
    }

    /// How many writes wait.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The labels waiting to be stored, for showing them before the server has them.
    pub fn waiting_labels(&self) -> impl Iterator<Item = (&AthleteId, &NewLabel)> {
        self.ops.iter().filter_map(|op| match op {
            OutboxOp::Create { athlete_id, label } => Some((athlete_id, label)),
            _ => None,
        })
    }

    /// Queues a check-in: the day's wellness write (when it carries anything) and
    /// the session it logs (when there is one), unless a write with the same id
    /// waits already.
    pub fn check_in(
        &mut self,
        athlete_id: &AthleteId,
        wellness: Option<(String, Date, crate::api::NewWellness)>,
        session: Option<crate::api::NewSession>,
    ) {
        if let Some((id, date, wellness)) = wellness {
            if !self.is_waiting(&id) {
                self.ops.push(OutboxOp::Wellness {
                    athlete_id: athlete_id.clone(),
                    id,
                    date,
                    wellness,
                });
            }
        }
        if let Some(session) = session {
            let waiting = session.id.as_deref().is_some_and(|id| self.is_waiting(id));
            if !waiting {
                self.ops.push(OutboxOp::Session {
                    athlete_id: athlete_id.clone(),
                    session,
                });
            }
        }
    }

    /// How many labels (and undos) wait, and how many check-in writes.
    pub fn counts(&self) -> (usize, usize) {
        let check_ins = self.ops.iter().filter(|op| op.is_check_in()).count();
        (self.ops.len() - check_ins, check_ins)
    }

    /// The check-in writes waiting for one athlete, oldest first.
    pub fn waiting_check_ins<'a>(
        &'a self,
        athlete: &'a AthleteId,
    ) -> impl Iterator<Item = &'a OutboxOp> + 'a {
        self.ops.iter().filter(move |op| match op {
            OutboxOp::Wellness { athlete_id, .. } | OutboxOp::Session { athlete_id, .. } => {
                athlete_id == athlete
            }
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests;

//! The versioned vocabulary of coach labels, a stored [`Label`] and a write
//! ([`NewLabel`]) checked at the boundary.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::targets::CoachLabel;
use crate::types::check_client_id;
use crate::types::{date_from_epoch_day, epoch_day, parse_date, AthleteId, ValueError};

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

pub(super) fn check_session_id(id: &str) -> Result<(), ValueError> {
    check_client_id(id).map_err(|_| {
        ValueError::new(
            "session_id",
            id,
            "the id of one of the athlete's sessions (8 to 64 letters, digits, '-' or '_'), or empty",
        )
    })
}

pub(super) fn check_note(code: LabelCode, note: Option<&str>) -> Result<(), ValueError> {
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

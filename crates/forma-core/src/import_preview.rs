//! What a file holds, as the import preview shows it before anything is stored:
//! how many rows were read, the dates they span and the first rows as the import
//! reads them (the canonical columns, so a coach sees what Forma made of a cell,
//! e.g. the load worked out from RPE and minutes).

use crate::api::{ImportPreview, PreviewRow};
use crate::canonical;
use crate::csv_text;
use crate::types::{AthleteId, Date, Event, Session, WellnessEntry};

/// How many rows a preview shows: enough to recognise the file, little enough
/// that a preview of 100,000 rows stays a small answer.
pub const PREVIEW_ROWS: usize = 20;

/// The good records of a file, and their lines in it when it is a CSV file
/// (one line per record of the one kind the file holds).
#[derive(Debug, Clone, Copy, Default)]
pub struct Good<'a> {
    pub sessions: &'a [Session],
    pub wellness: &'a [WellnessEntry],
    pub events: &'a [Event],
    pub lines: Option<&'a [usize]>,
}

/// The preview of `good`, of a file of `rows_read` rows, naming `known` and `new`
/// athletes. The table shows the first kind the file holds (sessions, then
/// wellness, then events), as the canonical CSV Forma writes would read.
pub fn preview(
    good: Good<'_>,
    rows_read: usize,
    known: Vec<AthleteId>,
    new: Vec<AthleteId>,
) -> ImportPreview {
    let dates = good
        .sessions
        .iter()
        .map(|s| s.date)
        .chain(good.wellness.iter().map(|w| w.date))
        .chain(good.events.iter().map(|e| e.date));
    let (first, last) = span(dates);
    let text = if !good.sessions.is_empty() {
        canonical::write_sessions(&good.sessions[..good.sessions.len().min(PREVIEW_ROWS)])
    } else if !good.wellness.is_empty() {
        canonical::write_wellness(&good.wellness[..good.wellness.len().min(PREVIEW_ROWS)])
    } else if !good.events.is_empty() {
        canonical::write_events(&good.events[..good.events.len().min(PREVIEW_ROWS)])
    } else {
        String::new()
    };
    let mut records = csv_text::records(&text).into_iter();
    let columns = records.next().map(|head| head.cells).unwrap_or_default();
    let rows = records
        .enumerate()
        .map(|(index, record)| PreviewRow {
            line: good.lines.and_then(|lines| lines.get(index).copied()),
            cells: record
                .cells
                .iter()
                .map(|cell| csv_text::unescape_cell(cell).to_owned())
                .collect(),
        })
        .collect();
    ImportPreview {
        rows_read,
        rows_good: good.sessions.len() + good.wellness.len() + good.events.len(),
        athletes_known: known,
        athletes_new: new,
        first_date: first.map(|d| d.to_string()),
        last_date: last.map(|d| d.to_string()),
        columns,
        rows,
    }
}

fn span(dates: impl Iterator<Item = Date>) -> (Option<Date>, Option<Date>) {
    dates.fold((None, None), |(first, last), date| {
        (
            Some(first.map_or(date, |f: Date| f.min(date))),
            Some(last.map_or(date, |l: Date| l.max(date))),
        )
    })
}

/// What a file is, as the import page sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Sessions,
    Wellness,
    Events,
    /// A FIT, TCX or GPX file of one athlete.
    Activity,
    /// A PMData export as one zip (participant folders, Norwegian local dates).
    Pmdata,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Sessions,
        FileKind::Wellness,
        FileKind::Events,
        FileKind::Activity,
        FileKind::Pmdata,
    ];

    /// Whether the file is canonical CSV (its new athletes take the chosen time zone).
    pub fn is_csv(self) -> bool {
        matches!(
            self,
            FileKind::Sessions | FileKind::Wellness | FileKind::Events
        )
    }

    /// The import route's last segment (`/api/import/{route}`).
    pub fn route(self) -> &'static str {
        match self {
            FileKind::Sessions => "sessions",
            FileKind::Wellness => "wellness",
            FileKind::Events => "events",
            FileKind::Activity => "activity",
            FileKind::Pmdata => "pmdata",
        }
    }

    /// In a coach's words.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Sessions => "Sessions (CSV)",
            FileKind::Wellness => "Wellness (CSV)",
            FileKind::Events => "Injuries and illnesses (CSV)",
            FileKind::Activity => "Activity file (FIT, TCX, GPX)",
            FileKind::Pmdata => "PMData export (zip)",
        }
    }

    pub fn from_route(route: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|kind| kind.route() == route)
    }
}

/// The columns only one kind of canonical file has.
const ONLY_SESSIONS: [&str; 6] = [
    "sport",
    "duration_min",
    "rpe",
    "load",
    "distance_km",
    "avg_hr",
];
const ONLY_WELLNESS: [&str; 9] = [
    "sleep_h",
    "sleep_quality",
    "fatigue",
    "soreness",
    "stress",
    "mood",
    "readiness",
    "hrv_rmssd_ms",
    "resting_hr",
];
const ONLY_EVENTS: [&str; 4] = ["kind", "severity", "body_part", "days_lost"];

/// What a file named `name` whose text starts with `head` most likely is: an
/// activity file by its extension, a canonical CSV file by the columns of its
/// header that only one kind has. `None` when the header says neither (the coach
/// then chooses).
pub fn kind_of(name: &str, head: &str) -> Option<FileKind> {
    let lower = name.to_ascii_lowercase();
    if [".fit", ".tcx", ".gpx"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Some(FileKind::Activity);
    }
    if lower.ends_with(".zip") {
        return Some(FileKind::Pmdata);
    }
    let first = head.trim_start_matches('\u{feff}').lines().next()?;
    let columns: Vec<String> = first
        .split(',')
        .map(|cell| cell.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let count = |only: &[&str]| {
        only.iter()
            .filter(|c| columns.iter().any(|h| h == *c))
            .count()
    };
    let scores = [
        (count(&ONLY_SESSIONS), FileKind::Sessions),
        (count(&ONLY_WELLNESS), FileKind::Wellness),
        (count(&ONLY_EVENTS), FileKind::Events),
    ];
    let best = scores.iter().map(|(n, _)| *n).max().unwrap_or(0);
    let mut winners = scores.iter().filter(|(n, _)| *n == best && best > 0);
    match (winners.next(), winners.next()) {
        (Some((_, kind)), None) => Some(*kind),
        _ => None,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_file_is_recognised_by_its_extension_or_its_header() {
        assert_eq!(kind_of("Ride.FIT", ""), Some(FileKind::Activity));
        assert_eq!(kind_of("a.gpx", "<gpx>"), Some(FileKind::Activity));
        assert_eq!(kind_of("PMData.zip", ""), Some(FileKind::Pmdata));
        assert_eq!(
            kind_of(
                "s.csv",
                "\u{feff}athlete_id,date,duration_min,rpe\np01,2020-01-01,60,5"
            ),
            Some(FileKind::Sessions)
        );
        assert_eq!(
            kind_of("w.csv", "athlete_id,date,sleep_h,fatigue,mood\n"),
            Some(FileKind::Wellness)
        );
        assert_eq!(
            kind_of("e.csv", "\"athlete_id\",\"date\",\"kind\",\"severity\""),
            Some(FileKind::Events)
        );
        assert_eq!(kind_of("x.csv", "athlete_id,date\n"), None);
        assert_eq!(kind_of("x.csv", ""), None);
        assert_eq!(FileKind::from_route("wellness"), Some(FileKind::Wellness));
    }

    use super::*;
    use crate::bounds::DateWindow;
    use crate::canonical::{parse_sessions, BadRows};

    #[test]
    fn a_preview_shows_the_span_the_count_and_the_first_rows_as_read() {
        let text = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n\
                    x1,2024-03-05,\"run, easy\",60,5,,10.2,150,=watch\n\
                    x1,2024-03-01,bike,90,4,,,,\n\
                    x2,2024-03-09,swim,45,6,,,,\n";
        let parsed = parse_sessions("s.csv", text, BadRows::Skip, DateWindow::default()).unwrap();
        let preview = preview(
            Good {
                sessions: &parsed.records,
                lines: Some(&parsed.lines),
                ..Good::default()
            },
            3,
            vec!["x1".parse().unwrap()],
            vec!["x2".parse().unwrap()],
        );
        assert_eq!(preview.rows_good, 3);
        assert_eq!(preview.first_date.as_deref(), Some("2024-03-01"));
        assert_eq!(preview.last_date.as_deref(), Some("2024-03-09"));
        assert_eq!(preview.columns[5], "load");
        assert_eq!(preview.rows.len(), 3);
        assert_eq!(preview.rows[0].line, Some(2));
        assert_eq!(preview.rows[2].line, Some(4));
        // The cell as the file had it: its comma kept, the formula guard taken off,
        // and the load worked out from RPE x minutes.
        assert_eq!(preview.rows[0].cells[2], "run, easy");
        assert_eq!(preview.rows[0].cells[8], "=watch");
        assert_eq!(preview.rows[0].cells[5], "300");
    }

    #[test]
    fn a_preview_shows_at_most_its_limit_of_rows_and_nothing_for_an_empty_file() {
        let mut text = String::from("athlete_id,date,load\n");
        for day in 1..=28 {
            text.push_str(&format!("x1,2024-02-{day:02},100\n"));
        }
        let parsed = parse_sessions("s.csv", &text, BadRows::Skip, DateWindow::default()).unwrap();
        let many = preview(
            Good {
                sessions: &parsed.records,
                ..Good::default()
            },
            28,
            Vec::new(),
            Vec::new(),
        );
        assert_eq!((many.rows.len(), many.rows_good), (PREVIEW_ROWS, 28));
        assert_eq!(many.rows[0].line, None);
        let none = preview(Good::default(), 2, Vec::new(), Vec::new());
        assert_eq!((none.rows.len(), none.first_date), (0, None));
        assert!(none.columns.is_empty());
    }
}

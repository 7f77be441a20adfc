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

#[cfg(test)]
mod tests {
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

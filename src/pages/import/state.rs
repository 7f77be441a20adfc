//! The Import page as plain data: the files picked, where they go, what each
//! request answered, and the words for it.

use forma_core::api::ImportReport;
use forma_core::import_preview::FileKind;

/// One picked file (the browser's `File` is kept beside it, by `id`).
#[derive(Debug, Clone, PartialEq)]
pub struct Picked {
    pub id: u32,
    pub name: String,
    pub bytes: f64,
    /// Guessed from the name and header; the coach can change it.
    pub kind: Option<FileKind>,
}

/// What one file's request answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    pub kind: FileKind,
    pub result: Result<ImportReport, String>,
}

/// Where the page is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Picking files and choosing where they go.
    Choosing,
    /// Sending file `done + 1` of `total`, for a preview or for good.
    Working {
        preview: bool,
        done: usize,
        total: usize,
        current: String,
    },
    /// Every file previewed; nothing stored yet.
    Previewed(Vec<Outcome>),
    /// Every file sent for good.
    Imported(Vec<Outcome>),
}

/// Where the files go, as the page's controls hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub team: String,
    pub athlete: Option<String>,
    pub time_zone: String,
    pub skip_bad: bool,
}

/// The query of one file's request.
pub fn query(kind: FileKind, target: &Target, preview: bool) -> Result<String, String> {
    let encode = crate::auth::percent_encode;
    let mut query = match kind {
        FileKind::Activity => match &target.athlete {
            Some(athlete) if !athlete.is_empty() => format!("athlete={}", encode(athlete)),
            _ => return Err("Choose the athlete the activity files belong to.".to_owned()),
        },
        // A PMData export is in Norwegian local time and always skips the rows
        // PMData itself leaves incomplete.
        FileKind::Pmdata => format!("team={}", encode(&target.team)),
        _ => format!(
            "team={}&time_zone={}",
            encode(&target.team),
            encode(&target.time_zone)
        ),
    };
    if target.skip_bad && kind != FileKind::Pmdata {
        query.push_str("&skip_bad=true");
    }
    if preview {
        query.push_str("&preview=true");
    }
    Ok(query)
}

/// A file's size as people read it.
pub fn size_words(bytes: f64) -> String {
    if bytes >= 1024.0 * 1024.0 {
        format!("{:.1} MB", bytes / (1024.0 * 1024.0))
    } else if bytes >= 1024.0 {
        format!("{:.0} KB", bytes / 1024.0)
    } else {
        format!("{bytes:.0} bytes")
    }
}

fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".to_owned()
    } else {
        format!("{n} rows")
    }
}

/// What a preview says an import would do.
pub fn preview_words(report: &ImportReport, skip_bad: bool) -> String {
    let rejected = report.rejected.len();
    let good = report.added + report.updated + report.unchanged;
    if rejected > 0 && good == 0 {
        return "Nothing in this file can be imported: see why below, fix the file and pick it again.".to_owned();
    }
    if rejected > 0 && !skip_bad {
        return format!(
            "{} cannot be read, so nothing of this file would be stored. Tick \"Skip bad rows\" to store the other {}, or fix the file and pick it again.",
            rows(rejected),
            rows(report.added + report.updated + report.unchanged)
        );
    }
    if report.added + report.updated == 0 {
        return format!(
            "Nothing new: {} already in Forma.",
            match report.unchanged {
                1 => "the 1 row is".to_owned(),
                n => format!("all {n} rows are"),
            }
        );
    }
    format!(
        "Would add {}, update {}; {} already in Forma{}.",
        report.added,
        report.updated,
        report.unchanged,
        if rejected > 0 {
            format!("; {} left out", rows(rejected))
        } else {
            String::new()
        }
    )
}

/// What an import did.
pub fn import_words(report: &ImportReport) -> String {
    if !report.stored {
        let whole = report.rejected.iter().any(|r| r.row.is_none());
        return if whole {
            "Nothing stored: see why below.".to_owned()
        } else {
            format!(
                "Nothing stored: {} could not be read.",
                rows(report.rejected.len())
            )
        };
    }
    if report.added + report.updated == 0 {
        return format!(
            "Nothing new: {} already in Forma, nothing added.",
            match report.unchanged {
                1 => "the 1 row was".to_owned(),
                n => format!("all {n} rows were"),
            }
        );
    }
    format!(
        "Stored: {} added, {} updated, {} unchanged, {} rejected.",
        report.added,
        report.updated,
        report.unchanged,
        report.rejected.len()
    )
}

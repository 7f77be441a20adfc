//! Bringing data in: canonical CSV files, PMData folders and activity files. Each
//! import is one transaction (all of it lands or none of it does), lists every row
//! or file it could not read, and adds nothing when the same data comes twice.

pub mod activity;
pub mod labels;
pub mod pmdata_zip;

use std::collections::{BTreeSet, HashMap};

use forma_core::api::{ImportReport, RejectedRow};
use forma_core::bounds::DateWindow;
use forma_core::canonical::{self, BadRows, CsvError};
use forma_core::import_preview::{self, Good};
use forma_core::types::{AthleteId, Date, Event, Session, WellnessEntry};
use forma_core::wellness::{WellnessUpdate, WriteSource};

use crate::store::athletes::{self, NewAthlete};
use crate::store::audit::{self, Actor, Change};
use crate::store::imports::{self, NewImport};
use crate::store::records::{self, WellnessWrite};
use crate::store::{new_id, AuditedWrite, Pool, Tx};

/// The largest file an import accepts, in bytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Which canonical file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonicalKind {
    Sessions,
    Wellness,
    Events,
}

impl CanonicalKind {
    pub fn name(self) -> &'static str {
        match self {
            CanonicalKind::Sessions => "sessions",
            CanonicalKind::Wellness => "wellness",
            CanonicalKind::Events => "events",
        }
    }
}

/// Where imported records go and what to do with bad rows.
#[derive(Debug, Clone)]
pub struct Destination {
    /// The team new athletes join; athletes of other teams are refused.
    pub team: String,
    /// Create the team when it does not exist (the command line); over HTTP the team
    /// must exist.
    pub create_team: bool,
    /// Time zone given to athletes this import creates.
    pub time_zone: String,
    /// Store the good rows and list the bad ones, instead of storing nothing.
    pub skip_bad: bool,
    /// Read, check and write the file in a transaction that is then rolled back:
    /// the report says what an import that skips the bad rows would do, with
    /// [`ImportReport::preview`], and nothing is stored.
    pub preview: bool,
}

/// Parsed records of any kind, ready to store.
#[derive(Debug, Default)]
pub struct Records {
    pub sessions: Vec<Session>,
    pub wellness: Vec<WellnessEntry>,
    pub events: Vec<Event>,
    /// Athletes to create even if no record names them (a PMData participant whose
    /// files hold nothing usable still belongs to the team).
    pub athletes: Vec<AthleteId>,
}

/// Keeps the records dated within their athlete's window and returns the others
/// as rejected rows (`lines`, when given, are the records' lines in the file, and
/// keep the lines of the records kept).
fn keep_within<T>(
    records: &mut Vec<T>,
    key: impl Fn(&T) -> (&AthleteId, Date),
    file: &str,
    mut lines: Option<&mut Vec<usize>>,
    dates: DateWindow,
    born: &HashMap<String, i32>,
) -> Vec<RejectedRow> {
    let mut rejected = Vec::new();
    let mut index = 0;
    let mut kept = Vec::with_capacity(records.len());
    let all = lines.as_deref().cloned();
    records.retain(|record| {
        let (athlete, date) = key(record);
        let line = all.as_ref().and_then(|lines| lines.get(index).copied());
        index += 1;
        let window = dates.born_in(born.get(athlete.as_str()).copied());
        match window.check("date", date) {
            Ok(_) => {
                kept.extend(line);
                true
            }
            Err(error) => {
                rejected.push(RejectedRow {
                    file: file.to_owned(),
                    row: line,
                    column: Some("date".to_owned()),
                    value: Some(error.value.clone()),
                    reason: format!("{athlete}: expected {}", error.accepted),
                });
                false
            }
        }
    });
    // Lines belong to the one kind a CSV file holds; the other kinds are empty.
    if let Some(lines) = lines.as_mut() {
        if index > 0 {
            **lines = kept;
        }
    }
    rejected
}

impl Records {
    /// Leaves out, and lists, every record dated outside its athlete's window
    /// (before 1900 or their birth year, or more than ten years ahead).
    fn keep_dated(
        &mut self,
        file: &str,
        mut lines: Option<&mut Vec<usize>>,
        dates: DateWindow,
        born: &HashMap<String, i32>,
    ) -> Vec<RejectedRow> {
        let mut rejected = keep_within(
            &mut self.sessions,
            |s| (&s.athlete_id, s.date),
            file,
            lines.as_deref_mut(),
            dates,
            born,
        );
        rejected.extend(keep_within(
            &mut self.wellness,
            |w| (&w.athlete_id, w.date),
            file,
            lines.as_deref_mut(),
            dates,
            born,
        ));
        rejected.extend(keep_within(
            &mut self.events,
            |e| (&e.athlete_id, e.date),
            file,
            lines,
            dates,
            born,
        ));
        rejected
    }

    fn athletes(&self) -> BTreeSet<&AthleteId> {
        self.athletes
            .iter()
            .chain(self.sessions.iter().map(|s| &s.athlete_id))
            .chain(self.wellness.iter().map(|w| &w.athlete_id))
            .chain(self.events.iter().map(|e| &e.athlete_id))
            .collect()
    }
}

fn rejected_from_csv(error: &CsvError) -> RejectedRow {
    RejectedRow {
        file: error.file.clone(),
        row: Some(error.line),
        column: Some(error.column.clone()),
        value: Some(error.value.clone()),
        reason: format!("expected {}", error.accepted),
    }
}

/// A report for an import that stored nothing.
fn refused(file: &str, rejected: Vec<RejectedRow>) -> ImportReport {
    ImportReport {
        stored: false,
        file: file.to_owned(),
        added: 0,
        unchanged: 0,
        updated: 0,
        new_athletes: Vec::new(),
        rejected,
        preview: None,
    }
}

/// Imports one canonical CSV file.
///
/// # Errors
/// Only when the database fails; unreadable rows are reported in the answer.
pub async fn import_canonical(
    pool: &Pool,
    kind: CanonicalKind,
    file: &str,
    bytes: &[u8],
    destination: &Destination,
    actor: &Actor,
) -> Result<ImportReport, sqlx::Error> {
    if bytes.is_empty() {
        return Ok(refused(
            file,
            vec![whole_file(
                file,
                "the file is empty; expected a CSV file with a header row",
            )],
        ));
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(refused(
            file,
            vec![whole_file(
                file,
                "the file is not UTF-8 text; save it as CSV (UTF-8)",
            )],
        ));
    };
    let mut records = Records::default();
    let dates = crate::record_dates();
    let mut lines = Vec::new();
    let parsed =
        match kind {
            CanonicalKind::Sessions => canonical::parse_sessions(file, text, BadRows::Skip, dates)
                .map(|parsed| {
                    records.sessions = parsed.records;
                    lines = parsed.lines;
                    parsed.skipped
                }),
            CanonicalKind::Wellness => canonical::parse_wellness(file, text, BadRows::Skip, dates)
                .map(|parsed| {
                    records.wellness = parsed.records;
                    lines = parsed.lines;
                    parsed.skipped
                }),
            CanonicalKind::Events => {
                canonical::parse_events(file, text, BadRows::Skip, dates).map(|parsed| {
                    records.events = parsed.records;
                    lines = parsed.lines;
                    parsed.skipped
                })
            }
        };
    let skipped = match parsed {
        Ok(skipped) => skipped,
        Err(header) => return Ok(refused(file, vec![rejected_from_csv(&header)])),
    };
    let rows_read = lines.len() + skipped.len();
    let mut rejected: Vec<RejectedRow> = skipped.iter().map(rejected_from_csv).collect();
    let born = athletes::birth_years(pool, &destination.team).await?;
    rejected.extend(records.keep_dated(file, Some(&mut lines), dates, &born));
    rejected.sort_by_key(|row| row.row);
    if !rejected.is_empty() && !destination.skip_bad && !destination.preview {
        return Ok(refused(file, rejected));
    }
    store_records(
        pool,
        kind.name(),
        file,
        &records,
        destination,
        actor,
        Read {
            rows: rows_read,
            lines: Some(&lines),
            rejected,
        },
        &HashMap::new(),
    )
    .await
}

/// What reading a file gave besides its good records.
pub struct Read<'a> {
    /// Rows read, good and rejected.
    pub rows: usize,
    /// The good records' lines in the file, when it is one CSV file.
    pub lines: Option<&'a [usize]>,
    pub rejected: Vec<RejectedRow>,
}

fn whole_file(file: &str, reason: &str) -> RejectedRow {
    RejectedRow {
        file: file.to_owned(),
        row: None,
        column: None,
        value: None,
        reason: reason.to_owned(),
    }
}

/// Stores parsed records in one transaction. `names` gives display names (and is
/// otherwise the athlete id) for athletes the import creates.
///
/// # Errors
/// When the database fails; then nothing is stored.
#[allow(clippy::too_many_arguments)]
pub async fn store_records(
    pool: &Pool,
    kind: &str,
    file: &str,
    records: &Records,
    destination: &Destination,
    actor: &Actor,
    read: Read<'_>,
    names: &HashMap<AthleteId, String>,
) -> Result<ImportReport, sqlx::Error> {
    let Read {
        rows: rows_read,
        lines,
        rejected,
    } = read;
    let mut tx = AuditedWrite::begin(pool, actor.clone()).await?;
    if destination.create_team {
        athletes::ensure_team(&mut tx, &destination.team, &destination.team).await?;
    } else if athletes::team(pool, &destination.team).await?.is_none() {
        return Ok(refused(
            file,
            vec![whole_file(
                file,
                &format!("there is no team `{}`", destination.team),
            )],
        ));
    }
    let wanted: Vec<&AthleteId> = records.athletes().into_iter().collect();
    let wanted_ids: Vec<AthleteId> = wanted.iter().map(|id| (*id).clone()).collect();
    let mut foreign = Vec::new();
    let existing = athletes::teams_of(&mut tx, &wanted).await?;
    for (athlete, team) in &existing {
        if team != &destination.team {
            foreign.push(whole_file(
                file,
                // The other team is not named: the importer may not be allowed to see it.
                &format!(
                    "athlete {athlete} is not in team `{}` (athlete ids are unique across teams); import their rows into their own team or give them another id",
                    destination.team
                ),
            ));
        }
    }
    if !foreign.is_empty() {
        return Ok(refused(file, foreign));
    }
    let mut new_athletes = Vec::new();
    for athlete in wanted {
        if existing.iter().any(|(id, _)| id == athlete) {
            continue;
        }
        let name = names.get(athlete).map_or(athlete.as_str(), String::as_str);
        let created = athletes::insert_athlete(
            &mut tx,
            &NewAthlete {
                id: athlete,
                team_id: &destination.team,
                name,
                time_zone: &destination.time_zone,
                sex: None,
                birth_year: None,
                sport: None,
                hr_max: None,
                hr_rest: None,
            },
        )
        .await?;
        if created {
            new_athletes.push(athlete.clone());
        }
    }

    let import_id = new_id();
    imports::insert(
        &mut tx,
        &NewImport {
            id: &import_id,
            kind,
            file_name: file,
            team_id: &destination.team,
            actor,
        },
    )
    .await?;

    let file_source = format!("file:{file}");
    let source = if kind == "pmdata" {
        WriteSource::PerItem(forma_core::pmdata::wellness_source)
    } else {
        WriteSource::Same(&file_source)
    };
    let counts = write_records(&mut tx, records, Some(&import_id), source).await?;
    imports::set_counts(
        &mut tx,
        &import_id,
        counts.added + counts.updated,
        counts.unchanged,
    )
    .await?;
    let mut report = ImportReport {
        stored: true,
        file: file.to_owned(),
        added: counts.added,
        unchanged: counts.unchanged,
        updated: counts.updated,
        new_athletes,
        rejected,
        preview: None,
    };
    if destination.preview {
        // Every check and count above is the import's own; only the commit is left out.
        tx.rollback().await?;
        let known = wanted_ids
            .into_iter()
            .filter(|id| !report.new_athletes.contains(id))
            .collect();
        report.stored = false;
        report.preview = Some(import_preview::preview(
            Good {
                sessions: &records.sessions,
                wellness: &records.wellness,
                events: &records.events,
                lines,
            },
            rows_read,
            known,
            report.new_athletes.clone(),
        ));
        return Ok(report);
    }
    tx.audit(Change {
        action: "import",
        entity: "import",
        entity_id: &import_id,
        athlete_id: None,
        before: None,
        after: audit::snapshot(&report),
    })
    .await?;
    // Each athlete's own log names the import that changed their data (the whole
    // report stays in the entry above, which no athlete's log shows).
    for athlete in &counts.changed_athletes {
        tx.athlete_changed(
            athlete,
            Change {
                action: "import",
                entity: "import",
                entity_id: &import_id,
                athlete_id: Some(athlete.as_str()),
                before: None,
                after: Some(serde_json::json!({ "file": file })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(report)
}

#[derive(Debug, Default)]
struct Counts {
    added: usize,
    updated: usize,
    unchanged: usize,
    changed_athletes: BTreeSet<AthleteId>,
}

async fn write_records(
    tx: &mut Tx<'_>,
    records: &Records,
    import_id: Option<&str>,
    wellness_source: WriteSource<'_>,
) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ids = Vec::with_capacity(records.sessions.len());
    for session in &records.sessions {
        let base = records::session_id(session, 0);
        let occurrence = seen
            .entry(base.clone())
            .and_modify(|n| *n += 1)
            .or_insert(0);
        ids.push(if *occurrence == 0 {
            base
        } else {
            records::session_id(session, *occurrence)
        });
    }
    // Many rows per statement: a file of a million sessions is one transaction of
    // a few thousand statements, not a million.
    for (batch, batch_ids) in records
        .sessions
        .chunks(records::SESSION_BATCH)
        .zip(ids.chunks(records::SESSION_BATCH))
    {
        let added = records::insert_sessions(tx, batch_ids, batch, import_id).await?;
        counts.added += added;
        counts.unchanged += batch.len() - added;
        if added > 0 {
            counts
                .changed_athletes
                .extend(batch.iter().map(|s| s.athlete_id.clone()));
        }
    }
    for entry in &records.wellness {
        let update = WellnessUpdate::values(entry.clone());
        match records::write_wellness(tx, &update, wellness_source)
            .await?
            .0
        {
            WellnessWrite::Added => counts.added += 1,
            WellnessWrite::Updated => counts.updated += 1,
            WellnessWrite::Unchanged => {
                counts.unchanged += 1;
                continue;
            }
        }
        counts.changed_athletes.insert(entry.athlete_id.clone());
    }
    seen.clear();
    for event in &records.events {
        let base = records::event_id(event, 0);
        let occurrence = seen
            .entry(base.clone())
            .and_modify(|n| *n += 1)
            .or_insert(0);
        let id = if *occurrence == 0 {
            base
        } else {
            records::event_id(event, *occurrence)
        };
        if records::insert_event(tx, &id, event, import_id).await? {
            counts.added += 1;
            counts.changed_athletes.insert(event.athlete_id.clone());
        } else {
            counts.unchanged += 1;
        }
    }
    Ok(counts)
}

/// Imports a PMData folder (one participant folder per athlete) into a team, with
/// dates in Norwegian local time.
///
/// # Errors
/// When the folder cannot be read, or the database fails.
pub async fn import_pmdata(
    pool: &Pool,
    dir: &std::path::Path,
    destination: &Destination,
    actor: &Actor,
) -> anyhow::Result<ImportReport> {
    let team = crate::commands::convert::read_pmdata(dir)?;
    Ok(import_pmdata_team(pool, team, &dir.display().to_string(), destination, actor).await?)
}

/// Imports a PMData export already read (from a folder, or a zip), named `name`
/// in the report.
///
/// # Errors
/// When the database fails; then nothing is stored.
pub async fn import_pmdata_team(
    pool: &Pool,
    team: crate::commands::convert::PmdataTeam,
    name: &str,
    destination: &Destination,
    actor: &Actor,
) -> Result<ImportReport, sqlx::Error> {
    let mut records = Records {
        sessions: team.converted.sessions,
        wellness: team.converted.wellness,
        events: team.converted.events,
        athletes: team.participants.clone(),
    };
    // Rows PMData itself leaves incomplete (a session without RPE) are listed, and the
    // rest is stored: the folder is a whole export, not a file a coach can fix.
    let mut rejected: Vec<RejectedRow> = team
        .converted
        .skipped
        .iter()
        .map(rejected_from_csv)
        .collect();
    let rows_read =
        records.sessions.len() + records.wellness.len() + records.events.len() + rejected.len();
    let born = athletes::birth_years(pool, &destination.team).await?;
    rejected.extend(records.keep_dated(name, None, crate::record_dates(), &born));
    let names = team
        .participants
        .iter()
        .map(|id| {
            (
                id.clone(),
                format!("Participant {}", id.as_str().to_uppercase()),
            )
        })
        .collect();
    let destination = Destination {
        time_zone: "Europe/Oslo".to_owned(),
        ..destination.clone()
    };
    store_records(
        pool,
        "pmdata",
        name,
        &records,
        &destination,
        actor,
        Read {
            rows: rows_read,
            lines: None,
            rejected,
        },
        &names,
    )
    .await
}

/// The import report as lines for a terminal.
pub fn report_text(report: &ImportReport) -> String {
    let mut text = if report.stored {
        format!(
            "{}: {} added, {} updated, {} already stored",
            report.file, report.added, report.updated, report.unchanged
        )
    } else {
        format!("{}: nothing stored", report.file)
    };
    if !report.new_athletes.is_empty() {
        let names: Vec<&str> = report.new_athletes.iter().map(AthleteId::as_str).collect();
        text.push_str(&format!("; new athletes: {}", names.join(", ")));
    }
    text.push('\n');
    if !report.rejected.is_empty() {
        text.push_str(&format!(
            "{} {} could not be read{}:\n",
            report.rejected.len(),
            if report.rejected.len() == 1 {
                "row or file"
            } else {
                "rows or files"
            },
            if report.stored {
                " and were left out"
            } else {
                ""
            }
        ));
        for row in &report.rejected {
            text.push_str("  ");
            text.push_str(&row.file);
            if let Some(line) = row.row {
                text.push_str(&format!(", line {line}"));
            }
            if let Some(column) = &row.column {
                text.push_str(&format!(", column {column}"));
            }
            if let Some(value) = &row.value {
                text.push_str(&format!(": `{value}`"));
            }
            text.push_str(&format!(": {}\n", row.reason));
        }
    }
    text
}

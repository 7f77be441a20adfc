//! Activity files (FIT, TCX, GPX) for one athlete: each becomes a session on the
//! athlete's local date, with its load in the unit of the athlete's series (one
//! series sums one unit, [`forma_core::types::LoadUnit`]):
//!
//! - an athlete whose sessions are TRIMP from heart rate gets Banister's TRIMP
//!   (when the file has heart rate and Forma knows the athlete's values);
//! - everyone else, and the session-RPE default, gets session-RPE load with the
//!   athlete's usual RPE (the median of their recorded ones, or 5, "hard", when
//!   there are none) times the minutes, marked as an estimate until an RPE is
//!   given; the quality report lists these sessions;
//! - an athlete whose series is in minutes keeps minutes.

use forma_activity::{ActivitySummary, Sex as ActivitySex};
use forma_core::api::{AthleteProfile, ImportReport, RejectedRow, Sex};
use forma_core::types::{LoadUnit, Session};

use crate::store::athletes;
use crate::store::audit::{self, Actor, Change};
use crate::store::imports::{self, NewImport};
use crate::store::records;
use crate::store::{content_id, new_id, AuditedWrite, Pool};

/// One uploaded or named file.
pub struct ActivityFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The RPE an activity without one is given when the athlete has no recorded
/// RPE to take the usual from: 5, "hard" on Borg's CR-10 scale.
pub const DEFAULT_RPE: f64 = 5.0;

/// The unit the athlete's series is in: the unit of most of their sessions, and
/// session-RPE load (Forma's default) when they have none.
pub fn series_unit(sessions: &[Session]) -> LoadUnit {
    let mut counts: std::collections::BTreeMap<LoadUnit, usize> = Default::default();
    for session in sessions {
        let unit = match session.load_unit() {
            LoadUnit::EstimatedSessionRpe => LoadUnit::SessionRpe,
            other => other,
        };
        *counts.entry(unit).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or(LoadUnit::SessionRpe, |(unit, _)| unit)
}

/// The session's load in the series' unit, and how it was found (the `source`
/// tag's method).
fn load_of(
    summary: &ActivitySummary,
    athlete: &AthleteProfile,
    unit: LoadUnit,
    usual_rpe: Option<f64>,
) -> (f64, &'static str, Option<f64>) {
    let minutes = summary.duration_s / 60.0;
    let trimp = || {
        let (rest, max, sex) = (athlete.hr_rest?, athlete.hr_max?, athlete.sex?);
        let sex = match sex {
            Sex::Female => ActivitySex::Female,
            Sex::Male => ActivitySex::Male,
        };
        // Banister's TRIMP from the heart-rate samples (forma_activity::trimp).
        forma_activity::trimp(&summary.heart_rate, rest, max, sex)
    };
    match unit {
        LoadUnit::Trimp => {
            if let Some(trimp) = trimp() {
                return (trimp, "trimp", None);
            }
        }
        LoadUnit::Minutes => return (minutes, "duration", None),
        _ => {}
    }
    let rpe = usual_rpe.unwrap_or(DEFAULT_RPE);
    (rpe * minutes, "rpe-estimate", Some(rpe))
}

/// The session an activity becomes for `athlete`, whose series is in `unit`
/// and whose usual RPE is `usual_rpe`.
///
/// # Errors
/// When the athlete's time zone is unknown.
pub fn session_of(
    summary: &ActivitySummary,
    athlete: &AthleteProfile,
    unit: LoadUnit,
    usual_rpe: Option<f64>,
) -> anyhow::Result<Session> {
    let zone = jiff::tz::TimeZone::get(&athlete.time_zone).map_err(|error| {
        anyhow::anyhow!(
            "athlete {} has time zone `{}`: {error}",
            athlete.id,
            athlete.time_zone
        )
    })?;
    let (load, how, _) = load_of(summary, athlete, unit, usual_rpe);
    Ok(Session {
        athlete_id: athlete.id.clone(),
        date: zone.to_datetime(summary.start).date(),
        sport: Some(summary.sport.as_str().to_owned()),
        duration_min: Some(summary.duration_s / 60.0),
        rpe: None,
        load,
        distance_km: summary.distance_km,
        avg_hr: summary.avg_hr,
        source: Some(format!("{}:{how}", summary.source.extension())),
    })
}

/// Imports activity files for one athlete in one transaction. A file that cannot be
/// read is listed; unless `skip_bad`, nothing is then stored. A `preview` does all
/// of it in a transaction that is rolled back, and says what the files hold.
///
/// # Errors
/// When the athlete does not exist or the database fails.
pub async fn import_activities(
    pool: &Pool,
    athlete_id: &str,
    files: &[ActivityFile],
    skip_bad: bool,
    preview: bool,
    actor: &Actor,
) -> anyhow::Result<ImportReport> {
    let athlete = athletes::athlete(pool, athlete_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("there is no athlete `{athlete_id}`"))?;
    let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
    let mut report = ImportReport {
        stored: false,
        file: names.join(", "),
        added: 0,
        unchanged: 0,
        updated: 0,
        new_athletes: Vec::new(),
        rejected: Vec::new(),
        preview: None,
    };
    let mut sessions = Vec::new();
    let dates = crate::record_dates().born_in(athlete.birth_year);
    let stored: Vec<Session> = records::athlete_data(pool, &athlete.id, None, None)
        .await?
        .sessions
        .into_iter()
        .map(|record| record.session)
        .collect();
    let unit = series_unit(&stored);
    let usual_rpe = forma_core::quality::usual_rpe(&stored);
    for file in files {
        match forma_activity::parse(&file.name, &file.bytes) {
            Ok(summary) => {
                let session = session_of(&summary, &athlete, unit, usual_rpe)?;
                match dates.check("date", session.date) {
                    Ok(_) => sessions.push((session, summary.start)),
                    Err(error) => report.rejected.push(RejectedRow {
                        file: file.name.clone(),
                        row: None,
                        column: Some("date".to_owned()),
                        value: Some(error.value.clone()),
                        reason: format!(
                            "the activity started on {}: expected {}",
                            error.value, error.accepted
                        ),
                    }),
                }
            }
            Err(error) => report.rejected.push(RejectedRow {
                file: file.name.clone(),
                row: None,
                column: None,
                value: None,
                reason: error.to_string(),
            }),
        }
    }
    if !report.rejected.is_empty() && !skip_bad && !preview {
        return Ok(report);
    }
    let mut tx = AuditedWrite::begin(pool, actor.clone()).await?;
    let import_id = new_id();
    imports::insert(
        &mut tx,
        &NewImport {
            id: &import_id,
            kind: "activity",
            file_name: &report.file,
            team_id: &athlete.team_id,
            actor,
        },
    )
    .await?;
    for (session, start) in &sessions {
        // One recorded activity per athlete and start time, whatever file it came in.
        let id = content_id(&["activity", athlete.id.as_str(), &start.to_string()]);
        if records::insert_session(&mut tx, &id, session, Some(&import_id)).await? {
            report.added += 1;
        } else {
            report.unchanged += 1;
        }
    }
    imports::set_counts(&mut tx, &import_id, report.added, report.unchanged).await?;
    if preview {
        tx.rollback().await?;
        let good: Vec<Session> = sessions.into_iter().map(|(session, _)| session).collect();
        report.preview = Some(forma_core::import_preview::preview(
            forma_core::import_preview::Good {
                sessions: &good,
                ..Default::default()
            },
            files.len(),
            vec![athlete.id.clone()],
            Vec::new(),
        ));
        return Ok(report);
    }
    if report.added > 0 {
        tx.data_changed(&athlete.id).await?;
    }
    report.stored = true;
    tx.audit(Change {
        action: "import",
        entity: "import",
        entity_id: &import_id,
        athlete_id: Some(athlete.id.as_str()),
        before: None,
        after: audit::snapshot(&report),
    })
    .await?;
    tx.commit().await?;
    Ok(report)
}

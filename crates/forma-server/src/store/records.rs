//! Sessions, wellness and events: writing them idempotently and reading them back.

pub use forma_core::api::{EventRecord, SessionRecord, WellnessRecord};
use forma_core::types::{parse_date, AthleteId, Event, Session, WellnessEntry};
use forma_core::wellness::{self, Merged, WellnessUpdate, WriteSource};
use jiff::civil::Date;

use super::athletes::decode_error;
use super::{content_id, now, number_text, Pool, Tx};

/// The content id of a session: the same session in the same place of a file always
/// gets the same id. `occurrence` tells apart identical sessions on one day.
pub fn session_id(session: &Session, occurrence: usize) -> String {
    content_id(&[
        "session",
        session.athlete_id.as_str(),
        &session.date.to_string(),
        session.sport.as_deref().unwrap_or_default(),
        &number_text(session.duration_min),
        &number_text(session.rpe),
        &session.load.to_string(),
        &number_text(session.distance_km),
        &number_text(session.avg_hr),
        session.source.as_deref().unwrap_or_default(),
        &occurrence.to_string(),
    ])
}

/// The content id of an event.
pub fn event_id(event: &Event, occurrence: usize) -> String {
    content_id(&[
        "event",
        event.athlete_id.as_str(),
        &event.date.to_string(),
        &event.kind.to_string(),
        &event.severity.map(|s| format!("{s:?}")).unwrap_or_default(),
        event.body_part.as_deref().unwrap_or_default(),
        &event.days_lost.map(|d| d.to_string()).unwrap_or_default(),
        &occurrence.to_string(),
    ])
}

/// Stores a session unless one with the same id exists; returns whether it was new.
///
/// # Errors
/// When the database fails (for example, an unknown athlete).
pub async fn insert_session(
    tx: &mut Tx<'_>,
    id: &str,
    session: &Session,
    import_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let added = insert_sessions(
        tx,
        &[id.to_owned()],
        std::slice::from_ref(session),
        import_id,
    )
    .await?;
    Ok(added == 1)
}

/// Sessions written per statement by [`insert_sessions`] (12 values each, well
/// under SQLite's and PostgreSQL's limits on bound values).
pub const SESSION_BATCH: usize = 400;

/// Stores sessions whose ids are new, in one statement; returns how many were new.
/// `ids` and `sessions` are paired by position.
///
/// # Errors
/// When the database fails (for example, an unknown athlete).
pub async fn insert_sessions(
    tx: &mut Tx<'_>,
    ids: &[String],
    sessions: &[Session],
    import_id: Option<&str>,
) -> Result<usize, sqlx::Error> {
    if sessions.is_empty() {
        return Ok(0);
    }
    let mut sql = String::from(
        "INSERT INTO sessions (id, athlete_id, date, sport, duration_min, rpe, load, distance_km, avg_hr, source, import_id, created_at) VALUES ",
    );
    // Anonymous `?` placeholders: SQLite looks numbered ones up by name, which is
    // quadratic in a statement with thousands of them. (PostgreSQL's `$n` style is
    // the one place a second backend must generate differently.)
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for index in 0..sessions.len() {
        if index > 0 {
            sql.push_str(", ");
        }
        sql.push_str(row);
    }
    sql.push_str(" ON CONFLICT (id) DO NOTHING");
    let created = now();
    let mut query = sqlx::query(&sql);
    for (id, session) in ids.iter().zip(sessions) {
        query = query
            .bind(id)
            .bind(session.athlete_id.as_str())
            .bind(session.date.to_string())
            .bind(session.sport.as_deref())
            .bind(session.duration_min)
            .bind(session.rpe)
            .bind(session.load)
            .bind(session.distance_km)
            .bind(session.avg_hr)
            .bind(session.source.as_deref())
            .bind(import_id)
            .bind(created.as_str());
    }
    let result = query.execute(&mut **tx).await?;
    Ok(usize::try_from(result.rows_affected()).unwrap_or(usize::MAX))
}

/// What writing one day's wellness did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WellnessWrite {
    Added,
    Updated,
    Unchanged,
}

/// Writes one day's wellness by merging: the items `update` carries replace the
/// stored ones and take `source`, the items it clears are emptied, and every
/// other stored item (a watch's resting heart rate, an earlier check-in's
/// answers) stays with its source. Returns what happened, the day before (when
/// there was one) and after.
///
/// # Errors
/// When the database fails.
pub async fn write_wellness(
    tx: &mut Tx<'_>,
    update: &WellnessUpdate,
    source: WriteSource<'_>,
) -> Result<(WellnessWrite, Option<WellnessRecord>, Merged), sqlx::Error> {
    let athlete = &update.values.athlete_id;
    let before = wellness_on(tx, athlete, update.values.date).await?;
    let merged = wellness::merge(
        before.as_ref().map(|b| (&b.entry, &b.sources)),
        update,
        source,
    );
    let outcome = match &before {
        Some(_) if merged.changes.is_empty() => {
            return Ok((WellnessWrite::Unchanged, before, merged))
        }
        Some(_) => WellnessWrite::Updated,
        None => WellnessWrite::Added,
    };
    let entry = &merged.entry;
    let sources =
        serde_json::to_string(&merged.sources).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "INSERT INTO wellness (athlete_id, date, sleep_h, sleep_quality, fatigue, soreness, stress, mood, readiness, hrv_rmssd_ms, resting_hr, sources, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (athlete_id, date) DO UPDATE SET
           sleep_h = excluded.sleep_h, sleep_quality = excluded.sleep_quality, fatigue = excluded.fatigue,
           soreness = excluded.soreness, stress = excluded.stress, mood = excluded.mood,
           readiness = excluded.readiness, hrv_rmssd_ms = excluded.hrv_rmssd_ms,
           resting_hr = excluded.resting_hr, sources = excluded.sources,
           updated_at = excluded.updated_at",
    )
    .bind(entry.athlete_id.as_str())
    .bind(entry.date.to_string())
    .bind(entry.sleep_h)
    .bind(entry.sleep_quality)
    .bind(entry.fatigue)
    .bind(entry.soreness)
    .bind(entry.stress)
    .bind(entry.mood)
    .bind(entry.readiness)
    .bind(entry.hrv_rmssd_ms)
    .bind(entry.resting_hr)
    .bind(sources)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok((outcome, before, merged))
}

async fn wellness_on(
    tx: &mut Tx<'_>,
    athlete: &AthleteId,
    date: Date,
) -> Result<Option<WellnessRecord>, sqlx::Error> {
    let row = sqlx::query_as::<_, WellnessRecordRow>(&format!(
        "SELECT {WELLNESS_COLUMNS}, sources, updated_at FROM wellness WHERE athlete_id = $1 AND date = $2"
    ))
    .bind(athlete.as_str())
    .bind(date.to_string())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(WellnessRecord::try_from).transpose()
}

/// An athlete's stored wellness days with their sources, in date order,
/// optionally limited to `from..=to`.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn wellness_records(
    pool: &Pool,
    athlete: &AthleteId,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<Vec<WellnessRecord>, sqlx::Error> {
    let from = from.map_or_else(|| "0000-01-01".to_owned(), |d| d.to_string());
    let to = to.map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string());
    sqlx::query_as::<_, WellnessRecordRow>(&format!(
        "SELECT {WELLNESS_COLUMNS}, sources, updated_at FROM wellness
         WHERE athlete_id = $1 AND date >= $2 AND date <= $3 ORDER BY date"
    ))
    .bind(athlete.as_str())
    .bind(&from)
    .bind(&to)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(WellnessRecord::try_from)
    .collect()
}

/// Stores an event unless one with the same id exists; returns whether it was new.
///
/// # Errors
/// When the database fails.
pub async fn insert_event(
    tx: &mut Tx<'_>,
    id: &str,
    event: &Event,
    import_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO events (id, athlete_id, date, kind, severity, body_part, days_lost, import_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(event.athlete_id.as_str())
    .bind(event.date.to_string())
    .bind(event.kind.to_string())
    .bind(event.severity.map(|s| format!("{s:?}").to_lowercase()))
    .bind(event.body_part.as_deref())
    .bind(event.days_lost.map(i64::from))
    .bind(import_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The session with this id, of whichever athlete.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn session_by_id(
    tx: &mut Tx<'_>,
    id: &str,
) -> Result<Option<SessionRecord>, sqlx::Error> {
    let row = sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(SessionRecord::try_from).transpose()
}

/// The event with this id, of whichever athlete.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn event_by_id(tx: &mut Tx<'_>, id: &str) -> Result<Option<EventRecord>, sqlx::Error> {
    let row =
        sqlx::query_as::<_, EventRow>(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(EventRecord::try_from).transpose()
}

/// Everything stored for one athlete.
#[derive(Debug, Clone, Default)]
pub struct AthleteData {
    pub sessions: Vec<SessionRecord>,
    pub wellness: Vec<WellnessEntry>,
    pub events: Vec<Event>,
}

/// Reads an athlete's sessions, wellness and events, in date order, optionally
/// limited to `from..=to`.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn athlete_data(
    pool: &Pool,
    athlete: &AthleteId,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<AthleteData, sqlx::Error> {
    let from = from.map_or_else(|| "0000-01-01".to_owned(), |d| d.to_string());
    let to = to.map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string());
    let sessions = sqlx::query_as::<_, SessionRow>(&format!(
        "SELECT {SESSION_COLUMNS}
         FROM sessions WHERE athlete_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, id"
    ))
    .bind(athlete.as_str())
    .bind(&from)
    .bind(&to)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(SessionRecord::try_from)
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let wellness = sqlx::query_as::<_, WellnessRow>(&format!(
        "SELECT {WELLNESS_COLUMNS} FROM wellness WHERE athlete_id = $1 AND date >= $2 AND date <= $3 ORDER BY date"
    ))
    .bind(athlete.as_str())
    .bind(&from)
    .bind(&to)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(WellnessEntry::try_from)
    .collect::<Result<Vec<_>, _>>()?;
    let events = sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS}
         FROM events WHERE athlete_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, id"
    ))
    .bind(athlete.as_str())
    .bind(&from)
    .bind(&to)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|row| EventRecord::try_from(row).map(|record| record.event))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(AthleteData {
        sessions,
        wellness,
        events,
    })
}

const WELLNESS_COLUMNS: &str = "athlete_id, date, sleep_h, sleep_quality, fatigue, soreness, stress, mood, readiness, hrv_rmssd_ms, resting_hr";

/// A stored day's wellness ([`WELLNESS_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct WellnessRow {
    athlete_id: String,
    date: String,
    sleep_h: Option<f64>,
    sleep_quality: Option<f64>,
    fatigue: Option<f64>,
    soreness: Option<f64>,
    stress: Option<f64>,
    mood: Option<f64>,
    readiness: Option<f64>,
    hrv_rmssd_ms: Option<f64>,
    resting_hr: Option<f64>,
}

impl TryFrom<WellnessRow> for WellnessEntry {
    type Error = sqlx::Error;

    fn try_from(row: WellnessRow) -> Result<Self, sqlx::Error> {
        Ok(WellnessEntry {
            athlete_id: row.athlete_id.parse().map_err(decode_error)?,
            date: parse_date(&row.date).map_err(decode_error)?,
            sleep_h: row.sleep_h,
            sleep_quality: row.sleep_quality,
            fatigue: row.fatigue,
            soreness: row.soreness,
            stress: row.stress,
            mood: row.mood,
            readiness: row.readiness,
            hrv_rmssd_ms: row.hrv_rmssd_ms,
            resting_hr: row.resting_hr,
        })
    }
}

/// A stored day's wellness with where each item came from.
#[derive(sqlx::FromRow)]
struct WellnessRecordRow {
    #[sqlx(flatten)]
    entry: WellnessRow,
    sources: Option<String>,
    updated_at: Option<String>,
}

impl TryFrom<WellnessRecordRow> for WellnessRecord {
    type Error = sqlx::Error;

    fn try_from(row: WellnessRecordRow) -> Result<Self, sqlx::Error> {
        Ok(WellnessRecord {
            entry: row.entry.try_into()?,
            sources: row
                .sources
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(decode_error)?
                .unwrap_or_default(),
            updated_at: row.updated_at,
        })
    }
}

const SESSION_COLUMNS: &str =
    "id, athlete_id, date, sport, duration_min, rpe, load, distance_km, avg_hr, source";

/// A stored session ([`SESSION_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct SessionRow {
    id: String,
    athlete_id: String,
    date: String,
    sport: Option<String>,
    duration_min: Option<f64>,
    rpe: Option<f64>,
    load: f64,
    distance_km: Option<f64>,
    avg_hr: Option<f64>,
    source: Option<String>,
}

impl TryFrom<SessionRow> for SessionRecord {
    type Error = sqlx::Error;

    fn try_from(row: SessionRow) -> Result<Self, sqlx::Error> {
        Ok(SessionRecord {
            id: row.id,
            session: Session {
                athlete_id: row.athlete_id.parse().map_err(decode_error)?,
                date: parse_date(&row.date).map_err(decode_error)?,
                sport: row.sport,
                duration_min: row.duration_min,
                rpe: row.rpe,
                load: row.load,
                distance_km: row.distance_km,
                avg_hr: row.avg_hr,
                source: row.source,
            },
        })
    }
}

const EVENT_COLUMNS: &str = "id, athlete_id, date, kind, severity, body_part, days_lost, closed_on";

/// A stored injury or illness ([`EVENT_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    athlete_id: String,
    date: String,
    kind: String,
    severity: Option<String>,
    body_part: Option<String>,
    days_lost: Option<i64>,
    closed_on: Option<String>,
}

impl TryFrom<EventRow> for EventRecord {
    type Error = sqlx::Error;

    fn try_from(row: EventRow) -> Result<Self, sqlx::Error> {
        Ok(EventRecord {
            id: row.id,
            event: Event {
                athlete_id: row.athlete_id.parse().map_err(decode_error)?,
                date: parse_date(&row.date).map_err(decode_error)?,
                kind: row.kind.parse().map_err(decode_error)?,
                severity: row
                    .severity
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(decode_error)?,
                body_part: row.body_part,
                days_lost: row.days_lost.and_then(|d| u32::try_from(d).ok()),
                closed_on: row
                    .closed_on
                    .as_deref()
                    .map(parse_date)
                    .transpose()
                    .map_err(decode_error)?,
            },
        })
    }
}

/// The last day with any data for each athlete of a team.
///
/// # Errors
/// When the database fails.
pub async fn last_data_days(pool: &Pool, team: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, MAX(d.date) FROM athletes a
         JOIN (SELECT athlete_id, date FROM sessions UNION ALL SELECT athlete_id, date FROM wellness) d
           ON d.athlete_id = a.id
         WHERE a.team_id = $1 GROUP BY a.id",
    )
    .bind(team)
    .fetch_all(pool)
    .await
}

/// The last day any session or wellness of any athlete is on (`YYYY-MM-DD`).
///
/// # Errors
/// When the database fails.
pub async fn last_day(tx: &mut Tx<'_>) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MAX(d.date) FROM (SELECT date FROM sessions UNION ALL SELECT date FROM wellness) d",
    )
    .fetch_one(&mut **tx)
    .await
}

/// Replaces a stored session's values (its id and athlete stay).
///
/// # Errors
/// When the database fails.
pub async fn update_session(
    tx: &mut Tx<'_>,
    id: &str,
    session: &Session,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET date = $1, sport = $2, duration_min = $3, rpe = $4, load = $5,
         distance_km = $6, avg_hr = $7 WHERE id = $8",
    )
    .bind(session.date.to_string())
    .bind(session.sport.as_deref())
    .bind(session.duration_min)
    .bind(session.rpe)
    .bind(session.load)
    .bind(session.distance_km)
    .bind(session.avg_hr)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How many labels (taken back or not) point at a session.
///
/// # Errors
/// When the database fails.
pub async fn labels_on_session(tx: &mut Tx<'_>, id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM labels WHERE session_id = $1")
        .bind(id)
        .fetch_one(&mut **tx)
        .await
}

/// Deletes a session.
///
/// # Errors
/// When the database fails.
pub async fn delete_session(tx: &mut Tx<'_>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The stored wellness of one day, read inside a write.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn wellness_of_day(
    tx: &mut Tx<'_>,
    athlete: &AthleteId,
    date: Date,
) -> Result<Option<WellnessRecord>, sqlx::Error> {
    wellness_on(tx, athlete, date).await
}

/// Deletes one day's wellness.
///
/// # Errors
/// When the database fails.
pub async fn delete_wellness(
    tx: &mut Tx<'_>,
    athlete: &AthleteId,
    date: Date,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM wellness WHERE athlete_id = $1 AND date = $2")
        .bind(athlete.as_str())
        .bind(date.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Replaces a stored event's report (date, kind, severity, body part, days lost);
/// whether it is closed stays.
///
/// # Errors
/// When the database fails.
pub async fn update_event(tx: &mut Tx<'_>, id: &str, event: &Event) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE events SET date = $1, kind = $2, severity = $3, body_part = $4, days_lost = $5
         WHERE id = $6",
    )
    .bind(event.date.to_string())
    .bind(event.kind.to_string())
    .bind(event.severity.map(|s| format!("{s:?}").to_lowercase()))
    .bind(event.body_part.as_deref())
    .bind(event.days_lost.map(i64::from))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Closes an event on `closed_on`, or opens it again with `None`.
///
/// # Errors
/// When the database fails.
pub async fn set_event_closed(
    tx: &mut Tx<'_>,
    id: &str,
    closed_on: Option<Date>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE events SET closed_on = $1 WHERE id = $2")
        .bind(closed_on.map(|d| d.to_string()))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes an event.
///
/// # Errors
/// When the database fails.
pub async fn delete_event(tx: &mut Tx<'_>, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM events WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// An athlete's events with their ids, in date order (`GET /api/athletes/{id}/events`).
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn event_records(
    pool: &Pool,
    athlete: &AthleteId,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<Vec<EventRecord>, sqlx::Error> {
    let from = from.map_or_else(|| "0000-01-01".to_owned(), |d| d.to_string());
    let to = to.map_or_else(|| "9999-12-31".to_owned(), |d| d.to_string());
    sqlx::query_as::<_, EventRow>(&format!(
        "SELECT {EVENT_COLUMNS}
         FROM events WHERE athlete_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, id"
    ))
    .bind(athlete.as_str())
    .bind(&from)
    .bind(&to)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(EventRecord::try_from)
    .collect()
}

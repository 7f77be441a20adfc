//! Coach labels: stored once per client-made id, taken back by marking (never by
//! deleting the row, so a late retry of the same id cannot bring a label back), and
//! what the label queue reads besides them (plans, overridden recommendations).

use std::collections::BTreeMap;

use forma_core::labels::{Label, Override};
use forma_core::types::{date_from_epoch_day, epoch_day, parse_date, AthleteId};
use jiff::civil::Date;

use super::athletes::decode_error;
use super::{Pool, Tx};

const LABEL_COLUMNS: &str = "l.id, l.athlete_id, l.date, l.end_date, l.session_id, l.code, \
     l.vocabulary_version, l.note, l.author, COALESCE(u.display_name, l.author) AS author_name, \
     l.created_at, l.deleted_at";

/// A label as stored ([`LABEL_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct LabelRow {
    id: String,
    athlete_id: String,
    date: String,
    end_date: Option<String>,
    session_id: Option<String>,
    code: String,
    vocabulary_version: String,
    note: Option<String>,
    author: String,
    author_name: String,
    created_at: String,
    deleted_at: Option<String>,
}

impl TryFrom<LabelRow> for Label {
    type Error = sqlx::Error;

    fn try_from(row: LabelRow) -> Result<Self, sqlx::Error> {
        Ok(Label {
            id: row.id,
            athlete_id: row.athlete_id.parse().map_err(decode_error)?,
            date: parse_date(&row.date).map_err(decode_error)?,
            end_date: row
                .end_date
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(decode_error)?,
            session_id: row.session_id,
            code: row.code.parse().map_err(decode_error)?,
            note: row.note,
            author: row.author,
            author_name: row.author_name,
            created_at: row.created_at,
            vocabulary_version: row.vocabulary_version,
            deleted_at: row.deleted_at,
        })
    }
}

/// A label row with its athlete's team.
#[derive(sqlx::FromRow)]
struct TeamLabelRow {
    #[sqlx(flatten)]
    label: LabelRow,
    team_id: String,
}

/// Stores a label unless one with its id exists; returns whether it was new.
/// `author_id` is the author's account here, when they have one.
///
/// # Errors
/// When the database fails (an unknown athlete or session).
pub async fn insert(
    tx: &mut Tx<'_>,
    label: &Label,
    author_id: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO labels (id, athlete_id, date, end_date, session_id, code, vocabulary_version,
                             note, author_id, author, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&label.id)
    .bind(label.athlete_id.as_str())
    .bind(label.date.to_string())
    .bind(label.end_date.map(|end| end.to_string()))
    .bind(label.session_id.as_deref())
    .bind(label.code.as_str())
    .bind(&label.vocabulary_version)
    .bind(label.note.as_deref())
    .bind(author_id)
    .bind(&label.author)
    .bind(&label.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The label with this id, taken back or not.
///
/// # Errors
/// When the database fails.
pub async fn by_id(tx: &mut Tx<'_>, id: &str) -> Result<Option<Label>, sqlx::Error> {
    sqlx::query_as::<_, LabelRow>(&format!(
        "SELECT {LABEL_COLUMNS} FROM labels l LEFT JOIN users u ON u.id = l.author_id WHERE l.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .map(Label::try_from)
    .transpose()
}

/// Marks a label taken back; returns whether it counted until now.
///
/// # Errors
/// When the database fails.
pub async fn mark_deleted(
    tx: &mut Tx<'_>,
    id: &str,
    by: &str,
    at: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE labels SET deleted_at = $1, deleted_by = $2 WHERE id = $3 AND deleted_at IS NULL",
    )
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An athlete's labels that count, by day and time.
///
/// # Errors
/// When the database fails or holds a label Forma cannot read.
pub async fn of_athlete(pool: &Pool, athlete: &AthleteId) -> Result<Vec<Label>, sqlx::Error> {
    sqlx::query_as::<_, LabelRow>(&format!(
        "SELECT {LABEL_COLUMNS} FROM labels l LEFT JOIN users u ON u.id = l.author_id
         WHERE l.athlete_id = $1 AND l.deleted_at IS NULL
         ORDER BY l.date, l.created_at, l.id"
    ))
    .bind(athlete.as_str())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Label::try_from)
    .collect()
}

/// Every label that counts, of every team or of the teams given.
///
/// # Errors
/// When the database fails or holds a label Forma cannot read.
pub async fn of_teams(pool: &Pool, teams: Option<&[String]>) -> Result<Vec<Label>, sqlx::Error> {
    let rows = sqlx::query_as::<_, TeamLabelRow>(&format!(
        "SELECT {LABEL_COLUMNS}, a.team_id FROM labels l
         JOIN athletes a ON a.id = l.athlete_id
         LEFT JOIN users u ON u.id = l.author_id
         WHERE l.deleted_at IS NULL
         ORDER BY l.athlete_id, l.date, l.created_at, l.id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .filter(|row| teams.is_none_or(|teams| teams.contains(&row.team_id)))
        .map(|row| Label::try_from(row.label))
        .collect()
}

/// The day of an athlete's session, when the athlete has a session with this id.
///
/// # Errors
/// When the database fails.
pub async fn session_day(
    tx: &mut Tx<'_>,
    athlete: &AthleteId,
    session: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT date FROM sessions WHERE id = $1 AND athlete_id = $2")
        .bind(session)
        .bind(athlete.as_str())
        .fetch_optional(&mut **tx)
        .await
}

/// The account id of the user with this email, if there is one.
///
/// # Errors
/// When the database fails.
pub async fn user_id_by_email(tx: &mut Tx<'_>, email: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(super::users::normalize_email(email))
        .fetch_optional(&mut **tx)
        .await
}

/// Days of an athlete's plans with at least one planned session; where plans
/// overlap, the newest says what was planned.
///
/// # Errors
/// When the database fails. A plan whose days Forma cannot read is skipped.
pub async fn planned_days(pool: &Pool, athlete: &AthleteId) -> Result<Vec<Date>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (String, String)>(
        "SELECT start_date, days FROM plans WHERE athlete_id = $1 ORDER BY created_at, id",
    )
    .bind(athlete.as_str())
    .fetch_all(pool)
    .await?;
    let mut planned: BTreeMap<i32, bool> = BTreeMap::new();
    for (start, days) in &rows {
        // Each day is a list of planned sessions; only whether it is empty matters here.
        let (Ok(start), Ok(days)) = (
            parse_date(start),
            serde_json::from_str::<Vec<Vec<serde_json::Value>>>(days),
        ) else {
            continue;
        };
        for (offset, sessions) in days.iter().enumerate() {
            let day = epoch_day(start) + i32::try_from(offset).unwrap_or(i32::MAX - 1);
            planned.insert(day, !sessions.is_empty());
        }
    }
    Ok(planned
        .into_iter()
        .filter(|(_, has)| *has)
        .map(|(day, _)| date_from_epoch_day(day))
        .collect())
}

/// The recommendations a coach overrode for this athlete.
///
/// # Errors
/// When the database fails.
pub async fn overrides(pool: &Pool, athlete: &AthleteId) -> Result<Vec<Override>, sqlx::Error> {
    let rows = sqlx::query_as::<_, OverrideRow>(
        "SELECT r.date, r.action AS recommended, d.action AS chosen, d.reason_code, d.note
         FROM recommendation_decisions d JOIN recommendations r ON r.id = d.recommendation_id
         WHERE d.athlete_id = $1 AND d.decision = 'override'
         ORDER BY r.date, d.created_at, d.id",
    )
    .bind(athlete.as_str())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Override {
                date: parse_date(&row.date).ok()?,
                action: row.recommended,
                chosen: row.chosen,
                reason_code: row.reason_code,
                note: row.note,
            })
        })
        .collect())
}

/// An overridden recommendation as the query above reads it.
#[derive(sqlx::FromRow)]
struct OverrideRow {
    date: String,
    recommended: String,
    chosen: String,
    reason_code: Option<String>,
    note: Option<String>,
}

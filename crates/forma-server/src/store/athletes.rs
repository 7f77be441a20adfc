//! Teams and athletes.

use forma_core::api::{AthleteProfile, Sex, TeamSummary};
use forma_core::roster::{CheckedProfile, RosterAthlete};
use forma_core::types::{parse_date, AthleteId};

use super::{now, Pool, Tx};

/// Time zone for athletes an import creates without one.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

/// Creates the team when it does not exist yet.
///
/// # Errors
/// When the database fails.
pub async fn ensure_team(tx: &mut Tx<'_>, id: &str, name: &str) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO teams (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Renames a team.
///
/// # Errors
/// When the database fails.
pub async fn set_team_name(tx: &mut Tx<'_>, id: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE teams SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Fixes the day a team's figures are computed for (archived and demo teams).
///
/// # Errors
/// When the database fails.
pub async fn set_team_as_of(
    tx: &mut Tx<'_>,
    id: &str,
    as_of: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE teams SET as_of = $1 WHERE id = $2")
        .bind(as_of)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Every team with its number of active (not archived) athletes.
///
/// # Errors
/// When the database fails.
pub async fn teams(pool: &Pool) -> Result<Vec<TeamSummary>, sqlx::Error> {
    let rows = sqlx::query_as::<_, TeamRow>(
        "SELECT t.id, t.name, t.as_of, COUNT(a.id) AS athletes
         FROM teams t LEFT JOIN athletes a ON a.team_id = t.id AND a.archived_at IS NULL
         GROUP BY t.id, t.name, t.as_of ORDER BY t.name",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(TeamSummary::try_from).collect()
}

/// One team, with its number of active athletes.
///
/// # Errors
/// When the database fails.
pub async fn team(pool: &Pool, id: &str) -> Result<Option<TeamSummary>, sqlx::Error> {
    let row = sqlx::query_as::<_, TeamRow>(
        "SELECT t.id, t.name, t.as_of, COUNT(a.id) AS athletes
         FROM teams t LEFT JOIN athletes a ON a.team_id = t.id AND a.archived_at IS NULL
         WHERE t.id = $1 GROUP BY t.id, t.name, t.as_of",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(TeamSummary::try_from).transpose()
}

/// A team as stored, with its number of athletes.
#[derive(sqlx::FromRow)]
struct TeamRow {
    id: String,
    name: String,
    as_of: Option<String>,
    athletes: i64,
}

impl TryFrom<TeamRow> for TeamSummary {
    type Error = sqlx::Error;

    fn try_from(row: TeamRow) -> Result<Self, sqlx::Error> {
        Ok(TeamSummary {
            id: row.id,
            name: row.name,
            athletes: usize::try_from(row.athletes).unwrap_or(0),
            as_of: row
                .as_of
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(decode_error)?,
        })
    }
}

const ATHLETE_COLUMNS: &str =
    "id, team_id, name, time_zone, sex, birth_year, sport, hr_max, hr_rest, data_version";

/// One athlete.
///
/// # Errors
/// When the database fails.
pub async fn athlete(pool: &Pool, id: &str) -> Result<Option<AthleteProfile>, sqlx::Error> {
    let row = sqlx::query_as::<_, AthleteRow>(&format!(
        "SELECT {ATHLETE_COLUMNS} FROM athletes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(AthleteProfile::try_from).transpose()
}

/// The active athletes of a team, by name: the team page, the label queue and
/// training read these; archived athletes are left out.
///
/// # Errors
/// When the database fails.
pub async fn athletes_of_team(pool: &Pool, team: &str) -> Result<Vec<AthleteProfile>, sqlx::Error> {
    let rows = sqlx::query_as::<_, AthleteRow>(&format!(
        "SELECT {ATHLETE_COLUMNS} FROM athletes WHERE team_id = $1 AND archived_at IS NULL ORDER BY name, id"
    ))
    .bind(team)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(AthleteProfile::try_from).collect()
}

/// Every athlete of a team, archived ones too (with when), by name.
///
/// # Errors
/// When the database fails.
pub async fn roster_of_team(pool: &Pool, team: &str) -> Result<Vec<RosterAthlete>, sqlx::Error> {
    let rows = sqlx::query_as::<_, RosterRow>(&format!(
        "SELECT {ATHLETE_COLUMNS}, archived_at FROM athletes WHERE team_id = $1 ORDER BY name, id"
    ))
    .bind(team)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(RosterAthlete {
                archived_at: row.archived_at,
                profile: AthleteProfile::try_from(row.athlete)?,
            })
        })
        .collect()
}

/// When the athlete was archived; `None` for an active (or unknown) athlete.
///
/// # Errors
/// When the database fails.
pub async fn archived_at(pool: &Pool, id: &str) -> Result<Option<String>, sqlx::Error> {
    let found: Option<Option<String>> =
        sqlx::query_scalar("SELECT archived_at FROM athletes WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(found.flatten())
}

/// Archives the athlete as of `at`, or makes them active again with `None`.
///
/// # Errors
/// When the database fails.
pub async fn set_archived(tx: &mut Tx<'_>, id: &str, at: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE athletes SET archived_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes an athlete's profile fields.
///
/// # Errors
/// When the database fails.
pub async fn update_profile(
    tx: &mut Tx<'_>,
    id: &str,
    profile: &CheckedProfile,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE athletes SET name = $1, time_zone = $2, sex = $3, birth_year = $4, sport = $5,
         hr_max = $6, hr_rest = $7 WHERE id = $8",
    )
    .bind(&profile.name)
    .bind(&profile.time_zone)
    .bind(profile.sex.map(sex_text))
    .bind(profile.birth_year)
    .bind(profile.sport.as_deref())
    .bind(profile.hr_max)
    .bind(profile.hr_rest)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves an athlete, with everything of theirs (records refer to the athlete, not
/// the team), to another team.
///
/// # Errors
/// When the database fails.
pub async fn set_team(tx: &mut Tx<'_>, id: &str, team: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE athletes SET team_id = $1 WHERE id = $2")
        .bind(team)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes the account a coach of the team.
///
/// # Errors
/// When the database fails.
pub async fn add_team_coach(tx: &mut Tx<'_>, team: &str, user: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO team_coaches (team_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(team)
    .bind(user)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether a team with this id exists, read inside a write.
///
/// # Errors
/// When the database fails.
pub async fn team_exists(tx: &mut Tx<'_>, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

/// Whether an athlete with this id exists, read inside a write.
///
/// # Errors
/// When the database fails.
pub async fn athlete_exists(tx: &mut Tx<'_>, id: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM athletes WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

/// An athlete as stored with when they were archived.
#[derive(sqlx::FromRow)]
struct RosterRow {
    #[sqlx(flatten)]
    athlete: AthleteRow,
    archived_at: Option<String>,
}

fn sex_text(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
    }
}

/// An athlete as stored ([`ATHLETE_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct AthleteRow {
    id: String,
    team_id: String,
    name: String,
    time_zone: String,
    sex: Option<String>,
    birth_year: Option<i64>,
    sport: Option<String>,
    hr_max: Option<f64>,
    hr_rest: Option<f64>,
    data_version: i64,
}

impl TryFrom<AthleteRow> for AthleteProfile {
    type Error = sqlx::Error;

    fn try_from(row: AthleteRow) -> Result<Self, sqlx::Error> {
        Ok(AthleteProfile {
            id: row.id.parse::<AthleteId>().map_err(decode_error)?,
            team_id: row.team_id,
            name: row.name,
            time_zone: row.time_zone,
            sex: match row.sex.as_deref() {
                Some("female") => Some(Sex::Female),
                Some("male") => Some(Sex::Male),
                _ => None,
            },
            birth_year: row.birth_year.and_then(|y| i32::try_from(y).ok()),
            sport: row.sport,
            hr_max: row.hr_max,
            hr_rest: row.hr_rest,
            data_version: row.data_version,
        })
    }
}

/// A new athlete's record.
pub struct NewAthlete<'a> {
    pub id: &'a AthleteId,
    pub team_id: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    pub sport: Option<&'a str>,
    pub hr_max: Option<f64>,
    pub hr_rest: Option<f64>,
}

/// Creates an athlete unless one with that id exists; returns whether it was created.
///
/// # Errors
/// When the database fails.
pub async fn insert_athlete(
    tx: &mut Tx<'_>,
    athlete: &NewAthlete<'_>,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "INSERT INTO athletes (id, team_id, name, time_zone, sex, birth_year, sport, hr_max, hr_rest, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING",
    )
    .bind(athlete.id.as_str())
    .bind(athlete.team_id)
    .bind(athlete.name)
    .bind(athlete.time_zone)
    .bind(athlete.sex.map(sex_text))
    .bind(athlete.birth_year)
    .bind(athlete.sport)
    .bind(athlete.hr_max)
    .bind(athlete.hr_rest)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// The team each of these athletes belongs to, for those that exist.
///
/// # Errors
/// When the database fails.
pub async fn teams_of(
    tx: &mut Tx<'_>,
    ids: &[&AthleteId],
) -> Result<Vec<(AthleteId, String)>, sqlx::Error> {
    let mut found = Vec::new();
    for id in ids {
        let team: Option<String> = sqlx::query_scalar("SELECT team_id FROM athletes WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut **tx)
            .await?;
        if let Some(team) = team {
            found.push(((*id).clone(), team));
        }
    }
    Ok(found)
}

/// The birth years of a team's athletes, for those that have one.
///
/// # Errors
/// When the database fails.
pub async fn birth_years(
    pool: &Pool,
    team: &str,
) -> Result<std::collections::HashMap<String, i32>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT id, birth_year FROM athletes WHERE team_id = $1 AND birth_year IS NOT NULL",
    )
    .bind(team)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, year)| Some((id, i32::try_from(year).ok()?)))
        .collect())
}

/// Marks the athletes' data as changed, so cached figures are recomputed.
///
/// # Errors
/// When the database fails.
pub async fn bump_data_version(tx: &mut Tx<'_>, id: &AthleteId) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE athletes SET data_version = data_version + 1 WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) fn decode_error(error: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(error))
}

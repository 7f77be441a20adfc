//! Recommendations and the coaches' decisions on them. A recommendation is stored
//! once per athlete, day, data version, model version and policy version (a unique
//! index), so it is computed when first asked for and read back after; the model
//! version is `''` when no model scored, so the index also holds then.

use forma_core::api::{DecisionRecord, RecommendationHistoryItem};
use forma_core::policy::{Action, Recommendation};
use forma_core::types::{parse_date, AthleteId, Date};

use super::{now, Pool, Tx};

/// What a stored recommendation is keyed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    pub athlete: &'a AthleteId,
    pub date: Date,
    pub data_version: i64,
    pub model_version: Option<&'a str>,
    pub policy_version: &'a str,
}

fn decode(error: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(error.to_string().into())
}

fn action_text(action: Action) -> Result<String, sqlx::Error> {
    serde_json::to_value(action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| decode("an action without a name"))
}

fn action_from(text: &str) -> Result<Action, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(decode)
}

/// The stored recommendation for `key`, with its id.
///
/// # Errors
/// When the database fails or holds a body Forma cannot read.
pub async fn find(
    pool: &Pool,
    key: &Key<'_>,
) -> Result<Option<(String, Recommendation)>, sqlx::Error> {
    let row = sqlx::query_as::<_, (String, String)>(
        "SELECT id, body FROM recommendations
         WHERE athlete_id = $1 AND date = $2 AND data_version = $3 AND model_version = $4
           AND policy_version = $5",
    )
    .bind(key.athlete.as_str())
    .bind(key.date.to_string())
    .bind(key.data_version)
    .bind(key.model_version.unwrap_or(""))
    .bind(key.policy_version)
    .fetch_optional(pool)
    .await?;
    row.map(|(id, body)| Ok((id, serde_json::from_str(&body).map_err(decode)?)))
        .transpose()
}

/// Stores a computed recommendation unless the same key is stored already (two
/// requests computing at once), and returns the stored one's id.
///
/// # Errors
/// When the database refuses the write.
pub async fn insert(
    pool: &Pool,
    key: &Key<'_>,
    id: &str,
    recommendation: &Recommendation,
) -> Result<String, sqlx::Error> {
    let body = serde_json::to_string(recommendation).map_err(decode)?;
    sqlx::query(
        "INSERT INTO recommendations (id, athlete_id, date, data_version, model_version,
             policy_version, action, confidence, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (athlete_id, date, data_version, model_version, policy_version) DO NOTHING",
    )
    .bind(id)
    .bind(key.athlete.as_str())
    .bind(key.date.to_string())
    .bind(key.data_version)
    .bind(key.model_version.unwrap_or(""))
    .bind(key.policy_version)
    .bind(action_text(recommendation.action)?)
    .bind(recommendation.confidence)
    .bind(body)
    .bind(now())
    .execute(pool)
    .await?;
    Ok(find(pool, key)
        .await?
        .map(|(id, _)| id)
        .unwrap_or_else(|| id.to_owned()))
}

/// A decision to store.
pub struct NewDecisionRow<'a> {
    pub id: &'a str,
    pub recommendation_id: &'a str,
    pub athlete: &'a str,
    pub decision: &'a str,
    pub action: Action,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    pub author_id: &'a str,
}

/// Stores a decision.
///
/// # Errors
/// When the database refuses the write.
pub async fn insert_decision(tx: &mut Tx<'_>, row: &NewDecisionRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO recommendation_decisions
             (id, recommendation_id, athlete_id, decision, action, reason_code, note, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(row.id)
    .bind(row.recommendation_id)
    .bind(row.athlete)
    .bind(row.decision)
    .bind(action_text(row.action)?)
    .bind(row.reason_code)
    .bind(row.note)
    .bind(row.author_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How long the author of a decision may undo it.
pub const UNDO_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(10);

const DECISION_COLUMNS: &str =
    "d.id, d.recommendation_id, d.decision, d.action, d.reason_code, d.note, d.author_id,
     COALESCE(u.display_name, d.author_id) AS author, d.created_at, d.withdrawn_at, r.date AS rec_date,
     r.action AS rec_action, r.data_version AS rec_data_version";

const DECISION_FROM: &str = "FROM recommendation_decisions d
     JOIN recommendations r ON r.id = d.recommendation_id
     LEFT JOIN users u ON u.id = d.author_id";

/// A stored decision with what only the server needs: who wrote it (account
/// id), whether it was undone, and what the version it was made on recommended.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDecision {
    pub record: DecisionRecord,
    pub author_id: String,
    pub withdrawn: bool,
    pub recommended: Action,
    pub data_version: i64,
}

/// A decision as stored ([`DECISION_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: String,
    recommendation_id: String,
    decision: String,
    action: String,
    reason_code: Option<String>,
    note: Option<String>,
    author_id: String,
    author: String,
    created_at: String,
    withdrawn_at: Option<String>,
    rec_date: String,
    rec_action: String,
    rec_data_version: i64,
}

impl TryFrom<DecisionRow> for StoredDecision {
    type Error = sqlx::Error;

    fn try_from(row: DecisionRow) -> Result<Self, sqlx::Error> {
        let withdrawn = row.withdrawn_at.is_some();
        Ok(StoredDecision {
            record: DecisionRecord {
                id: row.id,
                recommendation_id: row.recommendation_id,
                decision: row.decision,
                action: action_from(&row.action)?,
                reason_code: row.reason_code,
                note: row.note,
                author: row.author,
                created_at: row.created_at,
                date: Some(parse_date(&row.rec_date).map_err(decode)?),
                undo_until: None,
                undone: withdrawn,
            },
            author_id: row.author_id,
            withdrawn,
            recommended: action_from(&row.rec_action)?,
            data_version: row.rec_data_version,
        })
    }
}

impl StoredDecision {
    /// Until when `viewer` may undo it: its author, within [`UNDO_WINDOW`] of
    /// when it was made, while it stands.
    pub fn undo_until_for(&self, viewer: &str, now: jiff::Timestamp) -> Option<String> {
        if self.withdrawn || self.author_id != viewer {
            return None;
        }
        let made: jiff::Timestamp = self.record.created_at.parse().ok()?;
        let until = made.checked_add(UNDO_WINDOW).ok()?;
        (until > now).then(|| until.to_string())
    }
}

/// Every decision on one recommendation, newest first.
///
/// # Errors
/// When the database fails.
pub async fn decisions(
    pool: &Pool,
    recommendation_id: &str,
) -> Result<Vec<DecisionRecord>, sqlx::Error> {
    let rows = sqlx::query_as::<_, DecisionRow>(&format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM}
         WHERE d.recommendation_id = $1 ORDER BY d.created_at DESC, d.id DESC"
    ))
    .bind(recommendation_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| StoredDecision::try_from(row).map(|d| d.record))
        .collect()
}

/// One decision by id, when it is about `athlete`.
///
/// # Errors
/// When the database fails.
pub async fn decision(
    pool: &Pool,
    athlete: &str,
    id: &str,
) -> Result<Option<StoredDecision>, sqlx::Error> {
    let row = sqlx::query_as::<_, DecisionRow>(&format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM} WHERE d.id = $1 AND d.athlete_id = $2"
    ))
    .bind(id)
    .bind(athlete)
    .fetch_optional(pool)
    .await?;
    row.map(StoredDecision::try_from).transpose()
}

/// The coach's standing decision for an athlete's day: the newest one not undone,
/// on any version of that day's recommendation.
///
/// # Errors
/// When the database fails.
pub async fn standing_decision(
    pool: &Pool,
    athlete: &AthleteId,
    date: Date,
) -> Result<Option<StoredDecision>, sqlx::Error> {
    let row = sqlx::query_as::<_, DecisionRow>(&format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM}
         WHERE d.athlete_id = $1 AND r.date = $2 AND d.withdrawn_at IS NULL
         ORDER BY d.created_at DESC, d.id DESC LIMIT 1"
    ))
    .bind(athlete.as_str())
    .bind(date.to_string())
    .fetch_optional(pool)
    .await?;
    row.map(StoredDecision::try_from).transpose()
}

/// How many versions of an athlete's recommendation for `date` are stored.
///
/// # Errors
/// When the database fails.
pub async fn versions_of_day(
    pool: &Pool,
    athlete: &AthleteId,
    date: Date,
) -> Result<u32, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recommendations WHERE athlete_id = $1 AND date = $2",
    )
    .bind(athlete.as_str())
    .bind(date.to_string())
    .fetch_one(pool)
    .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// Marks a decision undone by `by`; whether it stood until now.
///
/// # Errors
/// When the database refuses the write.
pub async fn withdraw(tx: &mut Tx<'_>, id: &str, by: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recommendation_decisions SET withdrawn_at = $1, withdrawn_by = $2
         WHERE id = $3 AND withdrawn_at IS NULL",
    )
    .bind(now())
    .bind(by)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A stored recommendation by id, with the athlete it is about.
///
/// # Errors
/// When the database fails or holds a body Forma cannot read.
pub async fn by_id(pool: &Pool, id: &str) -> Result<Option<(String, Recommendation)>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT athlete_id, body FROM recommendations WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.map(|(athlete, body)| Ok((athlete, serde_json::from_str(&body).map_err(decode)?)))
        .transpose()
}

/// The athlete's recommendations, one per day (the newest version of the day),
/// newest day first (at most `limit` days), each with every decision made on any
/// version of that day, undone ones included. Every version stays stored.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn history(
    pool: &Pool,
    athlete: &AthleteId,
    limit: i64,
) -> Result<Vec<RecommendationHistoryItem>, sqlx::Error> {
    let rows = sqlx::query_as::<_, HistoryRow>(
        "SELECT id, date, action, confidence, policy_version, model_version, body, created_at
         FROM recommendations r WHERE athlete_id = $1
           AND id = (SELECT id FROM recommendations n WHERE n.athlete_id = r.athlete_id
                     AND n.date = r.date ORDER BY n.created_at DESC, n.id DESC LIMIT 1)
         ORDER BY date DESC LIMIT $2",
    )
    .bind(athlete.as_str())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let decided = sqlx::query_as::<_, DecisionRow>(&format!(
        "SELECT {DECISION_COLUMNS} {DECISION_FROM}
         WHERE d.athlete_id = $1 ORDER BY d.created_at DESC, d.id DESC"
    ))
    .bind(athlete.as_str())
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(StoredDecision::try_from)
    .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|row| {
            let recommendation: Recommendation = serde_json::from_str(&row.body).map_err(decode)?;
            let day = parse_date(&row.date).map_err(decode)?;
            Ok(RecommendationHistoryItem {
                decisions: decided
                    .iter()
                    .filter(|d| d.record.date == Some(day))
                    .map(|d| d.record.clone())
                    .collect(),
                id: row.id,
                date: day,
                action: action_from(&row.action)?,
                confidence: row.confidence,
                policy_version: row.policy_version,
                model_version: Some(row.model_version).filter(|m| !m.is_empty()),
                coach_summary: recommendation.coach_summary,
                created_at: row.created_at,
            })
        })
        .collect()
}

/// One day's newest recommendation as [`history`] reads it.
#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: String,
    date: String,
    action: String,
    confidence: f64,
    policy_version: String,
    model_version: String,
    body: String,
    created_at: String,
}

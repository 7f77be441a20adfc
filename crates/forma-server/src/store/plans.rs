//! Saved plans: each save is a new row, so the history of an athlete's plans is
//! kept; the newest is the athlete's plan.

use forma_core::api::SavedPlan;
use forma_core::plan::Plan;
use forma_core::types::{parse_date, AthleteId};

use super::{Pool, Tx};

/// A plan to store.
#[derive(Clone, Copy)]
pub struct NewPlanRow<'a> {
    pub id: &'a str,
    pub athlete: &'a AthleteId,
    pub plan: &'a Plan,
    pub note: Option<&'a str>,
    pub explanation: &'a str,
    pub author_id: &'a str,
    pub created_at: &'a str,
}

/// Stores a plan. `days` is written as JSON; the `explanation` column holds the
/// generated text and the coach's note together (JSON of both).
///
/// # Errors
/// When the database refuses the write.
pub async fn insert(tx: &mut Tx<'_>, row: &NewPlanRow<'_>) -> Result<(), sqlx::Error> {
    let NewPlanRow {
        id,
        athlete,
        plan,
        note,
        explanation,
        author_id,
        created_at,
    } = *row;
    let days = serde_json::to_string(&plan.days).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let words = serde_json::json!({ "note": note, "explanation": explanation }).to_string();
    sqlx::query(
        "INSERT INTO plans (id, athlete_id, start_date, days, explanation, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(athlete.as_str())
    .bind(plan.start.to_string())
    .bind(days)
    .bind(words)
    .bind(author_id)
    .bind(created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The athlete's newest plan, with its author's display name.
///
/// # Errors
/// When the database fails or holds a plan Forma cannot read.
pub async fn latest(pool: &Pool, athlete: &AthleteId) -> Result<Option<SavedPlan>, sqlx::Error> {
    let row = sqlx::query_as::<_, PlanRow>(
        "SELECT p.id, p.start_date, p.days, p.explanation, p.created_at,
                COALESCE(u.display_name, p.author_id) AS author
         FROM plans p LEFT JOIN users u ON u.id = p.author_id
         WHERE p.athlete_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT 1",
    )
    .bind(athlete.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let decode = |e: &dyn std::fmt::Display| sqlx::Error::Decode(e.to_string().into());
    let words: serde_json::Value = row
        .explanation
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| decode(&e))?
        .unwrap_or_default();
    Ok(Some(SavedPlan {
        id: row.id,
        athlete_id: athlete.clone(),
        plan: Plan {
            start: parse_date(&row.start_date).map_err(|e| decode(&e))?,
            days: serde_json::from_str(&row.days).map_err(|e| decode(&e))?,
        },
        note: words["note"].as_str().map(str::to_owned),
        explanation: words["explanation"].as_str().unwrap_or_default().to_owned(),
        author: row.author,
        created_at: row.created_at,
    }))
}

/// A saved plan as stored: the days as JSON, the note and explanation as one
/// JSON object, the author's display name joined in.
#[derive(sqlx::FromRow)]
struct PlanRow {
    id: String,
    start_date: String,
    days: String,
    explanation: Option<String>,
    created_at: String,
    author: String,
}

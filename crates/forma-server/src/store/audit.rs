//! The audit log: every write, who made it, when, and the record before and after.

use forma_core::api::AuditEntry;
use serde::Serialize;

use super::{new_id, now, Pool, Tx};

/// Who made a change: the signed-in user's id, `cli:NAME` for the command line, or
/// `system:...` for Forma itself (demo loading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    pub fn system(what: &str) -> Actor {
        Actor(format!("system:{what}"))
    }

    /// A signed-in user, by account id.
    pub fn user(id: &str) -> Actor {
        Actor(id.to_owned())
    }

    pub fn cli() -> Actor {
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
        Actor(format!("cli:{user}"))
    }
}

/// One audit entry.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub athlete_id: Option<&'a str>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Serialises a record for the log.
pub fn snapshot<T: Serialize>(record: &T) -> Option<serde_json::Value> {
    serde_json::to_value(record).ok()
}

/// Writes one entry in the same transaction as the change it describes.
///
/// # Errors
/// When the database refuses the write.
pub async fn record(tx: &mut Tx<'_>, actor: &Actor, change: Change<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, athlete_id, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(now())
    .bind(&actor.0)
    .bind(change.action)
    .bind(change.entity)
    .bind(change.entity_id)
    .bind(change.athlete_id)
    .bind(change.before.map(|value| value.to_string()))
    .bind(change.after.map(|value| value.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes one entry outside a larger change (sign-in, sign-out).
///
/// # Errors
/// When the database refuses the write.
pub async fn record_alone(
    pool: &Pool,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    let mut write = super::AuditedWrite::begin(pool, actor.clone()).await?;
    write.audit(change).await?;
    write.commit().await
}

/// Every entry about one athlete's data, oldest first.
///
/// # Errors
/// When the database fails or holds JSON Forma cannot read.
pub async fn entries_of_athlete(
    pool: &Pool,
    athlete: &str,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query_as::<_, AuditRow>(
        "SELECT id, at, actor, action, entity, entity_id, athlete_id, before_json, after_json
         FROM audit_log WHERE athlete_id = $1 ORDER BY at, id",
    )
    .bind(athlete)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(AuditEntry::try_from).collect()
}

/// An audit entry as stored, before and after as JSON text.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: String,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    athlete_id: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = sqlx::Error;

    fn try_from(row: AuditRow) -> Result<Self, sqlx::Error> {
        let json = |text: Option<String>| -> Result<Option<serde_json::Value>, sqlx::Error> {
            text.map(|text| serde_json::from_str(&text).map_err(super::athletes::decode_error))
                .transpose()
        };
        Ok(AuditEntry {
            id: row.id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            entity: row.entity,
            entity_id: row.entity_id,
            athlete_id: row.athlete_id,
            before: json(row.before_json)?,
            after: json(row.after_json)?,
        })
    }
}

/// The audit entries of one entity of an athlete (`athlete` for the profile),
/// newest first.
///
/// # Errors
/// When the database fails or holds JSON Forma cannot read.
pub async fn entries_of_entity(
    pool: &Pool,
    athlete: &str,
    entity: &str,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let rows = sqlx::query_as::<_, AuditRow>(
        "SELECT id, at, actor, action, entity, entity_id, athlete_id, before_json, after_json
         FROM audit_log WHERE athlete_id = $1 AND entity = $2 ORDER BY at DESC, id DESC",
    )
    .bind(athlete)
    .bind(entity)
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(AuditEntry::try_from).collect()
}

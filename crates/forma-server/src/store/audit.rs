//! The audit log: every write, who made it, when, and the record before and after.

use serde::Serialize;

use super::{new_id, now, Tx};

/// Who made a change: a user id, or `system:...` for Forma itself (demo loading,
/// command-line imports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    pub fn system(what: &str) -> Actor {
        Actor(format!("system:{what}"))
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

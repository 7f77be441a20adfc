//! The imports log: one row per file brought in, who brought it and what it added.

use super::audit::Actor;
use super::{now, Tx};

/// An import about to write its records.
pub struct NewImport<'a> {
    pub id: &'a str,
    /// `canonical`, `pmdata`, `activity`, ...
    pub kind: &'a str,
    pub file_name: &'a str,
    pub team_id: &'a str,
    pub actor: &'a Actor,
}

/// Logs an import, its counts at 0 until [`set_counts`].
///
/// # Errors
/// When the database refuses the write.
pub async fn insert(tx: &mut Tx<'_>, import: &NewImport<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO imports (id, kind, file_name, team_id, added, unchanged, actor, created_at)
         VALUES ($1, $2, $3, $4, 0, 0, $5, $6)",
    )
    .bind(import.id)
    .bind(import.kind)
    .bind(import.file_name)
    .bind(import.team_id)
    .bind(&import.actor.0)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records how many records an import added (new or changed) and left unchanged.
///
/// # Errors
/// When the database refuses the write.
pub async fn set_counts(
    tx: &mut Tx<'_>,
    id: &str,
    added: usize,
    unchanged: usize,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE imports SET added = $1, unchanged = $2 WHERE id = $3")
        .bind(i64::try_from(added).unwrap_or(i64::MAX))
        .bind(i64::try_from(unchanged).unwrap_or(i64::MAX))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

//! Password resets: one-time codes an admin makes for an account, stored by
//! their hash, with when they expire and whether they were used.

use super::{Pool, Tx};

/// A reset as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Reset {
    pub user_id: String,
    pub created_by: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// Stores a new reset.
///
/// # Errors
/// When the database fails.
pub async fn insert(
    tx: &mut Tx<'_>,
    code_hash: &str,
    user: &str,
    created_by: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_resets (code_hash, user_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(code_hash)
    .bind(user)
    .bind(created_by)
    .bind(super::now())
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The reset with this code hash.
///
/// # Errors
/// When the database fails.
pub async fn find(pool: &Pool, code_hash: &str) -> Result<Option<Reset>, sqlx::Error> {
    sqlx::query_as::<_, Reset>(
        "SELECT user_id, created_by, expires_at, used_at FROM password_resets WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(pool)
    .await
}

/// Marks the reset used, unless it already was; returns whether this call did.
///
/// # Errors
/// When the database fails.
pub async fn mark_used(tx: &mut Tx<'_>, code_hash: &str, at: &str) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL",
    )
    .bind(at)
    .bind(code_hash)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

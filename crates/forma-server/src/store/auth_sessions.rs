//! Sign-in sessions: the hash of each cookie token, its user, its CSRF token and
//! when it expires.

use sqlx::Row;

use super::{now, Pool};

/// A stored sign-in session.
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub user_id: String,
    pub csrf_token: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// Stores a new session.
///
/// # Errors
/// When the database fails.
pub async fn insert(
    pool: &Pool,
    token_hash: &str,
    user_id: &str,
    csrf_token: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO auth_sessions (token_hash, user_id, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(now())
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The session with this token hash, expired or not.
///
/// # Errors
/// When the database fails.
pub async fn find(pool: &Pool, token_hash: &str) -> Result<Option<StoredSession>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT user_id, csrf_token, expires_at FROM auth_sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(StoredSession {
            user_id: row.try_get("user_id")?,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: row.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// Moves a session's expiry forward.
///
/// # Errors
/// When the database fails.
pub async fn extend(pool: &Pool, token_hash: &str, expires_at: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE auth_sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(expires_at)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends a session.
///
/// # Errors
/// When the database fails.
pub async fn delete(pool: &Pool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes every session that expired before `now`.
///
/// # Errors
/// When the database fails.
pub async fn delete_expired(pool: &Pool, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_sessions WHERE expires_at < $1")
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

//! Sign-in sessions: the hash of each cookie token, its user, its CSRF token and
//! when it expires.

use super::{Pool, Tx};

/// Now with nine fractional digits always, so that creation times of one second
/// compare correctly as text.
fn created_now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S.%NZ")
        .to_string()
}

/// A stored sign-in session.
#[derive(Debug, Clone, sqlx::FromRow)]
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
    tx: &mut Tx<'_>,
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
    .bind(created_now())
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends the user's sessions beyond the `keep` most recently used (by expiry, which
/// moves forward with use); returns how many ended.
///
/// # Errors
/// When the database fails.
pub async fn keep_most_recent(
    tx: &mut Tx<'_>,
    user_id: &str,
    keep: u32,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query(
        "DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash NOT IN (
             SELECT token_hash FROM auth_sessions WHERE user_id = $1
             ORDER BY expires_at DESC, created_at DESC, token_hash DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(i64::from(keep))
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected())
}

/// The session with this token hash, expired or not.
///
/// # Errors
/// When the database fails.
pub async fn find(pool: &Pool, token_hash: &str) -> Result<Option<StoredSession>, sqlx::Error> {
    sqlx::query_as::<_, StoredSession>(
        "SELECT user_id, csrf_token, expires_at FROM auth_sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

/// Moves a session's expiry forward.
///
/// # Errors
/// When the database fails.
pub async fn extend(pool: &Pool, token_hash: &str, expires_at: &str) -> Result<(), sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("UPDATE auth_sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(expires_at)
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    tx.commit().await
}

/// Ends a session.
///
/// # Errors
/// When the database fails.
pub async fn delete(pool: &Pool, token_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?;
    tx.commit().await
}

/// Removes every session that expired before `now`; returns how many.
///
/// # Errors
/// When the database fails.
pub async fn delete_expired(pool: &Pool, now: &str) -> Result<u64, sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    let result = sqlx::query("DELETE FROM auth_sessions WHERE expires_at < $1")
        .bind(now)
        .execute(&mut **tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
}

/// Ends every session of the user but `keep` (after a password change); returns
/// how many ended.
///
/// # Errors
/// When the database fails.
pub async fn keep_only(tx: &mut Tx<'_>, user_id: &str, keep: &str) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}

/// Ends every session of the user (a disabled account, a reset password);
/// returns how many ended.
///
/// # Errors
/// When the database fails.
pub async fn end_all(tx: &mut Tx<'_>, user_id: &str) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}

//! Invitations: one-time codes, stored by their hash, with when they expire and
//! whether they were used.

use super::{Pool, Tx};

/// An invitation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invite {
    pub athlete_id: String,
    pub created_by: String,
    pub expires_at: String,
    pub used_at: Option<String>,
}

/// Stores a new invitation.
///
/// # Errors
/// When the database fails.
pub async fn insert(
    tx: &mut Tx<'_>,
    code_hash: &str,
    athlete: &str,
    created_by: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invites (code_hash, athlete_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(code_hash)
    .bind(athlete)
    .bind(created_by)
    .bind(super::now())
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The invitation with this code hash.
///
/// # Errors
/// When the database fails.
pub async fn find(pool: &Pool, code_hash: &str) -> Result<Option<Invite>, sqlx::Error> {
    sqlx::query_as::<_, Invite>(
        "SELECT athlete_id, created_by, expires_at, used_at FROM invites WHERE code_hash = $1",
    )
    .bind(code_hash)
    .fetch_optional(pool)
    .await
}

/// Marks the invitation used, unless it already was; returns whether this call did.
///
/// # Errors
/// When the database fails.
pub async fn mark_used(tx: &mut Tx<'_>, code_hash: &str, at: &str) -> Result<bool, sqlx::Error> {
    let result =
        sqlx::query("UPDATE invites SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
            .bind(at)
            .bind(code_hash)
            .execute(&mut **tx)
            .await?;
    Ok(result.rows_affected() == 1)
}

/// Makes a claimed invitation usable again (the account it was for could not
/// be made).
///
/// # Errors
/// When the database fails.
pub async fn release(tx: &mut Tx<'_>, code_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invites SET used_at = NULL WHERE code_hash = $1")
        .bind(code_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whether an account is linked to this athlete.
///
/// # Errors
/// When the database fails.
pub async fn athlete_has_account(pool: &Pool, athlete: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE athlete_id = $1")
        .bind(athlete)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Replaces an account's password hash.
///
/// # Errors
/// When the database fails.
pub async fn set_password_hash(tx: &mut Tx<'_>, user: &str, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

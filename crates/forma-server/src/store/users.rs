//! Accounts: creating users with argon2id password hashes, linking coaches to teams,
//! and reading accounts back (never their hashes, except to verify a sign-in).

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
pub use forma_core::api::Role;
use forma_core::api::UserAccount;

use super::athletes::decode_error;
use super::{new_id, now, Pool, Tx};

/// An email as accounts are stored and compared: trimmed and in lower case, so that
/// `COACH@demo.forma` is the account `coach@demo.forma` everywhere.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
/// Only if the hasher rejects its parameters, which the defaults never do.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| anyhow::anyhow!("cannot hash the password: {error}"))
}

/// A new account.
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub athlete_id: Option<&'a str>,
    pub teams: &'a [&'a str],
}

/// Creates an account (and its team links) and returns its id.
///
/// # Errors
/// When the email is taken, a team or athlete does not exist, or the database fails.
pub async fn create(tx: &mut Tx<'_>, user: &NewUser<'_>) -> anyhow::Result<String> {
    let hash = hash_password(user.password)?;
    Ok(insert(tx, user, &hash).await?)
}

/// Creates an account whose password was already hashed (`user.password` is not
/// used) and returns its id.
///
/// # Errors
/// When the email is taken, a team or athlete does not exist, or the database fails.
pub async fn insert(
    tx: &mut Tx<'_>,
    user: &NewUser<'_>,
    hash: &str,
) -> Result<String, sqlx::Error> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, role, athlete_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(normalize_email(user.email))
    .bind(user.display_name)
    .bind(hash)
    .bind(user.role.as_str())
    .bind(user.athlete_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    for team in user.teams {
        sqlx::query("INSERT INTO team_coaches (team_id, user_id) VALUES ($1, $2)")
            .bind(team)
            .bind(&id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// How many accounts exist.
///
/// # Errors
/// When the database fails.
pub async fn count(pool: &Pool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await
}

/// Whether an account with this (normalised) email exists.
///
/// # Errors
/// When the database fails.
pub async fn email_taken(tx: &mut Tx<'_>, email: &str) -> Result<bool, sqlx::Error> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(normalize_email(email))
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

const USER_COLUMNS: &str = "id, email, display_name, role, athlete_id, disabled_at";

/// An account as stored ([`USER_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    role: String,
    athlete_id: Option<String>,
    disabled_at: Option<String>,
}

/// An account row with its password hash, for a sign-in.
#[derive(sqlx::FromRow)]
struct UserWithHash {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

/// The account of `row`, with the teams it coaches.
async fn account_from_row(pool: &Pool, row: UserRow) -> Result<UserAccount, sqlx::Error> {
    let teams =
        sqlx::query_scalar("SELECT team_id FROM team_coaches WHERE user_id = $1 ORDER BY team_id")
            .bind(&row.id)
            .fetch_all(pool)
            .await?;
    Ok(UserAccount {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: row.role.parse().map_err(decode_error)?,
        athlete_id: row.athlete_id,
        teams,
        disabled: row.disabled_at.is_some(),
    })
}

/// The account with this email and its password hash, for verifying a sign-in.
///
/// # Errors
/// When the database fails.
pub async fn by_email_with_hash(
    pool: &Pool,
    email: &str,
) -> Result<Option<(UserAccount, String)>, sqlx::Error> {
    let row = sqlx::query_as::<_, UserWithHash>(&format!(
        "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
    ))
    .bind(normalize_email(email))
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => Ok(Some((
            account_from_row(pool, row.user).await?,
            row.password_hash,
        ))),
        None => Ok(None),
    }
}

/// One account.
///
/// # Errors
/// When the database fails.
pub async fn account(pool: &Pool, id: &str) -> Result<Option<UserAccount>, sqlx::Error> {
    let row =
        sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?;
    match row {
        Some(row) => Ok(Some(account_from_row(pool, row).await?)),
        None => Ok(None),
    }
}

/// Every account, by email.
///
/// # Errors
/// When the database fails.
pub async fn list(pool: &Pool) -> Result<Vec<UserAccount>, sqlx::Error> {
    let rows =
        sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY email"))
            .fetch_all(pool)
            .await?;
    let mut accounts = Vec::with_capacity(rows.len());
    for row in rows {
        accounts.push(account_from_row(pool, row).await?);
    }
    Ok(accounts)
}

/// Disables the account as of `at`, or enables it with `None`.
///
/// # Errors
/// When the database fails.
pub async fn set_disabled(tx: &mut Tx<'_>, id: &str, at: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Replaces the teams a coach coaches.
///
/// # Errors
/// When the database fails (a team that does not exist).
pub async fn set_teams(tx: &mut Tx<'_>, id: &str, teams: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM team_coaches WHERE user_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for team in teams {
        sqlx::query("INSERT INTO team_coaches (team_id, user_id) VALUES ($1, $2)")
            .bind(team)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

//! Accounts: creating users with argon2id password hashes and linking coaches to teams.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;

use super::{new_id, now, Pool, Tx};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Coach,
    Athlete,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coach => "coach",
            Role::Athlete => "athlete",
        }
    }
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
    let id = new_id();
    let hash = hash_password(user.password)?;
    sqlx::query(
        "INSERT INTO users (id, email, display_name, password_hash, role, athlete_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(user.email.trim().to_lowercase())
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

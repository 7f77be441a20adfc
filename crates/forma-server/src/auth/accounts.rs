//! Creating accounts, for the admin API and `forma user add` alike: one set of rules.

use forma_core::api::{NewAccount, Role, UserAccount};
use forma_core::bounds;

use crate::error::AppError;
use crate::store::audit::{self, Actor, Change};
use crate::store::users::{self, NewUser};
use crate::store::{athletes, Pool};

/// Passwords people choose have at least this many characters. (The built-in demo
/// accounts predate the rule and keep their documented passwords.)
pub const MIN_PASSWORD_CHARS: usize = 10;

fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid {
        field: field.to_owned(),
        message,
    }
}

/// The rule every password people choose keeps (a new account's, a changed one's,
/// one set through an invitation): at least [`MIN_PASSWORD_CHARS`] characters, at
/// most [`bounds::PASSWORD`]'s.
///
/// # Errors
/// [`AppError::Invalid`] naming `field`.
pub fn check_password(field: &str, password: &str) -> Result<(), AppError> {
    bounds::PASSWORD
        .check(password)
        .map_err(|_| invalid(field, format!("{field}: {}", bounds::PASSWORD.accepted)))?;
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(invalid(
            field,
            format!("{field}: {length} characters is too short; use at least {MIN_PASSWORD_CHARS}"),
        ));
    }
    Ok(())
}

/// Checks a new account and creates it, with its audit entry (never the password).
///
/// # Errors
/// [`AppError::Invalid`] naming the field: an email that is not one or is taken, a
/// password under [`MIN_PASSWORD_CHARS`] characters, a coach without a team, an
/// athlete account without its athlete, an unknown team or athlete. A database failure.
pub async fn create(
    pool: &Pool,
    input: &NewAccount,
    actor: &Actor,
) -> Result<UserAccount, AppError> {
    bounds::EMAIL.check(input.email.trim())?;
    bounds::PASSWORD.check(&input.password)?;
    if let Some(name) = &input.display_name {
        bounds::DISPLAY_NAME.check(name.trim())?;
    }
    let email = users::normalize_email(&input.email);
    let well_formed = email
        .split_once('@')
        .is_some_and(|(name, domain)| !name.is_empty() && !domain.is_empty())
        && !email.contains(char::is_whitespace);
    if !well_formed {
        return Err(invalid(
            "email",
            format!(
                "email `{}` is not an email address such as coach@club.no",
                input.email
            ),
        ));
    }
    check_password("password", &input.password)?;
    match input.role {
        Role::Coach if input.teams.is_empty() => {
            return Err(invalid(
                "teams",
                "teams: a coach account needs at least one team (--team T)".to_owned(),
            ))
        }
        Role::Athlete if input.athlete_id.is_none() => {
            return Err(invalid(
                "athlete_id",
                "athlete_id: an athlete account needs the athlete it belongs to (--athlete A)"
                    .to_owned(),
            ))
        }
        Role::Admin | Role::Athlete if !input.teams.is_empty() => {
            return Err(invalid(
                "teams",
                format!(
                    "teams: only coach accounts have teams, not {}",
                    input.role.as_str()
                ),
            ))
        }
        Role::Admin | Role::Coach if input.athlete_id.is_some() => {
            return Err(invalid(
                "athlete_id",
                format!(
                    "athlete_id: only athlete accounts link to an athlete, not {}",
                    input.role.as_str()
                ),
            ))
        }
        _ => {}
    }
    for team in &input.teams {
        if athletes::team(pool, team).await?.is_none() {
            return Err(invalid(
                "teams",
                format!("teams: there is no team `{team}`"),
            ));
        }
    }
    if let Some(athlete) = &input.athlete_id {
        if athletes::athlete(pool, athlete).await?.is_none() {
            return Err(invalid(
                "athlete_id",
                format!("athlete_id: there is no athlete `{athlete}`"),
            ));
        }
    }
    let display_name = input
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default())
        .to_owned();
    let teams: Vec<&str> = input.teams.iter().map(String::as_str).collect();
    let password = input.password.clone();
    // argon2id is deliberately slow: keep it off the async workers.
    let hash = tokio::task::spawn_blocking(move || users::hash_password(&password))
        .await
        .map_err(|error| anyhow::anyhow!("password hashing stopped: {error}"))??;
    let mut write = crate::store::AuditedWrite::begin(pool, actor.clone()).await?;
    if users::email_taken(&mut write, &email).await? {
        return Err(invalid(
            "email",
            format!("email: an account with {email} already exists"),
        ));
    }
    let id = users::insert(
        &mut write,
        &NewUser {
            email: &email,
            display_name: &display_name,
            password: "",
            role: input.role,
            athlete_id: input.athlete_id.as_deref(),
            teams: &teams,
        },
        &hash,
    )
    .await?;
    let account = UserAccount {
        id,
        email,
        display_name,
        role: input.role,
        athlete_id: input.athlete_id.clone(),
        teams: input.teams.clone(),
        disabled: false,
    };
    write
        .audit(Change {
            action: "create",
            entity: "user",
            entity_id: &account.id,
            athlete_id: account.athlete_id.as_deref(),
            before: None,
            after: audit::snapshot(&account),
        })
        .await?;
    write.commit().await?;
    Ok(account)
}

//! Admins keep accounts from the app: give and take a coach's teams, disable and
//! enable an account (a disabled one cannot sign in, and its sessions end), and
//! reset a password with a one-time link that expires (Forma sends no mail). The
//! link's owner sets a new password and is signed in; a wrong code counts in the
//! sign-in limiter. Every change is audited.

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use forma_core::api::{Role, UserAccount};
use forma_core::roster::{AccountTeams, Disable, Invitation, InvitePreview, NewPassword};

use super::extract::{Json, Path};
use super::Endpoint;
use crate::auth::limiter::Refusal;
use crate::auth::policy::Policy;
use crate::auth::{self, accounts, CurrentUser};
use crate::error::AppError;
use crate::proxy::ClientAddress;
use crate::state::AppState;
use crate::store::audit::{self, Actor, Change};
use crate::store::{athletes, auth_sessions, invites, resets, users, AuditedWrite};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::PUT, "/users/{id}/teams", Policy::Admin, set_teams),
        Endpoint::new(
            Method::PUT,
            "/users/{id}/disabled",
            Policy::Admin,
            set_disabled,
        ),
        Endpoint::new(Method::POST, "/users/{id}/reset", Policy::Admin, reset),
        Endpoint::new(Method::GET, "/resets/{code}", Policy::Public, show_reset),
        Endpoint::new(
            Method::POST,
            "/resets/{code}/accept",
            Policy::Public,
            accept_reset,
        ),
    ]
}

/// How long a reset link can be used.
pub const RESET_VALID: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

async fn account_of(state: &AppState, id: &str) -> Result<UserAccount, AppError> {
    users::account(&state.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("account `{id}`")))
}

/// `PUT /api/users/{id}/teams`: the teams a coach coaches, given whole.
async fn set_teams(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<AccountTeams>,
) -> Result<Json<UserAccount>, AppError> {
    let before = account_of(&state, &id).await?;
    if before.role != Role::Coach {
        return Err(AppError::Invalid {
            field: "teams".to_owned(),
            message: format!(
                "teams: only coach accounts have teams, not {}",
                before.role.as_str()
            ),
        });
    }
    let mut teams: Vec<String> = input
        .teams
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    teams.sort();
    teams.dedup();
    if teams.is_empty() {
        return Err(AppError::Invalid {
            field: "teams".to_owned(),
            message: "teams: a coach account needs at least one team; disable the account instead"
                .to_owned(),
        });
    }
    for team in &teams {
        if athletes::team(&state.pool, team).await?.is_none() {
            return Err(AppError::Invalid {
                field: "teams".to_owned(),
                message: format!("teams: there is no team `{team}`"),
            });
        }
    }
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    users::set_teams(&mut write, &id, &teams).await?;
    write
        .audit(Change {
            action: "update",
            entity: "user",
            entity_id: &id,
            athlete_id: None,
            before: Some(serde_json::json!({"teams": before.teams})),
            after: Some(serde_json::json!({"teams": teams})),
        })
        .await?;
    write.commit().await?;
    Ok(Json(account_of(&state, &id).await?))
}

/// `PUT /api/users/{id}/disabled`: a disabled account cannot sign in and its
/// sessions end; enabling it lets it sign in again. An admin does not disable
/// their own account (409).
async fn set_disabled(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<Disable>,
) -> Result<Json<UserAccount>, AppError> {
    let before = account_of(&state, &id).await?;
    if id == user.id() && input.disabled {
        return Err(AppError::Conflict(
            "You cannot disable your own account; another admin can.".to_owned(),
        ));
    }
    if before.disabled != input.disabled {
        let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
        let at = input.disabled.then(crate::store::now);
        users::set_disabled(&mut write, &id, at.as_deref()).await?;
        let ended = if input.disabled {
            auth_sessions::end_all(&mut write, &id).await?
        } else {
            0
        };
        write
            .audit(Change {
                action: if input.disabled { "disable" } else { "enable" },
                entity: "user",
                entity_id: &id,
                athlete_id: before.athlete_id.as_deref(),
                before: Some(serde_json::json!({"disabled": before.disabled})),
                after: Some(
                    serde_json::json!({"disabled": input.disabled, "sessions_ended": ended}),
                ),
            })
            .await?;
        write.commit().await?;
    }
    Ok(Json(account_of(&state, &id).await?))
}

/// `POST /api/users/{id}/reset` (201): a one-time link that sets the account's
/// password, valid for [`RESET_VALID`].
async fn reset(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Invitation>), AppError> {
    let account = account_of(&state, &id).await?;
    let code = auth::new_token();
    let expires_at = auth::stored_time(jiff::Timestamp::now() + RESET_VALID);
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    resets::insert(
        &mut write,
        &auth::token_hash(&code),
        &id,
        user.id(),
        &expires_at,
    )
    .await?;
    write
        .audit(Change {
            action: "password_reset_link",
            entity: "user",
            entity_id: &id,
            athlete_id: account.athlete_id.as_deref(),
            before: None,
            after: Some(serde_json::json!({"expires_at": expires_at})),
        })
        .await?;
    write.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Invitation {
            path: format!("/reset/{code}"),
            code,
            athlete_name: account.display_name,
            expires_at,
        }),
    ))
}

fn unknown_reset() -> AppError {
    AppError::NotFound(
        "reset link: this link is not one Forma made; check that it was copied whole, or ask an admin for a new one".to_owned(),
    )
}

/// The reset of `code` while it can be used; a clear refusal otherwise.
async fn usable(state: &AppState, code: &str) -> Result<resets::Reset, AppError> {
    if code.len() != 64 {
        return Err(unknown_reset());
    }
    let reset = resets::find(&state.pool, &auth::token_hash(code))
        .await?
        .ok_or_else(unknown_reset)?;
    if let Some(used) = &reset.used_at {
        return Err(AppError::Conflict(format!(
            "This reset link was used on {}; sign in with the password set then, or ask an admin for a new link.",
            used.get(..10).unwrap_or(used)
        )));
    }
    if reset.expires_at <= auth::stored_time(jiff::Timestamp::now()) {
        return Err(AppError::Conflict(format!(
            "This reset link expired on {}; ask an admin for a new one.",
            reset.expires_at.get(..10).unwrap_or(&reset.expires_at)
        )));
    }
    Ok(reset)
}

/// `GET /api/resets/{code}`: whose password the link sets.
async fn show_reset(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<InvitePreview>, AppError> {
    let reset = usable(&state, &code).await?;
    let account = account_of(&state, &reset.user_id).await?;
    Ok(Json(InvitePreview {
        athlete_name: account.display_name,
        expires_at: reset.expires_at,
    }))
}

/// `POST /api/resets/{code}/accept`: sets the password (the rules of every
/// account's), ends the account's sessions, uses up the link and signs in.
async fn accept_reset(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(input): Json<NewPassword>,
) -> Result<Response, AppError> {
    if code.len() != 64 {
        // Cannot be one Forma made; nothing to count.
        return Err(unknown_reset());
    }
    // A guessed code names no account: each counts as its own, so the limiter's
    // count per address is the one that holds guessing back.
    let attempt = match state
        .limiter
        .begin(&format!("reset:{code}"), client.ip)
        .await
    {
        Ok(attempt) => attempt,
        Err(Refusal::Delayed(wait)) => {
            return Err(AppError::TooManyAttempts(
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            ))
        }
        Err(Refusal::Busy) => return Err(AppError::SignInBusy),
    };
    let reset = match usable(&state, &code).await {
        Ok(reset) => reset,
        Err(error) => {
            attempt.failed();
            return Err(error);
        }
    };
    attempt.succeeded();
    accounts::check_password("password", &input.password)?;
    let account = account_of(&state, &reset.user_id).await?;
    if account.disabled {
        return Err(AppError::Forbidden(
            "sign in: the account is disabled; ask an admin to enable it".to_owned(),
        ));
    }
    let hash = state.passwords.hash(input.password).await?;
    let mut write =
        AuditedWrite::begin(&state.pool, Actor(format!("reset:{}", reset.created_by))).await?;
    if !resets::mark_used(&mut write, &auth::token_hash(&code), &crate::store::now()).await? {
        return Err(AppError::Conflict(
            "This reset link was just used.".to_owned(),
        ));
    }
    invites::set_password_hash(&mut write, &account.id, &hash).await?;
    let ended = auth_sessions::end_all(&mut write, &account.id).await?;
    write
        .audit(Change {
            action: "password_reset",
            entity: "user",
            entity_id: &account.id,
            athlete_id: account.athlete_id.as_deref(),
            before: None,
            after: audit::snapshot(&serde_json::json!({"sessions_ended": ended})),
        })
        .await?;
    write.commit().await?;
    let secure = auth::came_over_https(&state, &client, &headers);
    super::auth::start_session(&state, account, client.ip, secure).await
}

//! Accounts from the app: a coach invites an athlete of their team with a
//! one-time code that expires (shown to copy; Forma sends no mail), the athlete
//! opens it, sets a password and is signed in; everyone changes their own
//! password with the current one. The sign-in limiter counts wrong codes and
//! wrong current passwords as failed sign-ins; every change is audited.

use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use forma_core::api::{NewAccount, Role};
use forma_core::roster::{AcceptInvite, Invitation, InvitePreview, PasswordChange};

use super::extract::{Json, Path};
use super::Endpoint;
use crate::auth::limiter::Refusal;
use crate::auth::policy::{Athlete, Policy, Source};
use crate::auth::{self, accounts, CurrentUser};
use crate::error::AppError;
use crate::proxy::ClientAddress;
use crate::state::AppState;
use crate::store::audit::{Actor, Change};
use crate::store::{invites, users, AuditedWrite};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/invite",
            Policy::AthleteManage {
                athlete: Source::Path("id"),
            },
            invite,
        ),
        Endpoint::new(Method::GET, "/invites/{code}", Policy::Public, show),
        Endpoint::new(
            Method::POST,
            "/invites/{code}/accept",
            Policy::Public,
            accept,
        ),
        Endpoint::new(
            Method::POST,
            "/auth/password",
            Policy::SignedIn,
            change_password,
        ),
    ]
}

/// How long an invitation can be used.
pub const INVITE_VALID: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

/// `POST /api/athletes/{id}/invite` (201): a new one-time code for the athlete.
/// An athlete who has an account already is a 409.
async fn invite(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
) -> Result<(StatusCode, Json<Invitation>), AppError> {
    if invites::athlete_has_account(&state.pool, profile.id.as_str()).await? {
        return Err(AppError::Conflict(format!(
            "{} has an account already; they sign in with it (an admin can reset its password).",
            profile.name
        )));
    }
    let code = auth::new_token();
    let expires_at = auth::stored_time(jiff::Timestamp::now() + INVITE_VALID);
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    invites::insert(
        &mut write,
        &auth::token_hash(&code),
        profile.id.as_str(),
        user.id(),
        &expires_at,
    )
    .await?;
    write
        .audit(Change {
            action: "invite",
            entity: "user",
            entity_id: profile.id.as_str(),
            athlete_id: Some(profile.id.as_str()),
            before: None,
            after: Some(serde_json::json!({"expires_at": expires_at})),
        })
        .await?;
    write.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(Invitation {
            path: format!("/invite/{code}"),
            code,
            athlete_name: profile.name,
            expires_at,
        }),
    ))
}

/// The invitation of `code` while it can be used; a clear refusal otherwise.
async fn usable(state: &AppState, code: &str) -> Result<invites::Invite, AppError> {
    let not_found = || {
        AppError::NotFound(
            "invitation: this link is not one Forma made; check that it was copied whole, or ask your coach for a new one".to_owned(),
        )
    };
    if code.len() != 64 {
        return Err(not_found());
    }
    let invite = invites::find(&state.pool, &auth::token_hash(code))
        .await?
        .ok_or_else(not_found)?;
    if let Some(used) = &invite.used_at {
        return Err(AppError::Conflict(format!(
            "This invitation was used on {}; sign in with the account made then, or ask your coach for a new one.",
            used.get(..10).unwrap_or(used)
        )));
    }
    if invite.expires_at <= auth::stored_time(jiff::Timestamp::now()) {
        return Err(AppError::Conflict(format!(
            "This invitation expired on {}; ask your coach for a new one.",
            invite.expires_at.get(..10).unwrap_or(&invite.expires_at)
        )));
    }
    Ok(invite)
}

/// `GET /api/invites/{code}`: whose invitation it is and until when.
async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<InvitePreview>, AppError> {
    let invite = usable(&state, &code).await?;
    let athlete = crate::store::athletes::athlete(&state.pool, &invite.athlete_id)
        .await?
        .ok_or_else(|| AppError::NotFound("invitation: its athlete is gone".to_owned()))?;
    Ok(Json(InvitePreview {
        athlete_name: athlete.name,
        expires_at: invite.expires_at,
    }))
}

/// `POST /api/invites/{code}/accept`: makes the athlete's account with the email
/// and password given (the account rules of `POST /api/users`), uses up the code
/// and signs the athlete in. A wrong code counts as a failed sign-in.
async fn accept(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(input): Json<AcceptInvite>,
) -> Result<Response, AppError> {
    forma_core::bounds::EMAIL.check(input.email.trim())?;
    let email = auth::normalize_email(&input.email);
    let attempt = match state.limiter.begin(&email, client.ip).await {
        Ok(attempt) => attempt,
        Err(Refusal::Delayed(wait)) => {
            return Err(AppError::TooManyAttempts(
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            ))
        }
        Err(Refusal::Busy) => return Err(AppError::SignInBusy),
    };
    let invite = match usable(&state, &code).await {
        Ok(invite) => invite,
        Err(error) => {
            attempt.failed();
            return Err(error);
        }
    };
    attempt.succeeded();
    accounts::check_password("password", &input.password)?;
    if invites::athlete_has_account(&state.pool, &invite.athlete_id).await? {
        return Err(AppError::Conflict(
            "This athlete has an account already; sign in with it.".to_owned(),
        ));
    }
    // The link is claimed before the account is made, alone: of two accepts at
    // once only one goes on, so one link never makes two accounts. An account
    // that cannot be made (an email taken) gives the link back.
    let code_hash = auth::token_hash(&code);
    let mut claim = crate::store::begin_write(&state.pool).await?;
    if !invites::mark_used(&mut claim, &code_hash, &crate::store::now()).await? {
        return Err(AppError::Conflict(
            "This invitation was just used; sign in with the account made with it.".to_owned(),
        ));
    }
    claim.commit().await?;
    let actor = Actor(format!("invite:{}", invite.created_by));
    let made = accounts::create(
        &state.pool,
        &NewAccount {
            email: email.clone(),
            password: input.password,
            role: Role::Athlete,
            display_name: None,
            teams: Vec::new(),
            athlete_id: Some(invite.athlete_id.clone()),
        },
        &actor,
    )
    .await;
    let account = match made {
        Ok(account) => account,
        Err(error) => {
            let mut release = crate::store::begin_write(&state.pool).await?;
            invites::release(&mut release, &code_hash).await?;
            release.commit().await?;
            return Err(error);
        }
    };
    let mut write = AuditedWrite::begin(&state.pool, actor).await?;
    write
        .audit(Change {
            action: "accept_invite",
            entity: "user",
            entity_id: &account.id,
            athlete_id: Some(&invite.athlete_id),
            before: None,
            after: Some(serde_json::json!({"email": account.email})),
        })
        .await?;
    write.commit().await?;
    let display = crate::store::athletes::athlete(&state.pool, &invite.athlete_id)
        .await?
        .map(|a| a.name);
    let mut account = account;
    if let Some(name) = display {
        account.display_name = name;
    }
    let secure = auth::came_over_https(&state, &client, &headers);
    super::auth::start_session(&state, account, client.ip, secure).await
}

/// `POST /api/auth/password` (204): changes the caller's password, given the
/// current one (a wrong one counts as a failed sign-in, and is a 422 naming
/// `current_password`). The caller's other sessions end.
async fn change_password(
    State(state): State<AppState>,
    client: ClientAddress,
    user: CurrentUser,
    Json(input): Json<PasswordChange>,
) -> Result<StatusCode, AppError> {
    forma_core::bounds::PASSWORD
        .check(&input.current_password)
        .map_err(|_| AppError::Invalid {
            field: "current_password".to_owned(),
            message: "current_password: this is not your current password".to_owned(),
        })?;
    accounts::check_password("new_password", &input.new_password)?;
    let email = user.account.email.clone();
    let attempt = match state.limiter.begin(&email, client.ip).await {
        Ok(attempt) => attempt,
        Err(Refusal::Delayed(wait)) => {
            return Err(AppError::TooManyAttempts(
                wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            ))
        }
        Err(Refusal::Busy) => return Err(AppError::SignInBusy),
    };
    let hash = users::by_email_with_hash(&state.pool, &email)
        .await?
        .map(|(_, hash)| hash)
        .ok_or_else(|| AppError::Unauthenticated("Your account is gone.".to_owned()))?;
    let Ok(verified) = state.passwords.verify(input.current_password, hash).await else {
        return Err(AppError::SignInBusy);
    };
    if !verified {
        attempt.failed();
        return Err(AppError::Invalid {
            field: "current_password".to_owned(),
            message: "current_password: this is not your current password".to_owned(),
        });
    }
    attempt.succeeded();
    let new_hash = state.passwords.hash(input.new_password).await?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    invites::set_password_hash(&mut write, user.id(), &new_hash).await?;
    let ended =
        crate::store::auth_sessions::keep_only(&mut write, user.id(), &user.token_hash).await?;
    write
        .audit(Change {
            action: "password_change",
            entity: "user",
            entity_id: user.id(),
            athlete_id: None,
            before: None,
            after: Some(serde_json::json!({"sessions_ended": ended})),
        })
        .await?;
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Signing in and out: `POST /api/auth/login`, `POST /api/auth/logout`,
//! `GET /api/auth/me`.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use forma_core::api::{LoginRequest, SignedInUser};

use super::extract::Json;
use super::Endpoint;
use crate::auth::limiter::Refusal;
use crate::auth::policy::Policy;
use crate::auth::sign_in_log::Outcome;
use crate::auth::{self, CurrentUser};
use crate::error::AppError;
use crate::proxy::ClientAddress;
use crate::state::AppState;
use crate::store::audit::{self, Actor, Change};
use crate::store::{auth_sessions, users, AuditedWrite};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::POST, "/auth/login", Policy::Public, login),
        Endpoint::new(Method::POST, "/auth/logout", Policy::SignedIn, logout),
        Endpoint::new(Method::GET, "/auth/me", Policy::SignedIn, me),
    ]
}

/// Computes the stand-in hash ahead of the first sign-in, so that the first unknown
/// email is not slower than a wrong password.
pub fn warm_up() {
    dummy_hash();
}

/// A hash to verify against when the email is unknown, so that an unknown email
/// takes as long as a wrong password and gets the same answer.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        users::hash_password(&auth::new_token()).expect("argon2 accepts its default parameters")
    })
}

/// `POST /api/auth/login`: checks the password and starts a session (cookie and
/// CSRF token). Too many recent failures for the account from this address, or
/// from this address, answer 429 with the delay (see `auth::limiter`); too many
/// sign-ins being checked at once answer 503. Every refusal and failure is counted
/// into the audit log.
async fn login(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Json(input): Json<LoginRequest>,
) -> Result<Response, AppError> {
    let ip = client.ip;
    // No account has a longer email or password; refused before any is kept in
    // the limiter's memory or hashed.
    forma_core::bounds::EMAIL.check(input.email.trim())?;
    forma_core::bounds::PASSWORD.check(&input.password)?;
    let email = auth::normalize_email(&input.email);
    let attempt = match state.limiter.begin(&email, ip).await {
        Ok(attempt) => attempt,
        Err(Refusal::Delayed(wait)) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            tracing::warn!(email = %email, ip = ?ip, seconds, "sign-in delayed");
            state
                .sign_in_log
                .note(Outcome::Refused, &email, ip, Some(seconds));
            return Err(AppError::TooManyAttempts(seconds));
        }
        Err(Refusal::Busy) => {
            state.sign_in_log.note(Outcome::Busy, &email, ip, None);
            return Err(AppError::SignInBusy);
        }
    };
    let found = users::by_email_with_hash(&state.pool, &email).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |(_, hash)| hash.clone());
    let Ok(verified) = state.passwords.verify(input.password, hash).await else {
        state.sign_in_log.note(Outcome::Busy, &email, ip, None);
        return Err(AppError::SignInBusy);
    };
    let account = match found {
        Some((account, _)) if verified => account,
        _ => {
            attempt.failed();
            tracing::warn!(email = %email, ip = ?ip, "failed sign-in");
            state.sign_in_log.note(Outcome::Failed, &email, ip, None);
            return Err(AppError::BadCredentials);
        }
    };
    attempt.succeeded();
    if account.disabled {
        return Err(AppError::Forbidden(
            "sign in: an admin disabled this account; ask them to enable it".to_owned(),
        ));
    }
    let secure = auth::came_over_https(&state, &client, &headers);
    start_session(&state, account, ip, secure).await
}

/// Starts a session for `account` (a sign-in, or an accepted invitation): the
/// cookie and the CSRF token, with its audit entry.
///
/// # Errors
/// When the database fails.
pub async fn start_session(
    state: &AppState,
    account: forma_core::api::UserAccount,
    ip: Option<std::net::IpAddr>,
    secure: bool,
) -> Result<Response, AppError> {
    let token = auth::new_token();
    let csrf_token = auth::new_token();
    let mut write = AuditedWrite::begin(&state.pool, Actor::user(&account.id)).await?;
    auth_sessions::insert(
        &mut write,
        &auth::token_hash(&token),
        &account.id,
        &csrf_token,
        &auth::expiry_from_now(),
    )
    .await?;
    let ended =
        auth_sessions::keep_most_recent(&mut write, &account.id, auth::MAX_SESSIONS_PER_USER)
            .await?;
    write
        .audit(Change {
            action: "sign_in",
            entity: "user",
            entity_id: &account.id,
            athlete_id: None,
            before: None,
            after: Some(serde_json::json!({
                "ip": ip.map(|ip| ip.to_string()),
                "sessions_ended": ended,
            })),
        })
        .await?;
    write.commit().await?;
    let cookie = auth::session_cookie(&token, secure);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(SignedInUser {
            user: account,
            csrf_token,
        }),
    )
        .into_response())
}

/// `POST /api/auth/logout`: ends the session and removes the cookie.
async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    client: ClientAddress,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    auth_sessions::delete(&state.pool, &user.token_hash).await?;
    audit::record_alone(
        &state.pool,
        &user.actor(),
        Change {
            action: "sign_out",
            entity: "user",
            entity_id: user.id(),
            athlete_id: None,
            before: None,
            after: None,
        },
    )
    .await?;
    let cookie = auth::clearing_cookie(auth::came_over_https(&state, &client, &headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// `GET /api/auth/me`: who is signed in, and the CSRF token for writes.
async fn me(user: CurrentUser) -> Json<SignedInUser> {
    Json(SignedInUser {
        user: user.account,
        csrf_token: user.csrf_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The algorithm, version and cost parameters of a PHC hash string
    /// (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`): what sets the work of
    /// verifying a password against it.
    fn cost(hash: &str) -> Vec<&str> {
        hash.split('$').take(4).collect()
    }

    #[test]
    fn an_unknown_email_is_checked_against_a_hash_as_costly_as_an_accounts() {
        let account = users::hash_password("the coach's password").expect("hash");
        let dummy = dummy_hash();
        assert_eq!(cost(dummy), cost(&account));
        assert!(cost(dummy)[1].starts_with("argon2"), "{dummy}");
        assert_ne!(dummy, account);
    }
}

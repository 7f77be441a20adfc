//! Signing in and out: `POST /api/auth/login`, `POST /api/auth/logout`,
//! `GET /api/auth/me`.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::Argon2;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use forma_core::api::{LoginRequest, SignedInUser};

use super::extract::Json;
use super::Endpoint;
use crate::app::AppState;
use crate::auth::policy::Policy;
use crate::auth::{self, CurrentUser};
use crate::error::AppError;
use crate::proxy::ClientAddress;
use crate::store::audit::{self, Actor, Change};
use crate::store::{auth_sessions, users};

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

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// `POST /api/auth/login`: checks the password and starts a session (cookie and
/// CSRF token). Too many failures for the email or the address answer 429.
async fn login(
    State(state): State<AppState>,
    ClientAddress { ip, .. }: ClientAddress,
    headers: HeaderMap,
    Json(input): Json<LoginRequest>,
) -> Result<Response, AppError> {
    // No account has a longer email or password; refused before any is kept in
    // the limiter's memory or hashed.
    forma_core::bounds::EMAIL.check(input.email.trim())?;
    forma_core::bounds::PASSWORD.check(&input.password)?;
    let email = input.email.trim().to_lowercase();
    let email_key = format!("email:{email}");
    let mut keys = vec![email_key.clone()];
    if let Some(ip) = ip {
        keys.push(format!("ip:{ip}"));
    }
    state
        .limiter
        .begin_attempt(&keys)
        .map_err(AppError::TooManyAttempts)?;
    let found = users::by_email_with_hash(&state.pool, &email).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |(_, hash)| hash.clone());
    let password = input.password;
    let verified = tokio::task::spawn_blocking(move || verify(&password, &hash))
        .await
        .map_err(|error| anyhow::anyhow!("password check stopped: {error}"))?;
    let account = match found {
        Some((account, _)) if verified => account,
        _ => {
            tracing::warn!(email = %email, ip = ?ip, "failed sign-in");
            return Err(AppError::BadCredentials);
        }
    };
    state.limiter.succeeded(&keys, &email_key);
    auth_sessions::delete_expired(&state.pool, &auth::stored_time(jiff::Timestamp::now())).await?;
    let token = auth::new_token();
    let csrf_token = auth::new_token();
    auth_sessions::insert(
        &state.pool,
        &auth::token_hash(&token),
        &account.id,
        &csrf_token,
        &auth::expiry_from_now(),
    )
    .await?;
    audit::record_alone(
        &state.pool,
        &Actor::user(&account.id),
        Change {
            action: "sign_in",
            entity: "user",
            entity_id: &account.id,
            athlete_id: None,
            before: None,
            after: Some(serde_json::json!({ "ip": ip.map(|ip| ip.to_string()) })),
        },
    )
    .await?;
    let cookie = auth::session_cookie(&token, auth::came_over_https(&state, &headers));
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
    let cookie = auth::clearing_cookie(auth::came_over_https(&state, &headers));
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

/// `GET /api/auth/me`: who is signed in, and the CSRF token for writes.
async fn me(user: CurrentUser) -> Json<SignedInUser> {
    Json(SignedInUser {
        user: user.account,
        csrf_token: user.csrf_token,
    })
}

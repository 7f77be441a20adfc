//! Who is calling. Password sign-in creates a session: a random 32-byte token in the
//! `forma_session` cookie, of which only the SHA-256 hash is stored. Every `/api`
//! route goes through the one authorization layer in [`policy`], which loads the
//! [`CurrentUser`] that handlers then take as an extractor.

pub mod accounts;
pub mod limiter;
pub mod passwords;
pub mod policy;
pub mod sign_in_log;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use forma_core::api::{Role, UserAccount};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit::Actor;
use crate::store::{athletes, auth_sessions, users};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "forma_session";

/// The header every write must carry, equal to the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A session ends after this long without a request.
pub const SESSION_IDLE: jiff::SignedDuration = jiff::SignedDuration::from_hours(12);

/// A session's expiry is moved forward at most this often, to spare the database a
/// write on every request.
const EXTEND_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

/// Sessions one account keeps; a new sign-in beyond ends the least recently used.
pub const MAX_SESSIONS_PER_USER: u32 = 10;

/// How often sessions that expired are removed from the database.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

pub use crate::store::users::normalize_email;

const NOT_SIGNED_IN: &str = "You are not signed in. Sign in to continue.";

/// The signed-in user of a request, put there by the authorization layer.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: UserAccount,
    /// The team of the athlete record an athlete account is linked to.
    pub athlete_team: Option<String>,
    pub csrf_token: String,
    /// Which session this request came with (to end it on sign-out).
    pub token_hash: String,
}

impl CurrentUser {
    pub fn id(&self) -> &str {
        &self.account.id
    }

    pub fn is_admin(&self) -> bool {
        self.account.role == Role::Admin
    }

    /// Whether this account coaches `team`.
    pub fn coaches(&self, team: &str) -> bool {
        self.account.role == Role::Coach && self.account.teams.iter().any(|t| t == team)
    }

    /// Whether this account is the athlete `athlete`.
    pub fn is_athlete(&self, athlete: &str) -> bool {
        self.account.role == Role::Athlete && self.account.athlete_id.as_deref() == Some(athlete)
    }

    /// The author of this user's changes in the audit log.
    pub fn actor(&self) -> Actor {
        Actor::user(self.id())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| AppError::Unauthenticated(NOT_SIGNED_IN.to_owned()))
    }
}

/// 32 random bytes from the operating system, as hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The session token from the request's `Cookie` headers.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// Whether the request reached Forma over HTTPS (directly configured, or as a
/// trusted proxy in front of it says with `X-Forwarded-Proto: https`). Any client
/// can send the header, so it counts only from a `--trusted-proxy`
/// ([`crate::proxy`]), the same setting the sign-in limiter reads the client's
/// address by.
pub fn came_over_https(
    state: &AppState,
    client: &crate::proxy::ClientAddress,
    headers: &HeaderMap,
) -> bool {
    state.secure_cookies
        || (client.via_trusted_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|value| value.to_str().ok())
                // A chain of proxies lists one protocol each; the last is the nearest.
                .and_then(|value| value.rsplit(',').next())
                .is_some_and(|value| value.trim().eq_ignore_ascii_case("https")))
}

/// The `Set-Cookie` value for a new session. No `Max-Age`: the cookie ends with the
/// browser session, and the server ends the session after [`SESSION_IDLE`] idle.
pub fn session_cookie(token: &str, secure: bool) -> HeaderValue {
    cookie_value(&format!("{SESSION_COOKIE}={token}"), secure)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clearing_cookie(secure: bool) -> HeaderValue {
    cookie_value(&format!("{SESSION_COOKIE}=; Max-Age=0"), secure)
}

fn cookie_value(start: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{start}; HttpOnly; SameSite=Strict; Path=/{secure}"
    ))
    .expect("a hex token and fixed attributes are a valid header value")
}

/// The time `SESSION_IDLE` from now, as stored (whole seconds, so that stored
/// times compare correctly as text).
pub fn expiry_from_now() -> String {
    stored_time(jiff::Timestamp::now() + SESSION_IDLE)
}

/// A time as stored for session expiry.
pub fn stored_time(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Loads the user of the request's session, ending it when it has expired and
/// extending it while it is used.
///
/// # Errors
/// [`AppError::Unauthenticated`] with a sentence that tells the user to sign in
/// (again); a database failure.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, AppError> {
    let token = session_token(headers)
        .ok_or_else(|| AppError::Unauthenticated(NOT_SIGNED_IN.to_owned()))?;
    let hash = token_hash(token);
    let session = auth_sessions::find(&state.pool, &hash)
        .await?
        .ok_or_else(|| {
            AppError::Unauthenticated(
                "Your session has ended (signed out, or unknown to this server). Sign in again."
                    .to_owned(),
            )
        })?;
    let now = jiff::Timestamp::now();
    let expires: jiff::Timestamp = session
        .expires_at
        .parse()
        .map_err(|error| anyhow::anyhow!("stored session expiry is unreadable: {error}"))?;
    if expires <= now {
        auth_sessions::delete(&state.pool, &hash).await?;
        return Err(AppError::Unauthenticated(format!(
            "Your session expired after {} hours without activity. Sign in again.",
            SESSION_IDLE.as_hours()
        )));
    }
    let account = users::account(&state.pool, &session.user_id)
        .await?
        .ok_or_else(|| AppError::Unauthenticated(NOT_SIGNED_IN.to_owned()))?;
    if account.disabled {
        // Disabling ends the sessions; this covers one that raced with it.
        return Err(AppError::Unauthenticated(
            "An admin disabled your account; ask them to enable it.".to_owned(),
        ));
    }
    let athlete_team = match &account.athlete_id {
        Some(athlete) => athletes::athlete(&state.pool, athlete)
            .await?
            .map(|profile| profile.team_id),
        None => None,
    };
    if expires.duration_since(now) < SESSION_IDLE - EXTEND_EVERY {
        // Moving the expiry is worth no refusal: while the database is busy the
        // session stays valid, and a later request moves it.
        match auth_sessions::extend(&state.pool, &hash, &expiry_from_now()).await {
            Err(error) if crate::store::write::is_busy(&error) => {
                tracing::debug!(%error, "session expiry not moved: the database is busy");
            }
            other => other?,
        }
    }
    Ok(CurrentUser {
        account,
        athlete_team,
        csrf_token: session.csrf_token,
        token_hash: hash,
    })
}

/// The server's background upkeep until `stop` resolves: counted sign-in failures and
/// refusals into the audit log every [`sign_in_log::FLUSH_EVERY`], expired sessions
/// swept every [`SWEEP_EVERY`]. A last write of the counts when stopping.
pub async fn housekeeping(state: AppState, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let mut flush = tokio::time::interval(sign_in_log::FLUSH_EVERY);
    let mut sweep = tokio::time::interval(SWEEP_EVERY);
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = flush.tick() => {
                if let Err(error) = state.sign_in_log.flush(&state.pool).await {
                    tracing::warn!(%error, "cannot write failed sign-ins to the audit log yet");
                }
            }
            _ = sweep.tick() => {
                match auth_sessions::delete_expired(&state.pool, &stored_time(jiff::Timestamp::now())).await {
                    Ok(0) => {}
                    Ok(swept) => tracing::info!(swept, "expired sessions removed"),
                    Err(error) => tracing::warn!(%error, "cannot remove expired sessions yet"),
                }
            }
        }
    }
    if let Err(error) = state.sign_in_log.flush(&state.pool).await {
        tracing::warn!(%error, "failed sign-ins of the last seconds are not in the audit log");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("theme=dark; forma_session=abc123 ; lang=nb"),
        );
        assert_eq!(session_token(&headers), Some("abc123"));
        headers.insert(
            axum::http::header::COOKIE,
            HeaderValue::from_static("forma_session="),
        );
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn emails_compare_trimmed_and_in_lower_case() {
        assert_eq!(normalize_email("  COACH@Demo.Forma "), "coach@demo.forma");
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert!(same_secret(&a, &a.clone()) && !same_secret(&a, &b));
    }
}

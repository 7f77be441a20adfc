//! The server's one error type for HTTP handlers. It maps each failure to a status
//! code and a JSON [`ApiError`] body, logs the detail, and never sends internals.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use forma_core::api::ApiError;
use forma_core::types::ValueError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or the caller may not know it exists).
    #[error("not found: {0}")]
    NotFound(String),
    /// No valid session: not signed in, or the session expired. The text says which.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// A sign-in with an unknown email or a wrong password (the same answer for both).
    #[error("wrong email or password")]
    BadCredentials,
    /// Signed in, but this account may not do this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A write without the session's `X-CSRF-Token`.
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Too many sign-ins are being checked at once; try again in a moment.
    #[error("too many sign-ins at once")]
    SignInBusy,
    /// Too many failed sign-ins; try again after this many seconds.
    #[error("too many failed sign-ins; retry after {0} s")]
    TooManyAttempts(u64),
    /// A request field that cannot be accepted.
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    /// A request that cannot be read at all.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request conflicts with work in progress (a training already running).
    #[error("conflict: {0}")]
    Conflict(String),
    /// An upload over the size limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// A body in a format this call does not take (not JSON).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// A method the address does not take.
    #[error("method not allowed: {0}")]
    MethodNotAllowed(String),
    /// The database's write lock could not be had in time: nothing was changed, and
    /// the same request may be sent again.
    #[error("busy: {0}")]
    Busy(sqlx::Error),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("internal error: {0}")]
    Internal(anyhow::Error),
}

/// Seconds a client is asked to wait before sending a write again that found the
/// database busy.
pub const BUSY_RETRY_AFTER: u64 = 1;

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        if crate::store::write::is_busy(&error) {
            AppError::Busy(error)
        } else {
            AppError::Database(error)
        }
    }
}

/// A database error carried in an `anyhow::Error` (an import's) is still a busy
/// database when it is one.
impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        match error.downcast::<sqlx::Error>() {
            Ok(database) => AppError::from(database),
            Err(error) => AppError::Internal(error),
        }
    }
}

impl From<ValueError> for AppError {
    fn from(error: ValueError) -> Self {
        AppError::Invalid {
            field: error.field.to_owned(),
            message: error.to_string(),
        }
    }
}

impl From<forma_core::types::FieldError> for AppError {
    fn from(error: forma_core::types::FieldError) -> Self {
        AppError::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let internal = "The server could not complete this request. Try again; if it persists, tell the person who runs Forma.";
        let retry_after = match &self {
            AppError::TooManyAttempts(seconds) => Some(*seconds),
            AppError::Busy(_) | AppError::SignInBusy => Some(BUSY_RETRY_AFTER),
            _ => None,
        };
        let (status, code, message, field) = match self {
            AppError::Unauthenticated(message) => {
                (StatusCode::UNAUTHORIZED, "unauthenticated", message, None)
            }
            AppError::BadCredentials => (
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "The email or the password is not right. Check both and try again.".to_owned(),
                None,
            ),
            AppError::Forbidden(what) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("Your account may not {what}."),
                None,
            ),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "This change was refused because it did not carry the page's security token (X-CSRF-Token). Reload the page and try again.".to_owned(),
                None,
            ),
            AppError::TooManyAttempts(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                format!(
                    "Too many failed sign-ins for this account from here. Wait {} and try again.",
                    if seconds < 90 {
                        format!("{seconds} seconds")
                    } else {
                        format!("{} minutes", seconds.div_ceil(60))
                    }
                ),
                None,
            ),
            AppError::SignInBusy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "Many sign-ins are being checked right now. Try again in a moment.".to_owned(),
                None,
            ),
            AppError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("There is no {what}."),
                None,
            ),
            AppError::Invalid { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                message,
                Some(field),
            ),
            AppError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "bad_request", message, None)
            }
            AppError::Conflict(message) => (StatusCode::CONFLICT, "conflict", message, None),
            AppError::TooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_large", message, None)
            }
            AppError::UnsupportedMediaType(message) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                message,
                None,
            ),
            AppError::MethodNotAllowed(message) => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                message,
                None,
            ),
            AppError::Busy(detail) => {
                tracing::warn!(error = %detail, "the database was busy past the wait");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "Forma is busy with other changes and could not make this one in time. Nothing was changed; try again in a moment.".to_owned(),
                    None,
                )
            }
            AppError::Database(detail) => {
                tracing::error!(error = %detail, "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    internal.to_owned(),
                    None,
                )
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %format!("{detail:#}"), "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    internal.to_owned(),
                    None,
                )
            }
        };
        let mut response = (
            status,
            Json(ApiError {
                code: code.to_owned(),
                message,
                field,
            }),
        )
            .into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_answers_503_with_retry_after_even_through_anyhow() {
        for error in [
            AppError::from(sqlx::Error::PoolTimedOut),
            AppError::from(anyhow::Error::from(sqlx::Error::PoolTimedOut).context("importing")),
        ] {
            let response = error.into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        }
        let other = AppError::from(sqlx::Error::RowNotFound).into_response();
        assert_eq!(other.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(other.headers().get(header::RETRY_AFTER).is_none());
    }
}

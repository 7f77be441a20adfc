//! The server's one error type for HTTP handlers. It maps each failure to a status
//! code and a JSON [`ApiError`] body, logs the detail, and never sends internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use forma_core::api::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code, message) = match &self {
            AppError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                "not_found",
                format!("There is no {what}."),
            ),
            AppError::Database(detail) => {
                tracing::error!(error = %detail, "database error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "The server could not complete this request. Try again; if it persists, tell the person who runs Forma.".to_owned(),
                )
            }
        };
        let body = ApiError {
            code: code.to_owned(),
            message,
        };
        (status, Json(body)).into_response()
    }
}

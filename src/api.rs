//! The one client of Forma's JSON API. Every server call goes through here and fails
//! with one error type, [`ApiFailure`], that pages turn into a message for the user.

use forma_core::api::{ApiError, Health};
use serde::de::DeserializeOwned;

/// Why a call to the server did not give the expected answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server could not be reached at all (offline, stopped, blocked).
    Unreachable(String),
    /// The server answered with an error status and, usually, an [`ApiError`] body.
    Server { status: u16, error: ApiError },
    /// The server answered 2xx with a body this app cannot read.
    BadResponse(String),
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiFailure::Unreachable(_) => {
                write!(f, "The Forma server cannot be reached. Check your connection; Forma will retry.")
            }
            ApiFailure::Server { error, .. } => write!(f, "{}", error.message),
            ApiFailure::BadResponse(_) => write!(
                f,
                "The server sent an answer this page cannot read. Reload the page to get the newest version of Forma."
            ),
        }
    }
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = gloo_net::http::Request::get(path)
        .send()
        .await
        .map_err(|error| ApiFailure::Unreachable(error.to_string()))?;
    if !response.ok() {
        let status = response.status();
        let error = response
            .json::<ApiError>()
            .await
            .unwrap_or_else(|_| ApiError {
                code: "http_error".to_owned(),
                message: format!("The server answered {status} {}.", response.status_text()),
            });
        return Err(ApiFailure::Server { status, error });
    }
    response
        .json::<T>()
        .await
        .map_err(|error| ApiFailure::BadResponse(error.to_string()))
}

/// `GET /api/health`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn health() -> Result<Health, ApiFailure> {
    get_json("/api/health").await
}

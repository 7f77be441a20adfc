//! Request and response types of Forma's JSON API, shared by the server and the app
//! so that both compile against the same definitions.

use serde::{Deserialize, Serialize};

/// `GET /api/health`: whether the server is up and its database answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` when the server and its database work, `"degraded"` when the database does not answer.
    pub status: HealthStatus,
    /// The server's version, as in its Cargo.toml.
    pub version: String,
    pub database: DatabaseHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// `"sqlite"` or `"postgres"`.
    pub backend: String,
    /// True when a trivial query succeeded just now.
    pub reachable: bool,
    /// The newest schema migration applied, if any.
    pub schema_version: Option<i64>,
}

/// The error body every failing `/api` call returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// A stable, machine-readable code such as `not_found`.
    pub code: String,
    /// A sentence for the user: what went wrong and what to do.
    pub message: String,
}

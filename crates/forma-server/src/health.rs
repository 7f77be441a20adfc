//! `GET /api/health`: is the server up, which version, does the database answer.

use axum::extract::State;
use axum::http::Method;
use forma_core::api::{DatabaseHealth, Health, HealthStatus};

use crate::api::extract::Json;
use crate::api::Endpoint;
use crate::auth::policy::Policy;
use crate::state::AppState;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/health",
        Policy::Public,
        health,
    )]
}

async fn health(State(state): State<AppState>) -> Json<Health> {
    let schema = crate::store::schema_version(&state.pool).await;
    if let Err(error) = &schema {
        tracing::warn!(%error, "health check: database does not answer");
    }
    let reachable = schema.is_ok();
    Json(Health {
        status: if reachable {
            HealthStatus::Ok
        } else {
            HealthStatus::Degraded
        },
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: DatabaseHealth {
            backend: "sqlite".to_owned(),
            reachable,
            schema_version: schema.ok().flatten(),
        },
    })
}

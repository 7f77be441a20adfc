//! `GET /api/audit?athlete=A`: every change to an athlete's data, for their coaches
//! and admins.

use axum::extract::State;
use axum::http::Method;
use forma_core::api::AuditEntry;

use super::extract::Json;
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit;

pub fn endpoints() -> Vec<Endpoint> {
    vec![Endpoint::new(
        Method::GET,
        "/audit",
        Policy::AuditRead {
            athlete: Source::Query("athlete"),
        },
        entries,
    )]
}

async fn entries(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    Ok(Json(
        audit::entries_of_athlete(&state.pool, profile.id.as_str()).await?,
    ))
}

//! `GET /api/audit?athlete=A`: every change to an athlete's data, for their coaches
//! and admins.

use axum::extract::State;
use axum::http::Method;
use forma_core::api::AuditEntry;
use serde::Deserialize;

use super::extract::{Json, Query};
use super::Endpoint;
use crate::app::AppState;
use crate::auth::policy::{Policy, Source};
use crate::error::AppError;
use crate::store::{athletes, audit};

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

#[derive(Debug, Deserialize)]
struct AuditQuery {
    athlete: String,
}

async fn entries(
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    if athletes::athlete(&state.pool, &query.athlete)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound(format!("athlete `{}`", query.athlete)));
    }
    Ok(Json(
        audit::entries_of_athlete(&state.pool, &query.athlete).await?,
    ))
}

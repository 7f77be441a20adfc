//! Teams and their athletes' latest status: the data of the team page.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use forma_core::api::{AthleteStatus, TeamSummary};
use forma_core::overview;

use crate::app::AppState;
use crate::error::AppError;
use crate::store::{athletes, records};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teams", get(list))
        .route("/teams/{team}/athletes", get(team_athletes))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<TeamSummary>>, AppError> {
    Ok(Json(athletes::teams(&state.pool).await?))
}

/// `GET /api/teams/{team}/athletes`: one status per athlete, by name.
async fn team_athletes(
    State(state): State<AppState>,
    Path(team): Path<String>,
) -> Result<Json<Vec<AthleteStatus>>, AppError> {
    let summary = athletes::team(&state.pool, &team)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("team `{team}`")))?;
    let mut statuses = Vec::new();
    for profile in athletes::athletes_of_team(&state.pool, &team).await? {
        let as_of = super::as_of(summary.as_of, &profile.time_zone);
        let data = records::athlete_data(&state.pool, &profile.id, None, Some(as_of)).await?;
        let sessions: Vec<_> = data
            .sessions
            .into_iter()
            .map(|stored| stored.session)
            .collect();
        statuses.push(overview::status(&profile, &sessions, &data.wellness, as_of));
    }
    Ok(Json(statuses))
}

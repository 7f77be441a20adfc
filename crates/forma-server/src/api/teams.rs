//! Teams and their athletes' latest status: the data of the team page.

use axum::extract::State;
use axum::http::Method;
use forma_core::api::{AthleteStatus, TeamSummary};
use forma_core::overview;

use super::extract::{Json, Path};
use super::Endpoint;
use crate::app::AppState;
use crate::auth::policy::{Policy, Source};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::store::{athletes, labels, records};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/teams", Policy::SignedIn, list),
        Endpoint::new(
            Method::GET,
            "/teams/{team}/athletes",
            Policy::TeamRead {
                team: Source::Path("team"),
            },
            team_athletes,
        ),
    ]
}

/// `GET /api/teams`: the caller's teams: all for admins, a coach's own, none for
/// athletes (their page is their own).
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<TeamSummary>>, AppError> {
    let mut teams = athletes::teams(&state.pool).await?;
    if !user.is_admin() {
        teams.retain(|team| user.coaches(&team.id));
    }
    Ok(Json(teams))
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
        let mut status = overview::status(&profile, &sessions, &data.wellness, as_of);
        let labels = labels::of_athlete(&state.pool, &profile.id).await?;
        status.intentional_deload = forma_core::labels::deload_in_window(&labels, as_of);
        statuses.push(status);
    }
    Ok(Json(statuses))
}

//! Teams and their athletes' latest status: the data of the team page.

use axum::extract::State;
use axum::http::Method;
use std::sync::Arc;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use forma_core::api::{AthleteProfile, AthleteStatus, TeamSummary};
use forma_core::overview;
use forma_core::types::Date;

use super::extract::{Json, Path};
use super::Endpoint;
use crate::auth::policy::{Policy, Source};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{athletes, labels, records};
use crate::team_cache::TeamKey;

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

/// `GET /api/teams/{team}/athletes`: one status per athlete, by name, as of the
/// team's day. Kept until an athlete's data or the day changes (`team_cache`).
async fn team_athletes(
    State(state): State<AppState>,
    Path(team): Path<String>,
) -> Result<Response, AppError> {
    let summary = athletes::team(&state.pool, &team)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("team `{team}`")))?;
    let roster = athletes::athletes_of_team(&state.pool, &team).await?;
    let now = jiff::Timestamp::now();
    let days: Vec<Date> = roster
        .iter()
        .map(|profile| overview::today_of(summary.as_of, &profile.time_zone, now))
        .collect();
    let key = TeamKey {
        team: team.clone(),
        athletes: roster
            .iter()
            .zip(&days)
            .map(|(profile, day)| (profile.id.clone(), profile.data_version, *day))
            .collect(),
    };
    let answer = state
        .team_cache
        .answer(key, compute(&state, &roster, &days))
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response())
}

/// The team's answer: kept statuses where the athlete's data and day are unchanged,
/// the others computed from the store, off the async threads.
async fn compute(
    state: &AppState,
    roster: &[AthleteProfile],
    days: &[Date],
) -> Result<Bytes, AppError> {
    let mut statuses: Vec<Option<Arc<AthleteStatus>>> = roster
        .iter()
        .zip(days)
        .map(|(profile, day)| {
            state
                .team_cache
                .status(&profile.id, profile.data_version, *day)
        })
        .collect();
    let mut missing = Vec::new();
    for ((profile, day), kept) in roster.iter().zip(days).zip(&statuses) {
        if kept.is_none() {
            let data = records::athlete_data(&state.pool, &profile.id, None, Some(*day)).await?;
            let labels = labels::of_athlete(&state.pool, &profile.id).await?;
            missing.push((profile.clone(), *day, data, labels));
        }
    }
    let computed = tokio::task::spawn_blocking(move || {
        missing
            .into_iter()
            .map(|(profile, day, data, labels)| {
                let sessions: Vec<_> = data
                    .sessions
                    .into_iter()
                    .map(|stored| stored.session)
                    .collect();
                let mut status = overview::status(&profile, &sessions, &data.wellness, day);
                status.intentional_deload = forma_core::labels::deload_in_window(&labels, day);
                (profile, day, Arc::new(status))
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|error| anyhow::anyhow!("the team's statuses stopped: {error}"))?;
    let mut computed = computed.into_iter();
    for slot in statuses.iter_mut().filter(|slot| slot.is_none()) {
        if let Some((profile, day, status)) = computed.next() {
            state.team_cache.keep_status(
                profile.id.clone(),
                profile.data_version,
                day,
                status.clone(),
            );
            *slot = Some(status);
        }
    }
    // The profile as read now; the figures as computed for this data version.
    let answer: Vec<AthleteStatus> = roster
        .iter()
        .zip(statuses)
        .filter_map(|(profile, status)| {
            status.map(|status| AthleteStatus {
                athlete: profile.clone(),
                ..(*status).clone()
            })
        })
        .collect();
    Ok(Bytes::from(
        serde_json::to_vec(&answer).map_err(anyhow::Error::from)?,
    ))
}

//! The risk model registry over HTTP. Each team has its own active model: a
//! team's recommendations and what-if plans use that team's model only, a coach
//! manages only the models of the teams they coach (an admin those of every
//! team), and a version is visible only to those who may see every team it
//! learnt from. Every call names its team with `?team=T`, which may be left out
//! when the caller has one team only.
//!
//! - `GET /api/model/active?team=T`: the team's active artifact (JSON) for its
//!   athletes, coaches and admins (the browser scores what-if plans with it). Its
//!   `ETag` is the version id; the browser revalidates on each use and gets
//!   `304 Not Modified` while the active model is the same.
//! - `GET /api/models/{id}`: one version's artifact; a version never changes, so
//!   it may be cached for good.
//! - `GET /api/models?team=T`: the versions the caller may see, which one is
//!   active for the team, and the team's activations (coaches and admins).
//! - `POST /api/models/{id}/activate?team=T`, `POST /api/models/rollback?team=T`:
//!   change the team's active model (audited).
//! - `POST /api/models/train?team=T`: train on the team's stored data in the
//!   background (`202 Accepted`; `409` while one runs); the new version is
//!   stored, and made active only for a team without an active model. An admin
//!   may train several teams together with `?teams=A,B`, which the version
//!   records.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use forma_core::api::{ModelRegistry, Role};
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use super::Endpoint;
use crate::app::AppState;
use crate::auth::policy::Policy;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::store::athletes;
use crate::store::models::{self, ActivationKind, RegistryError};
use crate::training::{self, Activate};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/model/active", Policy::SignedIn, active),
        Endpoint::new(Method::GET, "/models", Policy::Staff, registry),
        Endpoint::new(Method::GET, "/models/{id}", Policy::Staff, version),
        Endpoint::new(
            Method::POST,
            "/models/{id}/activate",
            Policy::Staff,
            activate,
        ),
        Endpoint::new(Method::POST, "/models/rollback", Policy::Staff, rollback),
        Endpoint::new(Method::POST, "/models/train", Policy::Staff, train),
    ]
}

impl From<RegistryError> for AppError {
    fn from(error: RegistryError) -> Self {
        match error {
            RegistryError::UnknownVersion(id) => {
                AppError::NotFound(format!("model version `{id}`"))
            }
            RegistryError::UnknownTeam(team) => AppError::NotFound(format!("team `{team}`")),
            RegistryError::NothingToRollBackTo(team) => AppError::Conflict(format!(
                "No earlier model was ever active for team `{team}`, so there is nothing to roll back to."
            )),
            RegistryError::Database(error) => AppError::from(error),
            other @ RegistryError::Unreadable { .. } => AppError::Internal(other.into()),
        }
    }
}

fn etag(id: &str) -> String {
    format!("\"{id}\"")
}

fn artifact_response(id: &str, json: String, cache: &'static str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "application/json")], json).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag(id)) {
        headers.insert(header::ETAG, value);
    }
    response
}

fn not_modified(request: &HeaderMap, id: &str) -> bool {
    request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|tag| tag.trim().trim_start_matches("W/") == etag(id))
        })
}

/// `?team=T` (and, for training, `?teams=A,B`).
#[derive(Debug, Default, Deserialize)]
pub struct TeamQuery {
    team: Option<String>,
    teams: Option<String>,
}

/// The teams whose models `user` manages: a coach's own teams, every team for an
/// admin, none for an athlete.
async fn managed_teams(state: &AppState, user: &CurrentUser) -> Result<Vec<String>, AppError> {
    Ok(match user.account.role {
        Role::Admin => athletes::teams(&state.pool)
            .await?
            .into_iter()
            .map(|team| team.id)
            .collect(),
        Role::Coach => {
            let mut teams = user.account.teams.clone();
            teams.sort();
            teams
        }
        Role::Athlete => Vec::new(),
    })
}

/// The team a call is about: the one it names, which the caller must manage
/// (another is a 404, as for a missing team), or the caller's only team.
fn pick_team(requested: Option<&str>, managed: &[String]) -> Result<String, AppError> {
    match requested.filter(|team| !team.is_empty()) {
        Some(team) if managed.iter().any(|t| t == team) => Ok(team.to_owned()),
        Some(team) => Err(AppError::NotFound(format!("team `{team}`"))),
        None => match managed {
            [only] => Ok(only.clone()),
            [] => Err(AppError::NotFound(
                "team: there is no team yet; `forma import` brings one in, then `forma train` trains its model"
                    .to_owned(),
            )),
            several => Err(AppError::Invalid {
                field: "team".to_owned(),
                message: format!(
                    "team: say whose model this is about, as ?team=ID (one of {})",
                    several.join(", ")
                ),
            }),
        },
    }
}

/// Whether a version that learnt from `trained_on` may be seen by one who manages
/// `managed`: only when every team it learnt from is theirs, since its card holds
/// figures of each.
fn may_see(trained_on: &[String], managed: &[String]) -> bool {
    trained_on.iter().all(|team| managed.contains(team))
}

/// The team whose active model `user` may read: an athlete's own team, or a team
/// they manage.
async fn readable_team(
    state: &AppState,
    user: &CurrentUser,
    requested: Option<&str>,
) -> Result<String, AppError> {
    if user.account.role == Role::Athlete {
        let own = user
            .athlete_team
            .clone()
            .ok_or_else(|| AppError::NotFound("team: your account is not on a team".to_owned()))?;
        return match requested.filter(|team| !team.is_empty()) {
            Some(team) if team != own => Err(AppError::NotFound(format!("team `{team}`"))),
            _ => Ok(own),
        };
    }
    pick_team(requested, &managed_teams(state, user).await?)
}

async fn active(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let team = readable_team(&state, &user, query.team.as_deref()).await?;
    let no_model = || {
        let what = if state.training.running() {
            format!("active risk model for team `{team}` yet: one is being trained, try again in a minute")
        } else {
            format!(
                "active risk model for team `{team}`; a coach can train one on the Model page or with `forma train --team {team}`"
            )
        };
        AppError::NotFound(what)
    };
    if let Some(id) = models::active_id(&state.pool, &team).await? {
        if not_modified(&headers, &id) {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            if let Ok(value) = HeaderValue::from_str(&etag(&id)) {
                response.headers_mut().insert(header::ETAG, value);
            }
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-cache"),
            );
            return Ok(response);
        }
    }
    let (id, json) = models::active(&state.pool, &team)
        .await?
        .ok_or_else(no_model)?;
    Ok(artifact_response(&id, json, "private, no-cache"))
}

/// A stored version the caller may see; a 404 like a missing one otherwise.
async fn visible_version(state: &AppState, managed: &[String], id: &str) -> Result<(), AppError> {
    match models::teams_of(&state.pool, id).await? {
        Some(teams) if may_see(&teams, managed) => Ok(()),
        _ => Err(AppError::NotFound(format!("model version `{id}`"))),
    }
}

async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    visible_version(&state, &managed_teams(&state, &user).await?, &id).await?;
    let cache = "private, max-age=31536000, immutable";
    if not_modified(&headers, &id) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let json = models::artifact(&state.pool, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("model version `{id}`")))?;
    Ok(artifact_response(&id, json, cache))
}

async fn registry_of(
    state: &AppState,
    team: String,
    managed: Vec<String>,
) -> Result<ModelRegistry, AppError> {
    Ok(ModelRegistry {
        versions: models::versions(&state.pool, &team, |trained_on| {
            may_see(trained_on, &managed)
        })
        .await?,
        activations: models::activations(&state.pool, &team).await?,
        training: state.training.running(),
        last_training_error: state.training.last_error(),
        team,
        teams: managed,
    })
}

async fn registry(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamQuery>,
) -> Result<Json<ModelRegistry>, AppError> {
    let managed = managed_teams(&state, &user).await?;
    let team = pick_team(query.team.as_deref(), &managed)?;
    Ok(Json(registry_of(&state, team, managed).await?))
}

async fn activate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<TeamQuery>,
) -> Result<Json<ModelRegistry>, AppError> {
    let managed = managed_teams(&state, &user).await?;
    let team = pick_team(query.team.as_deref(), &managed)?;
    visible_version(&state, &managed, &id).await?;
    models::activate(
        &state.pool,
        &team,
        &id,
        &user.actor(),
        ActivationKind::Activate,
    )
    .await?;
    Ok(Json(registry_of(&state, team, managed).await?))
}

async fn rollback(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamQuery>,
) -> Result<Json<ModelRegistry>, AppError> {
    let managed = managed_teams(&state, &user).await?;
    let team = pick_team(query.team.as_deref(), &managed)?;
    models::rollback(&state.pool, &team, &user.actor()).await?;
    Ok(Json(registry_of(&state, team, managed).await?))
}

/// The teams a training learns from: the one team named, or with `?teams=A,B`
/// several together, which only an admin may choose.
fn training_teams(
    user: &CurrentUser,
    query: &TeamQuery,
    managed: &[String],
) -> Result<Vec<String>, AppError> {
    let Some(list) = query.teams.as_deref() else {
        return Ok(vec![pick_team(query.team.as_deref(), managed)?]);
    };
    let mut teams: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|team| !team.is_empty())
        .map(|team| pick_team(Some(team), managed))
        .collect::<Result<_, _>>()?;
    teams.sort();
    teams.dedup();
    if teams.is_empty() {
        return Err(AppError::Invalid {
            field: "teams".to_owned(),
            message: "teams: name the teams to train together, as ?teams=A,B".to_owned(),
        });
    }
    if teams.len() > 1 && !user.is_admin() {
        return Err(AppError::Forbidden(
            "train one model on several teams together; that is an admin's choice".to_owned(),
        ));
    }
    Ok(teams)
}

async fn train(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamQuery>,
) -> Result<(StatusCode, Json<ModelRegistry>), AppError> {
    let managed = managed_teams(&state, &user).await?;
    let teams = training_teams(&user, &query, &managed)?;
    let pass = state.training.enter().map_err(|_| {
        AppError::Conflict("A model is being trained already; wait for it to finish.".to_owned())
    })?;
    let pool = state.pool.clone();
    let actor = user.actor();
    let team = teams[0].clone();
    tokio::spawn(async move {
        match training::train_and_store(&pool, pass, &teams, &actor, Activate::IfNone, None).await {
            Ok(trained) => {
                tracing::info!(version = %trained.artifact.version_id, "training done");
            }
            Err(error) => tracing::warn!(%error, "training failed"),
        }
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(registry_of(&state, team, managed).await?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teams(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn a_call_names_a_team_the_caller_manages_or_has_only_one() {
        let one = teams(&["demo"]);
        assert_eq!(pick_team(None, &one).ok(), Some("demo".to_owned()));
        assert_eq!(pick_team(Some("demo"), &one).ok(), Some("demo".to_owned()));
        assert!(matches!(
            pick_team(Some("other"), &one),
            Err(AppError::NotFound(_))
        ));
        let two = teams(&["a", "b"]);
        assert!(matches!(
            pick_team(None, &two),
            Err(AppError::Invalid { message, .. }) if message.contains("a, b")
        ));
        assert!(matches!(pick_team(None, &[]), Err(AppError::NotFound(_))));
    }

    #[test]
    fn a_version_is_seen_only_by_who_manages_every_team_it_learnt_from() {
        assert!(may_see(&teams(&["a"]), &teams(&["a", "b"])));
        assert!(may_see(&teams(&["a", "b"]), &teams(&["a", "b"])));
        assert!(!may_see(&teams(&["a", "b"]), &teams(&["a"])));
        assert!(!may_see(&teams(&["a"]), &[]));
    }
}

//! The risk model registry over HTTP. Each team has its own active model: a
//! team's recommendations and what-if plans use that team's model only, a coach
//! manages only the models of the teams they coach (an admin those of every
//! team), and a version is visible only to those who may see every team it
//! learnt from. Every call names its team with `?team=T`, which may be left out
//! when the caller has one team only; the policy layer (`Policy::ModelRead`,
//! `ModelManage`, `ModelVersion`) finds the team and checks the caller, and hands
//! the handler a `ModelScope`.
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
//!   records. Each training has the server's time budget
//!   (`--training-budget`); the registry's `training_run` says where it stands.
//! - `DELETE /api/models/train?team=T`: cancel the team's running training. It
//!   stops at its next check (well under a second) and stores nothing; the
//!   answer waits up to [`CANCEL_WAIT`] for that (`200`, the registry saying
//!   `cancelled`), else says `cancelling` (`202`). `409` when none of the team
//!   runs or it is already storing its version; `403` for a coach when an
//!   admin trains the team together with teams the coach does not manage.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use forma_core::api::ModelRegistry;
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use super::Endpoint;
use crate::auth::policy::{pick_team, ModelScope, Policy, Source};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::models::{self, ActivationKind, RegistryError};
use crate::training::{self, Activate, CancelRefusal, TrainError};

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/model/active", Policy::ModelRead, active),
        Endpoint::new(Method::GET, "/models", Policy::ModelManage, registry),
        Endpoint::new(
            Method::GET,
            "/models/{id}",
            Policy::ModelVersion {
                id: Source::Path("id"),
            },
            version,
        ),
        Endpoint::new(
            Method::POST,
            "/models/{id}/activate",
            Policy::ModelManage,
            activate,
        ),
        Endpoint::new(
            Method::POST,
            "/models/rollback",
            Policy::ModelManage,
            rollback,
        ),
        Endpoint::new(Method::POST, "/models/train", Policy::ModelManage, train),
        Endpoint::new(
            Method::DELETE,
            "/models/train",
            Policy::ModelManage,
            cancel_training,
        ),
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

/// `?teams=A,B`: several teams trained together (an admin's choice).
#[derive(Debug, Default, Deserialize)]
pub struct TeamsQuery {
    teams: Option<String>,
}

async fn active(
    State(state): State<AppState>,
    scope: ModelScope,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let team = scope.team()?;
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
    if let Some(id) = models::active_id(&state.pool, team).await? {
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
    let (id, json) = models::active(&state.pool, team)
        .await?
        .ok_or_else(no_model)?;
    Ok(artifact_response(&id, json, "private, no-cache"))
}

/// The policy layer found the version and that the caller may see it.
async fn version(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cache = "private, max-age=31536000, immutable";
    if not_modified(&headers, &id) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let json = models::artifact(&state.pool, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("model version `{id}`")))?;
    Ok(artifact_response(&id, json, cache))
}

/// The registry of the scope's team, with the versions the caller may see.
async fn registry_of(state: &AppState, scope: ModelScope) -> Result<ModelRegistry, AppError> {
    let team = scope.team()?.to_owned();
    let may_see = |teams: &[String]| scope.may_see(teams);
    // The training's state before the versions: a training ends only after it
    // has stored its version, so an answer that says none runs lists every
    // version stored so far (read the other way round, a training that ended
    // in between was missing from both).
    let training = state.training.running();
    let last_training_error = state.training.last_error(&team, may_see);
    let training_run = state.training.status(&team, may_see);
    Ok(ModelRegistry {
        versions: models::versions(&state.pool, &team, may_see).await?,
        activations: models::activations(&state.pool, &team).await?,
        training,
        last_training_error,
        training_run,
        team,
        teams: scope.managed,
    })
}

async fn registry(
    State(state): State<AppState>,
    scope: ModelScope,
) -> Result<Json<ModelRegistry>, AppError> {
    Ok(Json(registry_of(&state, scope).await?))
}

async fn activate(
    State(state): State<AppState>,
    user: CurrentUser,
    scope: ModelScope,
    Path(id): Path<String>,
) -> Result<Json<ModelRegistry>, AppError> {
    let hidden = || AppError::NotFound(format!("model version `{id}`"));
    let trained_on = models::teams_of(&state.pool, &id)
        .await?
        .ok_or_else(hidden)?;
    if !scope.may_see(&trained_on) {
        return Err(hidden());
    }
    let team = scope.team()?;
    models::activate(
        &state.pool,
        team,
        &id,
        &user.actor(),
        ActivationKind::Activate,
    )
    .await?;
    Ok(Json(registry_of(&state, scope).await?))
}

async fn rollback(
    State(state): State<AppState>,
    user: CurrentUser,
    scope: ModelScope,
) -> Result<Json<ModelRegistry>, AppError> {
    models::rollback(&state.pool, scope.team()?, &user.actor()).await?;
    Ok(Json(registry_of(&state, scope).await?))
}

/// The teams a training learns from: the scope's team, or with `?teams=A,B`
/// several together, which only an admin may choose.
fn training_teams(
    user: &CurrentUser,
    scope: &ModelScope,
    query: &TeamsQuery,
) -> Result<Vec<String>, AppError> {
    let Some(list) = query.teams.as_deref() else {
        return Ok(vec![scope.team()?.to_owned()]);
    };
    let mut teams: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|team| !team.is_empty())
        .map(|team| pick_team(Some(team), &scope.managed))
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
    scope: ModelScope,
    Query(query): Query<TeamsQuery>,
) -> Result<(StatusCode, Json<ModelRegistry>), AppError> {
    let teams = training_teams(&user, &scope, &query)?;
    let pass = state.training.enter(&teams).map_err(|error| match error {
        TrainError::ShuttingDown => AppError::Conflict(
            "The server is shutting down; train again once it is back.".to_owned(),
        ),
        _ => AppError::Conflict(
            "A model is being trained already; wait for it to finish.".to_owned(),
        ),
    })?;
    let pool = state.pool.clone();
    let actor = user.actor();
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
        Json(registry_of(&state, scope).await?),
    ))
}

/// How long a cancel waits for the training to stop before it answers. A
/// training checks its budget many times a second, so it stops well within.
pub const CANCEL_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Cancels the scope's team's running training and waits for it to stop.
async fn cancel_training(
    State(state): State<AppState>,
    user: CurrentUser,
    scope: ModelScope,
) -> Result<(StatusCode, Json<ModelRegistry>), AppError> {
    let team = scope.team()?.to_owned();
    let by = user.account.display_name.clone();
    let run = state
        .training
        .cancel(&team, |teams| scope.may_see(teams), &by)
        .map_err(|refusal| match refusal {
            CancelRefusal::NotRunning => AppError::Conflict(format!(
                "No training of team `{team}` is running, so there is nothing to cancel."
            )),
            CancelRefusal::NotTheirs => AppError::Forbidden(
                "cancel a training an admin started on several teams together; an admin can"
                    .to_owned(),
            ),
            CancelRefusal::TooLate => AppError::Conflict(format!(
                "The training of team `{team}` has finished and its version is being stored; it can no longer be cancelled."
            )),
        })?;
    tracing::info!(team, by, "training cancel asked");
    let stopped = state.training.wait_for_end(Some(run), CANCEL_WAIT).await;
    let status = if stopped {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(registry_of(&state, scope).await?)))
}

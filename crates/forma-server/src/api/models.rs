//! The risk model registry over HTTP.
//!
//! - `GET /api/model/active`: the active artifact (JSON) for anyone signed in (the
//!   browser scores what-if plans with it). Its `ETag` is the version id; the
//!   browser revalidates on each use and gets `304 Not Modified` while the active
//!   model is the same.
//! - `GET /api/models/{id}`: one version's artifact; a version never changes, so
//!   it may be cached for good.
//! - `GET /api/models`: every version with its headline backtest figures, and
//!   every activation (coaches and admins).
//! - `POST /api/models/{id}/activate`, `POST /api/models/rollback`: change the
//!   active model (coaches and admins; audited).
//! - `POST /api/models/train`: train on the stored data in the background
//!   (`202 Accepted`; `409` while one runs); the new version is stored, not
//!   activated.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use forma_core::api::ModelRegistry;

use super::extract::{Json, Path};
use super::Endpoint;
use crate::app::AppState;
use crate::auth::policy::Policy;
use crate::auth::CurrentUser;
use crate::error::AppError;
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
            RegistryError::NothingToRollBackTo => AppError::Conflict(
                "No earlier model was ever active, so there is nothing to roll back to.".to_owned(),
            ),
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

async fn active(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let no_model = || {
        let what = if state.training.running() {
            "active risk model yet: the first one is being trained, try again in a minute"
        } else {
            "active risk model; a coach can train one on the Model page or with `forma train`"
        };
        AppError::NotFound(what.to_owned())
    };
    if let Some(id) = models::active_id(&state.pool).await? {
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
    let (id, json) = models::active(&state.pool).await?.ok_or_else(no_model)?;
    Ok(artifact_response(&id, json, "private, no-cache"))
}

async fn version(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cache = "private, max-age=31536000, immutable";
    if not_modified(&headers, &id) && models::artifact(&state.pool, &id).await?.is_some() {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let json = models::artifact(&state.pool, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("model version `{id}`")))?;
    Ok(artifact_response(&id, json, cache))
}

async fn registry(State(state): State<AppState>) -> Result<Json<ModelRegistry>, AppError> {
    Ok(Json(ModelRegistry {
        versions: models::versions(&state.pool).await?,
        activations: models::activations(&state.pool).await?,
        training: state.training.running(),
        last_training_error: state.training.last_error(),
    }))
}

async fn activate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ModelRegistry>, AppError> {
    models::activate(&state.pool, &id, &user.actor(), ActivationKind::Activate).await?;
    registry(State(state)).await
}

async fn rollback(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<ModelRegistry>, AppError> {
    models::rollback(&state.pool, &user.actor()).await?;
    registry(State(state)).await
}

async fn train(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<(StatusCode, Json<ModelRegistry>), AppError> {
    let pass = state.training.enter().map_err(|_| {
        AppError::Conflict("A model is being trained already; wait for it to finish.".to_owned())
    })?;
    let pool = state.pool.clone();
    let actor = user.actor();
    tokio::spawn(async move {
        match training::train_and_store(&pool, pass, &actor, Activate::IfNone).await {
            Ok(trained) => {
                tracing::info!(version = %trained.artifact.version_id, "training done");
            }
            Err(error) => tracing::warn!(%error, "training failed"),
        }
    });
    Ok((StatusCode::ACCEPTED, Json(registry(State(state)).await?.0)))
}

//! Accounts, for admins: `GET /api/users` and `POST /api/users`.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use forma_core::api::{NewAccount, UserAccount};

use super::extract::Json;
use super::Endpoint;
use crate::auth::policy::Policy;
use crate::auth::{accounts, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::users;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new(Method::GET, "/users", Policy::Admin, list),
        Endpoint::new(Method::POST, "/users", Policy::Admin, create),
    ]
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<UserAccount>>, AppError> {
    Ok(Json(users::list(&state.pool).await?))
}

/// `POST /api/users`: the same rules as `forma user add`.
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewAccount>,
) -> Result<(StatusCode, Json<UserAccount>), AppError> {
    let account = accounts::create(&state.pool, &input, &user.actor()).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

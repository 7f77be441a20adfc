//! The JSON API under `/api`. Each module lists its routes as [`Endpoint`]s, each
//! with its [`Policy`]; [`router`] builds every route from that one table and wraps
//! each in the authorization layer, so a route cannot exist without a policy.

pub mod accounts;
pub mod athletes;
pub mod audit;
pub mod auth;
pub mod extract;
pub mod imports;
pub mod invites;
pub mod labels;
pub mod models;
pub mod plans;
pub mod recommendations;
pub mod records;
pub mod roster;
pub mod teams;
pub mod users;

use std::convert::Infallible;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use forma_core::types::{parse_date, Date};

use crate::auth::policy::{authorize, Guard, Policy};
use crate::error::AppError;
use crate::state::AppState;

/// One route of the API: method, path (under `/api`), who may call it, and handler.
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub policy: Policy,
    /// The largest request body the route accepts, in bytes.
    pub body_limit: usize,
    handler: MethodRouter<AppState>,
}

impl Endpoint {
    /// A route whose `handler` answers `method` on `path` under `policy`.
    pub fn new<H, T>(method: Method, path: &'static str, policy: Policy, handler: H) -> Endpoint
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone())
            .expect("the route table uses only standard methods");
        Endpoint {
            method,
            path,
            policy,
            body_limit: extract::BODY_LIMIT,
            handler: on(filter, handler),
        }
    }

    /// Accepts request bodies up to `bytes` (uploads) instead of [`extract::BODY_LIMIT`].
    pub fn body_limit(mut self, bytes: usize) -> Endpoint {
        self.body_limit = bytes;
        self
    }
}

/// The route table: every API route with its policy.
pub fn endpoints() -> Vec<Endpoint> {
    [
        crate::health::endpoints(),
        auth::endpoints(),
        users::endpoints(),
        audit::endpoints(),
        teams::endpoints(),
        athletes::endpoints(),
        roster::endpoints(),
        records::endpoints(),
        invites::endpoints(),
        accounts::endpoints(),
        imports::endpoints(),
        labels::endpoints(),
        models::endpoints(),
        plans::endpoints(),
        recommendations::endpoints(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The route table without handlers: `(method, path under /api, policy)`. Tests
/// walk it to call every route.
pub fn route_table() -> Vec<(Method, &'static str, Policy)> {
    endpoints()
        .into_iter()
        .map(|endpoint| (endpoint.method, endpoint.path, endpoint.policy))
        .collect()
}

/// Every route of the table, each behind the authorization layer with its policy,
/// with its body limit, and answering every failure in the API's error shape.
pub fn router(state: &AppState) -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |router, endpoint| {
            let guard = Guard {
                state: state.clone(),
                policy: endpoint.policy,
            };
            router.route(
                endpoint.path,
                endpoint
                    .handler
                    .layer::<_, Infallible>(middleware::from_fn_with_state(guard, authorize))
                    .layer::<_, Infallible>(DefaultBodyLimit::max(endpoint.body_limit))
                    .layer::<_, Infallible>(middleware::from_fn(extract::json_errors))
                    .layer::<_, Infallible>(axum::Extension(extract::BodyLimit(
                        endpoint.body_limit,
                    ))),
            )
        })
}

/// Reads an optional date query parameter: a day in the window every record
/// keeps to ([`crate::record_dates`]), so no query asks for work over centuries.
///
/// # Errors
/// [`AppError::Invalid`] naming the parameter.
pub fn query_date(field: &str, value: Option<&str>) -> Result<Option<Date>, AppError> {
    let window = crate::record_dates();
    value
        .filter(|text| !text.is_empty())
        .map(|text| {
            parse_date(text)
                .and_then(|date| window.check("date", date))
                .map_err(|error| AppError::Invalid {
                    field: field.to_owned(),
                    message: format!("{field}: {error}"),
                })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_health_and_sign_in_are_public() {
        let public: Vec<String> = route_table()
            .into_iter()
            .filter(|(_, _, policy)| *policy == Policy::Public)
            .map(|(method, path, _)| format!("{method} {path}"))
            .collect();
        assert_eq!(
            public,
            [
                "GET /health",
                "POST /auth/login",
                "GET /invites/{code}",
                "POST /invites/{code}/accept",
                "GET /resets/{code}",
                "POST /resets/{code}/accept"
            ]
        );
    }

    #[test]
    fn no_route_is_listed_twice() {
        let mut routes: Vec<String> = route_table()
            .into_iter()
            .map(|(method, path, _)| format!("{method} {path}"))
            .collect();
        let count = routes.len();
        routes.sort();
        routes.dedup();
        assert_eq!(routes.len(), count);
    }
}

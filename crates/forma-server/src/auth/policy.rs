//! The one authorization layer. Every `/api` route is registered in the route table
//! (`api::endpoints`) together with its [`Policy`]; [`authorize`] wraps each route's
//! handler with that policy, so a route cannot exist without one. It signs the
//! caller in from the session cookie, checks the CSRF token on writes, applies the
//! policy and hands the handler a [`CurrentUser`].
//!
//! Answers: 401 when not signed in; 404 for a team or athlete the caller may not see
//! (exactly like a missing one, so existence does not leak); 403 when the caller may
//! see the thing but not do this to it.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{authenticate, same_secret, CurrentUser, CSRF_HEADER};
use crate::app::AppState;
use crate::error::AppError;
use crate::store::athletes;
use forma_core::api::Role;

/// Where a policy finds the team or athlete a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A path parameter, such as `id` in `/athletes/{id}`.
    Path(&'static str),
    /// A query parameter, such as `team` in `/import/sessions?team=T`.
    Query(&'static str),
}

/// Which of an athlete's data a write changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Sessions,
    Wellness,
    Events,
    Activity,
    /// Coach labels of the athlete's days and sessions.
    Labels,
    /// The athlete's plan.
    Plan,
    /// Decisions on the athlete's recommendations.
    Decision,
    /// Performance test results.
    Tests,
}

impl Write {
    /// Athletes may log their own wellness and sessions (RPE, minutes, activity
    /// files); injuries and illnesses are recorded by their coach.
    fn athlete_may(self) -> bool {
        matches!(self, Write::Sessions | Write::Wellness | Write::Activity)
    }

    fn describe(self) -> &'static str {
        match self {
            Write::Sessions => "add sessions for this athlete",
            Write::Wellness => "enter wellness for this athlete",
            Write::Events => "record injuries or illnesses; the coach does",
            Write::Activity => "import activity files for this athlete",
            Write::Labels => "label this athlete's days; their coach does",
            Write::Plan => "change this athlete's plan; the coach does",
            Write::Decision => "decide on this athlete's recommendation; the coach does",
            Write::Tests => "record performance tests; the coach does",
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not (health, sign-in).
    Public,
    /// Any signed-in account; the handler shows only what is the caller's.
    SignedIn,
    /// Admins only.
    Admin,
    /// Coaches (of any team) and admins: the model registry, whose handlers
    /// limit each call to the teams the caller manages.
    Staff,
    /// Coaches and admins, for something the handler limits to the teams they see
    /// (the labels export); `what` says what athletes may not do.
    Coaching { what: &'static str },
    /// A team's roster: its coaches and admins.
    TeamRead { team: Source },
    /// Bringing data into a team (imports): its coaches.
    TeamWrite { team: Source },
    /// An athlete's data: the athlete, their team's coaches, admins.
    AthleteRead { athlete: Source },
    /// Changing an athlete's data: their team's coaches; the athlete for `what`s
    /// athletes may write.
    AthleteWrite { athlete: Source, what: Write },
    /// The audit log of an athlete's data: their team's coaches and admins.
    AuditRead { athlete: Source },
}

/// The state of one route's authorization layer: the app and the route's policy.
#[derive(Clone)]
pub struct Guard {
    pub state: AppState,
    pub policy: Policy,
}

/// The middleware every `/api` route is wrapped in (see the module comment).
pub async fn authorize(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    if guard.policy == Policy::Public {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let user = match admit(&guard, &mut parts).await {
        Ok(user) => user,
        Err(error) => return error.into_response(),
    };
    parts.extensions.insert(user);
    next.run(Request::from_parts(parts, body)).await
}

async fn admit(guard: &Guard, parts: &mut Parts) -> Result<CurrentUser, AppError> {
    let user = authenticate(&guard.state, &parts.headers).await?;
    if !parts.method.is_safe() {
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        if !same_secret(sent, &user.csrf_token) {
            return Err(AppError::Csrf);
        }
    }
    check(&guard.state, guard.policy, &user, parts).await?;
    Ok(user)
}

/// Applies `policy` to a signed-in user's request.
async fn check(
    state: &AppState,
    policy: Policy,
    user: &CurrentUser,
    parts: &mut Parts,
) -> Result<(), AppError> {
    match policy {
        Policy::Public | Policy::SignedIn => Ok(()),
        Policy::Admin if user.is_admin() => Ok(()),
        Policy::Admin => Err(AppError::Forbidden("manage accounts".to_owned())),
        Policy::Staff if user.is_admin() || user.account.role == Role::Coach => Ok(()),
        Policy::Staff => Err(AppError::Forbidden(
            "manage the risk model; coaches and admins do".to_owned(),
        )),
        Policy::Coaching { .. } if user.is_admin() || user.account.role == Role::Coach => Ok(()),
        Policy::Coaching { what } => Err(AppError::Forbidden(what.to_owned())),
        Policy::TeamRead { team } => {
            let team = value(team, parts).await?;
            if user.is_admin() || user.coaches(&team) {
                Ok(())
            } else if user.athlete_team.as_deref() == Some(team.as_str()) {
                Err(AppError::Forbidden(
                    "see the other athletes of your team".to_owned(),
                ))
            } else {
                Err(AppError::NotFound(format!("team `{team}`")))
            }
        }
        Policy::TeamWrite { team } => {
            let team = value(team, parts).await?;
            if user.coaches(&team) {
                Ok(())
            } else if user.is_admin() || user.athlete_team.as_deref() == Some(team.as_str()) {
                Err(AppError::Forbidden(format!(
                    "import data into team `{team}`; its coaches do"
                )))
            } else {
                Err(AppError::NotFound(format!("team `{team}`")))
            }
        }
        Policy::AthleteRead { athlete } => {
            let athlete = value(athlete, parts).await?;
            visible_athlete(state, user, &athlete).await.map(|_| ())
        }
        Policy::AthleteWrite { athlete, what } => {
            let athlete = value(athlete, parts).await?;
            let team = visible_athlete(state, user, &athlete).await?;
            let coach = team.as_deref().is_some_and(|team| user.coaches(team));
            if coach || (user.is_athlete(&athlete) && what.athlete_may()) {
                Ok(())
            } else {
                Err(AppError::Forbidden(what.describe().to_owned()))
            }
        }
        Policy::AuditRead { athlete } => {
            let athlete = value(athlete, parts).await?;
            let team = visible_athlete(state, user, &athlete).await?;
            if user.is_admin() || team.as_deref().is_some_and(|team| user.coaches(team)) {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "read the audit log; your coach can".to_owned(),
                ))
            }
        }
    }
}

/// The athlete's team when the user may see the athlete; a 404 exactly like a
/// missing athlete's otherwise. Admins see every athlete (a missing one is the
/// handler's 404).
async fn visible_athlete(
    state: &AppState,
    user: &CurrentUser,
    athlete: &str,
) -> Result<Option<String>, AppError> {
    let team = athletes::athlete(&state.pool, athlete)
        .await?
        .map(|profile| profile.team_id);
    let coach = team.as_deref().is_some_and(|team| user.coaches(team));
    let own = team.is_some() && user.is_athlete(athlete);
    if user.is_admin() || coach || own {
        Ok(team)
    } else {
        Err(AppError::NotFound(format!("athlete `{athlete}`")))
    }
}

/// Reads the team or athlete id a policy is about.
async fn value(source: Source, parts: &mut Parts) -> Result<String, AppError> {
    let found = match source {
        Source::Path(name) => Path::<HashMap<String, String>>::from_request_parts(parts, &())
            .await
            .ok()
            .and_then(|Path(mut params)| params.remove(name)),
        Source::Query(name) => Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|Query(mut params)| params.remove(name)),
    };
    match (found, source) {
        (Some(value), _) if !value.is_empty() => Ok(value),
        (_, Source::Path(name) | Source::Query(name)) => Err(AppError::Invalid {
            field: name.to_owned(),
            message: format!("{name}: say which {name} this is about, as ?{name}=ID"),
        }),
    }
}

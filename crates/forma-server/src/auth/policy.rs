//! The one authorization layer. Every `/api` route is registered in the route table
//! (`api::endpoints`) together with its [`Policy`]; [`authorize`] wraps each route's
//! handler with that policy, so a route cannot exist without one. It signs the
//! caller in from the session cookie, checks the CSRF token on writes, applies the
//! policy and hands the handler a [`CurrentUser`], and what the policy loaded: the
//! [`Athlete`] of an athlete route, the [`ModelScope`] of a model route.
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
use crate::error::AppError;
use crate::state::AppState;
use crate::store::athletes;
use forma_core::api::{AthleteProfile, Role};

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
    /// Changing or deleting recorded sessions and wellness days (athletes add
    /// their own; correcting the record is the coach's).
    Records,
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
            Write::Records => "change or delete recorded sessions and wellness; your coach does",
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
    /// A team's active model: its athletes, coaches and admins. The team is
    /// `?team=T`, or the caller's own or only team; the handler gets it as
    /// [`ModelScope`].
    ModelRead,
    /// A team's model registry (versions, activation, rollback, training): its
    /// coaches and admins, the team found as for [`Policy::ModelRead`].
    ModelManage,
    /// One stored model version: those who manage every team it learnt from
    /// (its card holds figures of each); others get a 404 like a missing one.
    ModelVersion { id: Source },
    /// Coaches and admins, for something the handler limits to the teams they see
    /// (the labels export); `what` says what athletes may not do.
    Coaching { what: &'static str },
    /// A team's roster: its coaches and admins.
    TeamRead { team: Source },
    /// Bringing data into a team (imports): its coaches and admins (who set a
    /// club up, often before any coach has an account).
    TeamWrite { team: Source },
    /// Keeping a team (its name, adding athletes): its coaches and admins.
    TeamManage { team: Source },
    /// Keeping an athlete's record (profile, archiving, moving to another team):
    /// their team's coaches and admins.
    AthleteManage { athlete: Source },
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
        Policy::ModelManage | Policy::ModelVersion { .. } if user.account.role == Role::Athlete => {
            Err(AppError::Forbidden(
                "manage the risk model; coaches and admins do".to_owned(),
            ))
        }
        Policy::ModelRead | Policy::ModelManage => {
            let scope = model_scope(state, user, parts).await?;
            parts.extensions.insert(scope);
            Ok(())
        }
        Policy::ModelVersion { id } => {
            let id = value(id, parts).await?;
            let managed = managed_teams(state, user).await?;
            match crate::store::models::teams_of(&state.pool, &id).await {
                Ok(Some(teams)) if may_see(&teams, &managed) => {
                    parts.extensions.insert(ModelScope {
                        team: None,
                        managed,
                    });
                    Ok(())
                }
                Ok(_) => Err(AppError::NotFound(format!("model version `{id}`"))),
                Err(error) => Err(AppError::from(error)),
            }
        }
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
            if user.coaches(&team)
                || (user.is_admin() && athletes::team(&state.pool, &team).await?.is_some())
            {
                Ok(())
            } else if user.athlete_team.as_deref() == Some(team.as_str()) {
                Err(AppError::Forbidden(format!(
                    "import data into team `{team}`; its coaches do"
                )))
            } else {
                Err(AppError::NotFound(format!("team `{team}`")))
            }
        }
        Policy::TeamManage { team } => {
            let team = value(team, parts).await?;
            if user.is_admin() || user.coaches(&team) {
                Ok(())
            } else if user.athlete_team.as_deref() == Some(team.as_str()) {
                Err(AppError::Forbidden(
                    "change your team or add athletes to it; its coaches do".to_owned(),
                ))
            } else {
                Err(AppError::NotFound(format!("team `{team}`")))
            }
        }
        Policy::AthleteManage { athlete } => {
            let athlete = value(athlete, parts).await?;
            let profile = visible_athlete(state, user, &athlete).await?;
            if user.is_admin() || user.coaches(&profile.team_id) {
                parts.extensions.insert(Athlete(profile));
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "change this profile; your coach does".to_owned(),
                ))
            }
        }
        Policy::AthleteRead { athlete } => {
            let athlete = value(athlete, parts).await?;
            let profile = visible_athlete(state, user, &athlete).await?;
            parts.extensions.insert(Athlete(profile));
            Ok(())
        }
        Policy::AthleteWrite { athlete, what } => {
            let athlete = value(athlete, parts).await?;
            let profile = visible_athlete(state, user, &athlete).await?;
            let coach = user.coaches(&profile.team_id);
            // Admins bring files in (they set a club up) but write nothing else.
            let admin_import = user.is_admin() && what == Write::Activity;
            if coach || admin_import || (user.is_athlete(&athlete) && what.athlete_may()) {
                parts.extensions.insert(Athlete(profile));
                Ok(())
            } else {
                Err(AppError::Forbidden(what.describe().to_owned()))
            }
        }
        Policy::AuditRead { athlete } => {
            let athlete = value(athlete, parts).await?;
            let profile = visible_athlete(state, user, &athlete).await?;
            if user.is_admin() || user.coaches(&profile.team_id) {
                parts.extensions.insert(Athlete(profile));
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "read the audit log; your coach can".to_owned(),
                ))
            }
        }
    }
}

/// The athlete of an athlete route (`Policy::AthleteRead`, `AthleteWrite`,
/// `AuditRead`), as the policy layer loaded and admitted them: the handler
/// takes this instead of loading the athlete again.
#[derive(Debug, Clone, PartialEq)]
pub struct Athlete(pub AthleteProfile);

impl<S: Send + Sync> FromRequestParts<S> for Athlete {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts.extensions.get::<Athlete>().cloned().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "an athlete route without its athlete policy"
            ))
        })
    }
}

/// Which team's model a model route is about, and the teams whose models the
/// caller manages (none for an athlete), as the policy layer found them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelScope {
    /// `None` on the route of one version, which is about no one team.
    pub team: Option<String>,
    pub managed: Vec<String>,
}

impl ModelScope {
    /// The team of a [`Policy::ModelRead`] or [`Policy::ModelManage`] route.
    ///
    /// # Errors
    /// On a route of one version, which has no team.
    pub fn team(&self) -> Result<&str, AppError> {
        self.team
            .as_deref()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a model route without its team")))
    }

    /// Whether the caller may see a version that learnt from `trained_on`.
    pub fn may_see(&self, trained_on: &[String]) -> bool {
        may_see(trained_on, &self.managed)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ModelScope {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<ModelScope>()
            .cloned()
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("a model route without its model policy"))
            })
    }
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
pub fn pick_team(requested: Option<&str>, managed: &[String]) -> Result<String, AppError> {
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

/// Whether one who manages `managed` may see a version that learnt from
/// `trained_on`: only when every team it learnt from is theirs.
fn may_see(trained_on: &[String], managed: &[String]) -> bool {
    trained_on.iter().all(|team| managed.contains(team))
}

/// The team of a model route: an athlete's own (naming another is a 404), or
/// `?team=T` among those the caller manages, or their only one.
async fn model_scope(
    state: &AppState,
    user: &CurrentUser,
    parts: &Parts,
) -> Result<ModelScope, AppError> {
    let requested = Query::<HashMap<String, String>>::try_from_uri(&parts.uri)
        .ok()
        .and_then(|Query(mut params)| params.remove("team"));
    let requested = requested.as_deref();
    if user.account.role == Role::Athlete {
        let own = user
            .athlete_team
            .clone()
            .ok_or_else(|| AppError::NotFound("team: your account is not on a team".to_owned()))?;
        return match requested.filter(|team| !team.is_empty()) {
            Some(team) if team != own => Err(AppError::NotFound(format!("team `{team}`"))),
            _ => Ok(ModelScope {
                team: Some(own),
                managed: Vec::new(),
            }),
        };
    }
    let managed = managed_teams(state, user).await?;
    Ok(ModelScope {
        team: Some(pick_team(requested, &managed)?),
        managed,
    })
}

/// The athlete when the user may see them; a 404 exactly like a missing
/// athlete's otherwise. Admins see every athlete.
async fn visible_athlete(
    state: &AppState,
    user: &CurrentUser,
    athlete: &str,
) -> Result<AthleteProfile, AppError> {
    let not_found = || AppError::NotFound(format!("athlete `{athlete}`"));
    let profile = athletes::athlete(&state.pool, athlete)
        .await?
        .ok_or_else(not_found)?;
    if user.is_admin() || user.coaches(&profile.team_id) || user.is_athlete(athlete) {
        Ok(profile)
    } else {
        Err(not_found())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn teams(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn a_model_call_names_a_team_the_caller_manages_or_has_only_one() {
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

//! Keeping teams and athletes: create and rename a team, add an athlete by hand,
//! edit a profile (each change audited and listed in the profile's history),
//! archive an athlete, move one to another team with all their data.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use forma_core::api::{AthleteProfile, TeamSummary};
use forma_core::roster::{
    self, Archive, AthleteFields, CheckedProfile, MoveAthlete, NewTeam, ProfileView, RosterAthlete,
    TeamRename,
};
use forma_core::types::AthleteId;
use serde_json::{Map, Value};

use super::extract::{Json, Path};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::athletes::{self, NewAthlete};
use crate::store::audit::{self, Change};
use crate::store::{now, AuditedWrite};

pub fn endpoints() -> Vec<Endpoint> {
    let team = || Source::Path("team");
    let athlete = || Source::Path("id");
    vec![
        Endpoint::new(
            Method::POST,
            "/teams",
            Policy::Coaching {
                what: "create teams; coaches and admins do",
            },
            create_team,
        ),
        Endpoint::new(
            Method::PATCH,
            "/teams/{team}",
            Policy::TeamManage { team: team() },
            rename_team,
        ),
        Endpoint::new(
            Method::GET,
            "/teams/{team}/roster",
            Policy::TeamRead { team: team() },
            team_roster,
        ),
        Endpoint::new(
            Method::POST,
            "/teams/{team}/athletes",
            Policy::TeamManage { team: team() },
            add_athlete,
        ),
        Endpoint::new(
            Method::GET,
            "/athletes/{id}/profile",
            Policy::AuditRead { athlete: athlete() },
            profile_view,
        ),
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/profile",
            Policy::AthleteManage { athlete: athlete() },
            edit_profile,
        ),
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/archived",
            Policy::AthleteManage { athlete: athlete() },
            archive,
        ),
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/move",
            Policy::AthleteManage { athlete: athlete() },
            move_athlete,
        ),
    ]
}

/// How many numbered ids (`name-2`, `name-3`, ...) a made-up id tries.
const ID_TRIES: usize = 100;

/// The current year in UTC, the youngest birth year's reference.
fn this_year() -> i32 {
    i32::from(
        jiff::tz::TimeZone::UTC
            .to_datetime(jiff::Timestamp::now())
            .year(),
    )
}

fn zone_known(zone: &str) -> bool {
    jiff::tz::TimeZone::get(zone).is_ok()
}

fn team_not_found(team: &str) -> AppError {
    AppError::NotFound(format!("team `{team}`"))
}

/// `POST /api/teams`: a new team (201). A coach who creates it coaches it.
async fn create_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(input): Json<NewTeam>,
) -> Result<(StatusCode, Json<TeamSummary>), AppError> {
    let (wanted, name) = input.check()?;
    let given = input.id.as_deref().is_some_and(|id| !id.trim().is_empty());
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let mut id = None;
    for n in 1..=ID_TRIES {
        let candidate = if n == 1 {
            wanted.clone()
        } else {
            format!("{wanted}-{n}")
        };
        if !athletes::team_exists(&mut write, &candidate).await? {
            id = Some(candidate);
            break;
        }
        if given {
            return Err(AppError::Conflict(format!(
                "A team with the id `{wanted}` exists; choose another id or leave it out. Nothing was stored."
            )));
        }
    }
    let id = id.ok_or_else(|| {
        AppError::Conflict(format!(
            "Teams `{wanted}` to `{wanted}-{ID_TRIES}` exist; give the team an id. Nothing was stored."
        ))
    })?;
    athletes::ensure_team(&mut write, &id, &name).await?;
    if user.account.role == forma_core::api::Role::Coach {
        athletes::add_team_coach(&mut write, &id, user.id()).await?;
    }
    write
        .audit(Change {
            action: "create",
            entity: "team",
            entity_id: &id,
            athlete_id: None,
            before: None,
            after: Some(serde_json::json!({"id": id, "name": name})),
        })
        .await?;
    write.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(TeamSummary {
            id,
            name,
            athletes: 0,
            as_of: None,
        }),
    ))
}

/// `PATCH /api/teams/{team}`: renames the team.
async fn rename_team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(team): Path<String>,
    Json(input): Json<TeamRename>,
) -> Result<Json<TeamSummary>, AppError> {
    let name = roster::check_team_name(&input.name)?;
    let before = athletes::team(&state.pool, &team)
        .await?
        .ok_or_else(|| team_not_found(&team))?;
    if before.name != name {
        let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
        athletes::set_team_name(&mut write, &team, &name).await?;
        write
            .audit(Change {
                action: "update",
                entity: "team",
                entity_id: &team,
                athlete_id: None,
                before: Some(serde_json::json!({"name": before.name})),
                after: Some(serde_json::json!({"name": name})),
            })
            .await?;
        write.commit().await?;
    }
    Ok(Json(TeamSummary { name, ..before }))
}

/// `GET /api/teams/{team}/roster`: every athlete of the team, archived ones with
/// when they were archived.
async fn team_roster(
    State(state): State<AppState>,
    Path(team): Path<String>,
) -> Result<Json<Vec<RosterAthlete>>, AppError> {
    athletes::team(&state.pool, &team)
        .await?
        .ok_or_else(|| team_not_found(&team))?;
    Ok(Json(athletes::roster_of_team(&state.pool, &team).await?))
}

/// `POST /api/teams/{team}/athletes`: adds an athlete by hand (201).
async fn add_athlete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(team): Path<String>,
    Json(input): Json<AthleteFields>,
) -> Result<(StatusCode, Json<AthleteProfile>), AppError> {
    let checked = input.check(this_year(), zone_known)?;
    let requested = input.requested_id()?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    if !athletes::team_exists(&mut write, &team).await? {
        return Err(team_not_found(&team));
    }
    let id = match requested {
        Some(id) => {
            if athletes::athlete_exists(&mut write, id.as_str()).await? {
                return Err(AppError::Conflict(format!(
                    "An athlete with the id `{id}` exists; choose another id or leave it out. Nothing was stored."
                )));
            }
            id
        }
        None => free_athlete_id(&mut write, &roster::id_from_name(&checked.name)).await?,
    };
    athletes::insert_athlete(
        &mut write,
        &NewAthlete {
            id: &id,
            team_id: &team,
            name: &checked.name,
            time_zone: &checked.time_zone,
            sex: checked.sex,
            birth_year: checked.birth_year,
            sport: checked.sport.as_deref(),
            hr_max: checked.hr_max,
            hr_rest: checked.hr_rest,
        },
    )
    .await?;
    let mut after = audit::snapshot(&checked);
    if let Some(Value::Object(fields)) = &mut after {
        fields.insert("team_id".to_owned(), Value::String(team.clone()));
    }
    write
        .athlete_created(&id, "athlete", id.as_str(), after)
        .await?;
    write.commit().await?;
    let stored = athletes::athlete(&state.pool, id.as_str())
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the new athlete `{id}` is gone")))?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The first of `base`, `base-2`, ... no athlete has.
async fn free_athlete_id(write: &mut AuditedWrite, base: &str) -> Result<AthleteId, AppError> {
    for n in 1..=ID_TRIES {
        let candidate = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        if !athletes::athlete_exists(write, &candidate).await? {
            return candidate.parse().map_err(AppError::from);
        }
    }
    Err(AppError::Conflict(format!(
        "Athletes `{base}` to `{base}-{ID_TRIES}` exist; give the athlete an id. Nothing was stored."
    )))
}

/// `GET /api/athletes/{id}/profile`: the profile, whether it is archived, and its
/// history (creation, edits, archiving, moves), newest first.
async fn profile_view(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
) -> Result<Json<ProfileView>, AppError> {
    let archived_at = athletes::archived_at(&state.pool, profile.id.as_str()).await?;
    let history = audit::entries_of_entity(&state.pool, profile.id.as_str(), "athlete").await?;
    Ok(Json(ProfileView {
        profile,
        archived_at,
        history,
    }))
}

/// `PUT /api/athletes/{id}/profile`: the whole profile. The audit entry holds the
/// changed fields before and after; a profile sent back unchanged writes nothing.
async fn edit_profile(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<AthleteFields>,
) -> Result<Json<AthleteProfile>, AppError> {
    let checked = input.check(this_year(), zone_known)?;
    let before = CheckedProfile::of(&profile);
    let changes = checked.changes_from(&before);
    if changes.is_empty() {
        return Ok(Json(profile));
    }
    let (old, new) = (fields_of(&before), fields_of(&checked));
    let pick = |all: &Map<String, Value>| {
        Value::Object(
            changes
                .iter()
                .map(|(name, _, _)| {
                    (
                        (*name).to_owned(),
                        all.get(*name).cloned().unwrap_or(Value::Null),
                    )
                })
                .collect(),
        )
    };
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    athletes::update_profile(&mut write, profile.id.as_str(), &checked).await?;
    write
        .athlete_changed(
            &profile.id,
            Change {
                action: "update",
                entity: "athlete",
                entity_id: profile.id.as_str(),
                athlete_id: Some(profile.id.as_str()),
                before: Some(pick(&old)),
                after: Some(pick(&new)),
            },
        )
        .await?;
    write.commit().await?;
    reread(&state, &profile.id).await.map(Json)
}

fn fields_of(profile: &CheckedProfile) -> Map<String, Value> {
    match serde_json::to_value(profile) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

async fn reread(state: &AppState, id: &AthleteId) -> Result<AthleteProfile, AppError> {
    athletes::athlete(&state.pool, id.as_str())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("athlete `{id}`")))
}

/// `PUT /api/athletes/{id}/archived`: archives the athlete (kept with all their
/// data, left out of the team page, the label queue and training) or makes them
/// active again.
async fn archive(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<Archive>,
) -> Result<Json<RosterAthlete>, AppError> {
    let id = profile.id.clone();
    let before = athletes::archived_at(&state.pool, id.as_str()).await?;
    if before.is_some() == input.archived {
        return Ok(Json(RosterAthlete {
            profile,
            archived_at: before,
        }));
    }
    let after = input.archived.then(now);
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    athletes::set_archived(&mut write, id.as_str(), after.as_deref()).await?;
    write
        .athlete_changed(
            &id,
            Change {
                action: if input.archived { "archive" } else { "restore" },
                entity: "athlete",
                entity_id: id.as_str(),
                athlete_id: Some(id.as_str()),
                before: Some(serde_json::json!({"archived_at": before})),
                after: Some(serde_json::json!({"archived_at": after})),
            },
        )
        .await?;
    write.commit().await?;
    Ok(Json(RosterAthlete {
        profile: reread(&state, &id).await?,
        archived_at: after,
    }))
}

/// `POST /api/athletes/{id}/move`: moves the athlete, with all their records,
/// labels, plans and history, to another team the caller coaches (an admin: any).
async fn move_athlete(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<MoveAthlete>,
) -> Result<Json<AthleteProfile>, AppError> {
    let target = input.team.trim().to_owned();
    if target == profile.team_id {
        return Ok(Json(profile));
    }
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let exists = athletes::team_exists(&mut write, &target).await?;
    if !(exists && (user.is_admin() || user.coaches(&target))) {
        let yours = if user.is_admin() {
            "a team that exists".to_owned()
        } else {
            format!(
                "one of the teams you coach ({})",
                user.account.teams.join(", ")
            )
        };
        return Err(AppError::Invalid {
            field: "team".to_owned(),
            message: format!(
                "team `{target}` is not a team you can move athletes to: choose {yours}"
            ),
        });
    }
    athletes::set_team(&mut write, profile.id.as_str(), &target).await?;
    write
        .athlete_changed(
            &profile.id,
            Change {
                action: "move",
                entity: "athlete",
                entity_id: profile.id.as_str(),
                athlete_id: Some(profile.id.as_str()),
                before: Some(serde_json::json!({"team_id": profile.team_id})),
                after: Some(serde_json::json!({"team_id": target})),
            },
        )
        .await?;
    write.commit().await?;
    reread(&state, &profile.id).await.map(Json)
}

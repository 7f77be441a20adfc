//! Coach labels: write one (idempotent by its client-made id), take one back, list
//! an athlete's, the team's label queue, and the export in the canonical labels file.
//!
//! Who may do what: coaches of the athlete's team write labels and take back their
//! own; an athlete reads their own labels (notes included: nothing about them is
//! hidden from them) but writes none; admins read every label and write none. The
//! queue is for a team's coaches and admins; the export holds the labels of the
//! teams the caller coaches (every team for an admin).

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use forma_core::labels::{
    self, athlete_queue, rank, Label, LabelFormat, LabelQueue, NewLabel, QueueInput,
    VOCABULARY_VERSION,
};
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit::{self, Change};
use crate::store::{athletes, labels as stored, now, records, AuditedWrite};

/// The header that names the vocabulary version of an export.
pub const VOCABULARY_HEADER: &str = "x-forma-vocabulary-version";

pub fn endpoints() -> Vec<Endpoint> {
    const WRITE: Policy = Policy::AthleteWrite {
        athlete: Source::Path("id"),
        what: Write::Labels,
    };
    vec![
        Endpoint::new(
            Method::GET,
            "/athletes/{id}/labels",
            Policy::AthleteRead {
                athlete: Source::Path("id"),
            },
            list,
        ),
        Endpoint::new(Method::POST, "/athletes/{id}/labels", WRITE, create),
        Endpoint::new(
            Method::DELETE,
            "/athletes/{id}/labels/{label}",
            WRITE,
            take_back,
        ),
        Endpoint::new(
            Method::GET,
            "/labels/queue",
            Policy::TeamRead {
                team: Source::Query("team"),
            },
            queue,
        ),
        Endpoint::new(
            Method::GET,
            "/labels/export",
            Policy::Coaching {
                what: "export labels; coaches and admins do",
            },
            export,
        ),
    ]
}

/// `GET /api/athletes/{id}/labels`: the labels that count, by day and time.
async fn list(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
) -> Result<Json<Vec<Label>>, AppError> {
    Ok(Json(stored::of_athlete(&state.pool, &profile.id).await?))
}

/// `POST /api/athletes/{id}/labels`: stores a label (201). A label with the same id
/// already stored for this athlete answers 200 with the stored label and stores
/// nothing: a retry is harmless. Two coaches labelling the same day make two labels.
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<NewLabel>,
) -> Result<(StatusCode, Json<Label>), AppError> {
    let athlete = profile.id;
    let label = input.into_label(
        athlete.clone(),
        &user.account.email,
        &user.account.display_name,
        &now(),
    )?;
    let dates = crate::record_dates().born_in(profile.birth_year);
    dates.check("date", label.date)?;
    if let Some(end) = label.end_date {
        dates.check("end_date", end)?;
    }
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    if let Some(existing) = stored::by_id(&mut write, &label.id).await? {
        if existing.athlete_id != athlete {
            return Err(AppError::Conflict(format!(
                "The label id `{}` is taken by another label; make a new id for this one.",
                label.id
            )));
        }
        return Ok((StatusCode::OK, Json(existing)));
    }
    if let Some(session) = &label.session_id {
        let day = stored::session_day(&mut write, &athlete, session).await?;
        if day.as_deref() != Some(label.date.to_string().as_str()) {
            return Err(AppError::Invalid {
                field: "session_id".to_owned(),
                message: format!(
                    "session_id `{session}` is not valid: expected a session of athlete {athlete} on {}",
                    label.date
                ),
            });
        }
    }
    let added = stored::insert(&mut write, &label, Some(user.id())).await?;
    if added {
        write
            .athlete_created(&athlete, "label", &label.id, audit::snapshot(&label))
            .await?;
    }
    write.commit().await?;
    Ok((
        if added {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(label),
    ))
}

/// `DELETE /api/athletes/{id}/labels/{label}`: its author takes a label back (undo).
/// The label stays stored, marked, so a late retry of its write cannot bring it
/// back. Taking back a label already taken back answers 204 again.
async fn take_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, label_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let athlete = profile.id;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let label = stored::by_id(&mut write, &label_id)
        .await?
        .filter(|label| label.athlete_id == athlete)
        .ok_or_else(|| AppError::NotFound(format!("label `{label_id}` of athlete `{athlete}`")))?;
    // An imported label keeps its author as the file wrote it.
    if crate::store::users::normalize_email(&label.author) != user.account.email {
        return Err(AppError::Forbidden(format!(
            "take back a label of {}; only its author can",
            label.author_name
        )));
    }
    let at = now();
    if stored::mark_deleted(&mut write, &label.id, user.id(), &at).await? {
        let after = Label {
            deleted_at: Some(at),
            ..label.clone()
        };
        write
            .athlete_changed(
                &athlete,
                Change {
                    action: "delete",
                    entity: "label",
                    entity_id: &label.id,
                    athlete_id: Some(athlete.as_str()),
                    before: audit::snapshot(&label),
                    after: audit::snapshot(&after),
                },
            )
            .await?;
    }
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    team: String,
    athlete: Option<String>,
    limit: Option<usize>,
}

/// The most items a queue answer holds.
const MAX_QUEUE: usize = 1000;
const DEFAULT_QUEUE: usize = 200;

/// `GET /api/labels/queue?team=T[&athlete=A][&limit=N]`: the team's items that most
/// need a label, first (see `forma_core::labels::athlete_queue`), as of the team's day.
async fn queue(
    State(state): State<AppState>,
    Query(query): Query<QueueQuery>,
) -> Result<Json<LabelQueue>, AppError> {
    let team = athletes::team(&state.pool, &query.team)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("team `{}`", query.team)))?;
    let limit = query.limit.unwrap_or(DEFAULT_QUEUE).min(MAX_QUEUE);
    let athlete_filter = query.athlete.filter(|a| !a.trim().is_empty());
    let roster = athletes::athletes_of_team(&state.pool, &team.id).await?;
    if let Some(wanted) = &athlete_filter {
        if !roster.iter().any(|a| a.id.as_str() == wanted) {
            return Err(AppError::NotFound(format!(
                "athlete `{wanted}` in team `{}`",
                team.id
            )));
        }
    }
    let mut items = Vec::new();
    let now = jiff::Timestamp::now();
    for profile in roster
        .iter()
        .filter(|p| athlete_filter.as_deref().is_none_or(|a| p.id.as_str() == a))
    {
        let as_of = forma_core::overview::today_of(team.as_of, &profile.time_zone, now);
        let data = records::athlete_data(&state.pool, &profile.id, None, Some(as_of)).await?;
        let labels = stored::of_athlete(&state.pool, &profile.id).await?;
        let planned = stored::planned_days(&state.pool, &profile.id).await?;
        let overrides = stored::overrides(&state.pool, &profile.id).await?;
        items.extend(athlete_queue(&QueueInput {
            athlete: &profile.id,
            athlete_name: &profile.name,
            as_of,
            sessions: &data.sessions,
            events: &data.events,
            planned_days: &planned,
            overrides: &overrides,
            labels: &labels,
        }));
    }
    rank(&mut items);
    let more = items.len().saturating_sub(limit);
    items.truncate(limit);
    Ok(Json(LabelQueue {
        team: team.id,
        vocabulary_version: VOCABULARY_VERSION.to_owned(),
        items,
        more,
    }))
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    team: Option<String>,
}

/// `GET /api/labels/export?format=csv|jsonl[&team=T]`: the canonical labels file of
/// the caller's teams (every team for an admin), as a download. The vocabulary
/// version is in every row and in the `X-Forma-Vocabulary-Version` header.
async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let format: LabelFormat = query.format.as_deref().unwrap_or("csv").parse()?;
    let mut teams: Option<Vec<String>> = (!user.is_admin()).then(|| user.account.teams.clone());
    if let Some(team) = query.team.filter(|t| !t.is_empty()) {
        let visible = teams.as_ref().is_none_or(|teams| teams.contains(&team));
        if !visible || athletes::team(&state.pool, &team).await?.is_none() {
            return Err(AppError::NotFound(format!("team `{team}`")));
        }
        teams = Some(vec![team]);
    }
    let labels = stored::of_teams(&state.pool, teams.as_deref()).await?;
    let body = labels::write_labels(&labels, format);
    let disposition = format!(
        "attachment; filename=\"forma-labels-{VOCABULARY_VERSION}.{}\"",
        format.extension()
    );
    let header_value = |text: &str| {
        HeaderValue::from_str(text).map_err(|error| AppError::Internal(anyhow::anyhow!(error)))
    };
    Ok((
        [
            (header::CONTENT_TYPE, header_value(format.media_type())?),
            (header::CONTENT_DISPOSITION, header_value(&disposition)?),
            (
                HeaderName::from_static(VOCABULARY_HEADER),
                header_value(VOCABULARY_VERSION)?,
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

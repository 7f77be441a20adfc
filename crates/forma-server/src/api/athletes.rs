//! One athlete: details, the daily series, the quality report, the lists of
//! sessions, wellness and events, and writes of each.

use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use forma_core::api::{AthleteProfile, NewEvent, NewSession, NewWellness, WellnessRecord};
use forma_core::overview;
use forma_core::quality::QualityReport;
use forma_core::types::epoch_day;
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::series_cache::SeriesKey;
use crate::state::AppState;
use crate::store::audit::{self, Change};
use crate::store::records::{self, EventRecord, SessionRecord};
use crate::store::{new_id, AuditedWrite};

pub fn endpoints() -> Vec<Endpoint> {
    const READ: Policy = Policy::AthleteRead {
        athlete: Source::Path("id"),
    };
    let write = |what| Policy::AthleteWrite {
        athlete: Source::Path("id"),
        what,
    };
    vec![
        Endpoint::new(Method::GET, "/athletes/{id}", READ, details),
        Endpoint::new(Method::GET, "/athletes/{id}/series", READ, series),
        Endpoint::new(Method::GET, "/athletes/{id}/quality", READ, quality),
        Endpoint::new(Method::GET, "/athletes/{id}/sessions", READ, sessions),
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/sessions",
            write(Write::Sessions),
            add_session,
        ),
        Endpoint::new(Method::GET, "/athletes/{id}/wellness", READ, wellness),
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/wellness/{date}",
            write(Write::Wellness),
            put_wellness,
        ),
        Endpoint::new(Method::GET, "/athletes/{id}/events", READ, events),
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/events",
            write(Write::Events),
            add_event,
        ),
    ]
}

#[derive(Debug, Deserialize)]
pub struct Range {
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
}

async fn details(Athlete(profile): Athlete) -> Result<Json<AthleteProfile>, AppError> {
    Ok(Json(profile))
}

/// `GET /api/athletes/{id}/series?from=&to=`: every metric per day. `to` defaults to
/// the team's day (today, or the fixed day of an archived team); the window covers
/// at most ten years (`overview::MAX_SERIES_DAYS`), by default the last ten.
async fn series(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
    Query(range): Query<Range>,
) -> Result<Response, AppError> {
    let athlete = profile.id.clone();
    let from = super::query_date("from", range.from.as_deref())?;
    let to = match super::query_date("to", range.to.as_deref())? {
        Some(to) => to,
        None => crate::recommend::today_of(&state, &profile).await?,
    };
    if from.is_some_and(|from| from > to) {
        return Err(AppError::Invalid {
            field: "from".to_owned(),
            message: format!(
                "from {} is after to {to}; give from on or before to",
                from.map(|d| d.to_string()).unwrap_or_default()
            ),
        });
    }
    if let Some(from) = from {
        let days = epoch_day(to) - epoch_day(from) + 1;
        if usize::try_from(days).is_ok_and(|days| days > overview::MAX_SERIES_DAYS) {
            return Err(AppError::Invalid {
                field: "from".to_owned(),
                message: format!(
                    "from {from} to {to} is {days} days; a series covers at most {} days (ten years): ask for a shorter window",
                    overview::MAX_SERIES_DAYS
                ),
            });
        }
    }
    let key = SeriesKey {
        athlete: athlete.as_str().to_owned(),
        data_version: profile.data_version,
        from,
        to,
    };
    let answer = match state.series_cache.get(&key) {
        Some(answer) => answer,
        None => {
            let data = records::athlete_data(&state.pool, &athlete, None, Some(to)).await?;
            let sessions: Vec<_> = data
                .sessions
                .into_iter()
                .map(|stored| stored.session)
                .collect();
            let mut series = overview::series(&athlete, &sessions, &data.wellness, from, Some(to));
            let labels = crate::store::labels::of_athlete(&state.pool, &athlete).await?;
            series.mark_unreliable(&labels);
            let answer = Bytes::from(serde_json::to_vec(&series).map_err(anyhow::Error::from)?);
            state.series_cache.put(key, answer.clone());
            answer
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], answer).into_response())
}

async fn quality(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
    Query(range): Query<Range>,
) -> Result<Json<Option<QualityReport>>, AppError> {
    let athlete = profile.id.clone();
    let as_of = match super::query_date("as_of", range.as_of.as_deref())? {
        Some(day) => day,
        None => crate::recommend::today_of(&state, &profile).await?,
    };
    let data = records::athlete_data(&state.pool, &athlete, None, Some(as_of)).await?;
    let sessions: Vec<_> = data
        .sessions
        .into_iter()
        .map(|stored| stored.session)
        .collect();
    Ok(Json(forma_core::quality::athlete_report(
        &athlete,
        &sessions,
        &data.wellness,
        as_of,
    )))
}

async fn sessions(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
    Query(range): Query<Range>,
) -> Result<Json<Vec<SessionRecord>>, AppError> {
    let athlete = profile.id;
    let from = super::query_date("from", range.from.as_deref())?;
    let to = super::query_date("to", range.to.as_deref())?;
    Ok(Json(
        records::athlete_data(&state.pool, &athlete, from, to)
            .await?
            .sessions,
    ))
}

/// `GET /api/athletes/{id}/wellness?from=&to=`: the stored days, each with the
/// source of every value.
async fn wellness(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
    Query(range): Query<Range>,
) -> Result<Json<Vec<WellnessRecord>>, AppError> {
    let athlete = profile.id;
    let from = super::query_date("from", range.from.as_deref())?;
    let to = super::query_date("to", range.to.as_deref())?;
    Ok(Json(
        records::wellness_records(&state.pool, &athlete, from, to).await?,
    ))
}

async fn events(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
    Query(range): Query<Range>,
) -> Result<Json<Vec<EventRecord>>, AppError> {
    let athlete = profile.id;
    let from = super::query_date("from", range.from.as_deref())?;
    let to = super::query_date("to", range.to.as_deref())?;
    Ok(Json(
        records::event_records(&state.pool, &athlete, from, to).await?,
    ))
}

/// The answer to a client id that another athlete's record already has. It says no
/// more than that the id is taken: not whose, nor on which team.
fn id_taken(what: &str, id: &str) -> AppError {
    AppError::Conflict(format!(
        "The {what} id `{id}` is taken by another {what}; make a new id for this one. Nothing was stored."
    ))
}

/// `POST /api/athletes/{id}/sessions`: stores one session (201). With a client-made
/// `id` already stored for this athlete, a retry stores nothing new and answers 200
/// with the stored session; an id of another athlete's session answers 409.
async fn add_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<NewSession>,
) -> Result<(StatusCode, Json<SessionRecord>), AppError> {
    let athlete = profile.id.clone();
    let session_id = input.id.clone().unwrap_or_else(new_id);
    let dates = crate::record_dates().born_in(profile.birth_year);
    let session = input.into_session(athlete.clone(), dates)?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    if let Some(existing) = records::session_by_id(&mut write, &session_id).await? {
        if existing.session.athlete_id != athlete {
            return Err(id_taken("session", &session_id));
        }
        return Ok((StatusCode::OK, Json(existing)));
    }
    records::insert_session(&mut write, &session_id, &session, None).await?;
    let stored = SessionRecord {
        id: session_id,
        session,
    };
    write
        .athlete_created(&athlete, "session", &stored.id, audit::snapshot(&stored))
        .await?;
    write.commit().await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// `PUT /api/athletes/{id}/wellness/{date}`: writes the day's wellness by
/// merging. Items the request carries replace the stored ones; items it leaves
/// out stay (a watch's resting heart rate survives a check-in); items named in
/// `clear` are emptied. The audit entry holds the changed items before and after.
async fn put_wellness(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, date)): Path<(String, String)>,
    Json(input): Json<NewWellness>,
) -> Result<Json<WellnessRecord>, AppError> {
    let athlete = profile.id.clone();
    let date = crate::record_dates()
        .born_in(profile.birth_year)
        .parse("date", &date)?;
    let update = input.into_update(athlete.clone(), date)?;
    let source = user.account.role.as_str();
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let (outcome, before, merged) =
        records::write_wellness(&mut write, &update, source.into()).await?;
    if outcome != records::WellnessWrite::Unchanged {
        let (changed_before, changed_after) = merged.audit_before_after();
        write
            .athlete_changed(
                &athlete,
                Change {
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "wellness",
                    entity_id: &format!("{athlete}/{date}"),
                    athlete_id: Some(athlete.as_str()),
                    before: Some(changed_before),
                    after: Some(changed_after),
                },
            )
            .await?;
    }
    write.commit().await?;
    let stored = records::wellness_records(&state.pool, &athlete, Some(date), Some(date))
        .await?
        .into_iter()
        .next()
        .unwrap_or(WellnessRecord {
            entry: merged.entry,
            sources: merged.sources,
            updated_at: None,
        });
    Ok(Json(stored))
}

/// `POST /api/athletes/{id}/events`: records an injury or illness (201). With a
/// client-made `id` already stored for this athlete, a retry stores nothing new and
/// answers 200 with the stored event; an id of another athlete's event answers 409.
async fn add_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<NewEvent>,
) -> Result<(StatusCode, Json<EventRecord>), AppError> {
    let athlete = profile.id.clone();
    let dates = crate::record_dates().born_in(profile.birth_year);
    let event_id = input.id.clone().unwrap_or_else(new_id);
    let event = input.into_event(athlete.clone(), dates)?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    if let Some(existing) = records::event_by_id(&mut write, &event_id).await? {
        if existing.event.athlete_id != athlete {
            return Err(id_taken("event", &event_id));
        }
        return Ok((StatusCode::OK, Json(existing)));
    }
    records::insert_event(&mut write, &event_id, &event, None).await?;
    let stored = EventRecord {
        id: event_id,
        event,
    };
    write
        .athlete_created(
            &athlete,
            "event",
            &stored.id,
            audit::snapshot(&stored.event),
        )
        .await?;
    write.commit().await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

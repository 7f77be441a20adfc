//! Correcting an athlete's record by hand: a session changed or deleted, a day's
//! wellness deleted, an injury or illness changed, closed (cleared to train) or
//! deleted. Each change is audited with the record before and after, and bumps
//! the athlete's data version, so figures and recommendations follow it.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use forma_core::api::{EventRecord, NewEvent, NewSession, SessionRecord};
use forma_core::roster::{self, CloseEvent};

use super::extract::{Json, Path};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit::{self, Change};
use crate::store::records;
use crate::store::AuditedWrite;

pub fn endpoints() -> Vec<Endpoint> {
    let write = |what| Policy::AthleteWrite {
        athlete: Source::Path("id"),
        what,
    };
    vec![
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/sessions/{session}",
            write(Write::Records),
            edit_session,
        ),
        Endpoint::new(
            Method::DELETE,
            "/athletes/{id}/sessions/{session}",
            write(Write::Records),
            delete_session,
        ),
        Endpoint::new(
            Method::DELETE,
            "/athletes/{id}/wellness/{date}",
            write(Write::Records),
            delete_wellness,
        ),
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/events/{event}",
            write(Write::Events),
            edit_event,
        ),
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/events/{event}/closed",
            write(Write::Events),
            close_event,
        ),
        Endpoint::new(
            Method::DELETE,
            "/athletes/{id}/events/{event}",
            write(Write::Events),
            delete_event,
        ),
    ]
}

fn not_found(what: &str, id: &str, athlete: &str) -> AppError {
    AppError::NotFound(format!("{what} `{id}` of athlete `{athlete}`"))
}

/// The athlete's session `id`, read inside the write; another athlete's is a 404
/// like a missing one.
async fn own_session(
    write: &mut AuditedWrite,
    athlete: &str,
    id: &str,
) -> Result<SessionRecord, AppError> {
    records::session_by_id(write, id)
        .await?
        .filter(|stored| stored.session.athlete_id.as_str() == athlete)
        .ok_or_else(|| not_found("session", id, athlete))
}

async fn own_event(
    write: &mut AuditedWrite,
    athlete: &str,
    id: &str,
) -> Result<EventRecord, AppError> {
    records::event_by_id(write, id)
        .await?
        .filter(|stored| stored.event.athlete_id.as_str() == athlete)
        .ok_or_else(|| not_found("injury or illness", id, athlete))
}

/// `PUT /api/athletes/{id}/sessions/{session}`: replaces the session's values
/// (checked as a new session's); its id and where it came from stay.
async fn edit_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, id)): Path<(String, String)>,
    Json(input): Json<NewSession>,
) -> Result<Json<SessionRecord>, AppError> {
    let athlete = profile.id.clone();
    let dates = crate::record_dates().born_in(profile.birth_year);
    let mut session = NewSession { id: None, ..input }.into_session(athlete.clone(), dates)?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let before = own_session(&mut write, athlete.as_str(), &id).await?;
    session.source = before.session.source.clone();
    let after = SessionRecord {
        id: id.clone(),
        session,
    };
    if after != before {
        records::update_session(&mut write, &id, &after.session).await?;
        write
            .athlete_changed(
                &athlete,
                Change {
                    action: "update",
                    entity: "session",
                    entity_id: &id,
                    athlete_id: Some(athlete.as_str()),
                    before: audit::snapshot(&before),
                    after: audit::snapshot(&after),
                },
            )
            .await?;
    }
    write.commit().await?;
    Ok(Json(after))
}

/// `DELETE /api/athletes/{id}/sessions/{session}` (204). A session a label points
/// at is kept (409): the label would lose what it is about.
async fn delete_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let athlete = profile.id.clone();
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let before = own_session(&mut write, athlete.as_str(), &id).await?;
    let labels = records::labels_on_session(&mut write, &id).await?;
    if labels > 0 {
        return Err(AppError::Conflict(format!(
            "The session `{id}` on {} has {labels} label(s) about it; a labelled session is kept so the labels keep their meaning. Change its values instead. Nothing was deleted.",
            before.session.date
        )));
    }
    records::delete_session(&mut write, &id).await?;
    write
        .athlete_changed(
            &athlete,
            Change {
                action: "delete",
                entity: "session",
                entity_id: &id,
                athlete_id: Some(athlete.as_str()),
                before: audit::snapshot(&before),
                after: None,
            },
        )
        .await?;
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/athletes/{id}/wellness/{date}`: the whole day (204); emptying
/// single items is `PUT .../wellness/{date}` with `clear`.
async fn delete_wellness(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, date)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let athlete = profile.id.clone();
    let day = crate::record_dates()
        .born_in(profile.birth_year)
        .parse("date", &date)?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let before = records::wellness_of_day(&mut write, &athlete, day)
        .await?
        .ok_or_else(|| not_found("wellness of the day", &day.to_string(), athlete.as_str()))?;
    records::delete_wellness(&mut write, &athlete, day).await?;
    write
        .athlete_changed(
            &athlete,
            Change {
                action: "delete",
                entity: "wellness",
                entity_id: &format!("{athlete}/{day}"),
                athlete_id: Some(athlete.as_str()),
                before: audit::snapshot(&before),
                after: None,
            },
        )
        .await?;
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /api/athletes/{id}/events/{event}`: replaces the report (date, kind,
/// severity, body part, days lost); whether it is closed stays.
async fn edit_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, id)): Path<(String, String)>,
    Json(input): Json<NewEvent>,
) -> Result<Json<EventRecord>, AppError> {
    let athlete = profile.id.clone();
    let dates = crate::record_dates().born_in(profile.birth_year);
    let mut event = NewEvent { id: None, ..input }.into_event(athlete.clone(), dates)?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let before = own_event(&mut write, athlete.as_str(), &id).await?;
    event.closed_on = before.event.closed_on;
    if let Some(closed) = event.closed_on {
        if roster::check_closed_on(event.date, closed).is_err() {
            return Err(AppError::Invalid {
                field: "date".to_owned(),
                message: format!(
                    "date `{}` is after the day it was closed, {closed}: reopen it first or give a date on or before that",
                    event.date
                ),
            });
        }
    }
    let after = EventRecord {
        id: id.clone(),
        event,
    };
    if after != before {
        records::update_event(&mut write, &id, &after.event).await?;
        write
            .athlete_changed(
                &athlete,
                Change {
                    action: "update",
                    entity: "event",
                    entity_id: &id,
                    athlete_id: Some(athlete.as_str()),
                    before: audit::snapshot(&before.event),
                    after: audit::snapshot(&after.event),
                },
            )
            .await?;
    }
    write.commit().await?;
    Ok(Json(after))
}

/// `PUT /api/athletes/{id}/events/{event}/closed`: closes the injury or illness
/// on the day the athlete was cleared to train (from then on it no longer holds
/// back automatic recommendations), or opens it again with `null`.
async fn close_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, id)): Path<(String, String)>,
    Json(input): Json<CloseEvent>,
) -> Result<Json<EventRecord>, AppError> {
    let athlete = profile.id.clone();
    let dates = crate::record_dates().born_in(profile.birth_year);
    let closed_on = input
        .closed_on
        .as_deref()
        .filter(|text| !text.is_empty())
        .map(|text| dates.parse("closed_on", text))
        .transpose()?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let before = own_event(&mut write, athlete.as_str(), &id).await?;
    if let Some(closed) = closed_on {
        roster::check_closed_on(before.event.date, closed)?;
    }
    let mut after = before.clone();
    after.event.closed_on = closed_on;
    if after != before {
        records::set_event_closed(&mut write, &id, closed_on).await?;
        write
            .athlete_changed(
                &athlete,
                Change {
                    action: if closed_on.is_some() {
                        "close"
                    } else {
                        "reopen"
                    },
                    entity: "event",
                    entity_id: &id,
                    athlete_id: Some(athlete.as_str()),
                    before: Some(serde_json::json!({"closed_on": before.event.closed_on})),
                    after: Some(serde_json::json!({"closed_on": closed_on})),
                },
            )
            .await?;
    }
    write.commit().await?;
    Ok(Json(after))
}

/// `DELETE /api/athletes/{id}/events/{event}` (204).
async fn delete_event(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let athlete = profile.id.clone();
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let before = own_event(&mut write, athlete.as_str(), &id).await?;
    records::delete_event(&mut write, &id).await?;
    write
        .athlete_changed(
            &athlete,
            Change {
                action: "delete",
                entity: "event",
                entity_id: &id,
                athlete_id: Some(athlete.as_str()),
                before: audit::snapshot(&before.event),
                after: None,
            },
        )
        .await?;
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

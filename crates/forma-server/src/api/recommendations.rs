//! Recommendations: today's per athlete (computed when needed, then stored), the
//! team's column, the coach's decision (accept, or override with an action, a
//! reason code from the label vocabulary and a note; audited), and the history.

use axum::extract::State;
use axum::http::{Method, StatusCode};
use forma_core::api::{
    DecisionRecord, NewDecision, RecommendationHistoryItem, RecommendationView, TeamRecommendation,
};
use forma_core::policy::{check_decision, DecisionRequest};

use super::extract::{Json, Path};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::recommend;
use crate::state::AppState;
use crate::store::audit::{self, Change};
use crate::store::recommendations::{self as store, NewDecisionRow};
use crate::store::{athletes, new_id, AuditedWrite};

pub fn endpoints() -> Vec<Endpoint> {
    const READ: Policy = Policy::AthleteRead {
        athlete: Source::Path("id"),
    };
    vec![
        Endpoint::new(Method::GET, "/athletes/{id}/recommendation", READ, today),
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/recommendation/decision",
            Policy::AthleteWrite {
                athlete: Source::Path("id"),
                what: Write::Decision,
            },
            decide,
        ),
        Endpoint::new(
            Method::DELETE,
            "/athletes/{id}/recommendation/decision/{decision}",
            Policy::AthleteWrite {
                athlete: Source::Path("id"),
                what: Write::Decision,
            },
            undo,
        ),
        Endpoint::new(Method::GET, "/athletes/{id}/recommendations", READ, history),
        Endpoint::new(
            Method::GET,
            "/teams/{team}/recommendations",
            Policy::TeamRead {
                team: Source::Path("team"),
            },
            team,
        ),
    ]
}

async fn today(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
) -> Result<Json<RecommendationView>, AppError> {
    Ok(Json(
        recommend::today(&state, &profile, Some(user.id())).await?,
    ))
}

async fn history(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
) -> Result<Json<Vec<RecommendationHistoryItem>>, AppError> {
    Ok(Json(store::history(&state.pool, &profile.id, 200).await?))
}

async fn team(
    State(state): State<AppState>,
    Path(team): Path<String>,
) -> Result<Json<Vec<TeamRecommendation>>, AppError> {
    let mut out = Vec::new();
    for profile in athletes::athletes_of_team(&state.pool, &team).await? {
        let view = recommend::today(&state, &profile, None).await?;
        let r = view.recommendation;
        let top_reason = r
            .reasons
            .first()
            .map(|reason| reason.coach.clone())
            .or_else(|| r.fired.first().map(|f| f.coach.clone()));
        out.push(TeamRecommendation {
            athlete_id: profile.id,
            date: Some(r.date),
            action: view.decision.as_ref().map_or(r.action, |d| d.action),
            suggested: r.action,
            confidence: r.confidence,
            top_reason,
            decision_reason: view.decision.as_ref().and_then(|d| d.reason_code.clone()),
            decided_by: view.decision.as_ref().map(|d| d.author.clone()),
            decision: view.decision.map(|d| d.decision),
            fallback: r.fallback.is_some(),
            model_beats_baselines: r.model_beats_baselines,
        });
    }
    Ok(Json(out))
}

async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<NewDecision>,
) -> Result<(StatusCode, Json<DecisionRecord>), AppError> {
    let id = &profile.id;
    let (owner, recommendation) = store::by_id(&state.pool, &input.recommendation_id)
        .await?
        .filter(|(owner, _)| owner == id.as_str())
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "recommendation `{}` for athlete `{id}`",
                input.recommendation_id
            ))
        })?;
    let recommended = recommendation.action;
    let decision = check_decision(
        &recommendation,
        DecisionRequest {
            decision: &input.decision,
            action: input.action,
            reason_code: input.reason_code.as_deref(),
            note: input.note.as_deref(),
            confirmed: input.confirmed,
        },
    )?;
    let (action, note) = (decision.action, decision.note);
    let reason_code = decision.reason_code.map(|code| code.as_str());
    let decision_id = new_id();
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    store::insert_decision(
        &mut write,
        &NewDecisionRow {
            id: &decision_id,
            recommendation_id: &input.recommendation_id,
            athlete: &owner,
            decision: decision.decision,
            action,
            reason_code,
            note,
            author_id: user.id(),
        },
    )
    .await?;
    write
        .audit(Change {
            action: "create",
            entity: "decision",
            entity_id: &decision_id,
            athlete_id: Some(profile.id.as_str()),
            before: Some(serde_json::json!({ "recommended": recommended })),
            after: audit::snapshot(&serde_json::json!({
                "recommendation_id": input.recommendation_id,
                "decision": input.decision,
                "action": action,
                "reason_code": reason_code,
                "note": note,
            })),
        })
        .await?;
    write.commit().await?;
    let stored = store::decision(&state.pool, &owner, &decision_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the decision is not there")))?;
    let undo_until = stored.undo_until_for(user.id(), jiff::Timestamp::now());
    Ok((
        StatusCode::CREATED,
        Json(DecisionRecord {
            undo_until,
            ..stored.record
        }),
    ))
}

/// `DELETE /api/athletes/{id}/recommendation/decision/{decision}`: its author
/// undoes a decision within [`store::UNDO_WINDOW`]; it stays in the history,
/// marked undone, and the day's earlier decision (if any) stands again.
async fn undo(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Path((_, decision_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let id = profile.id.as_str();
    let not_found = || AppError::NotFound(format!("decision `{decision_id}` for athlete `{id}`"));
    let stored = store::decision(&state.pool, id, &decision_id)
        .await?
        .ok_or_else(not_found)?;
    if stored.author_id != user.id() {
        return Err(AppError::Forbidden(
            "undo another coach's decision; make a new decision instead".to_owned(),
        ));
    }
    if stored.withdrawn {
        return Ok(StatusCode::NO_CONTENT);
    }
    if stored
        .undo_until_for(user.id(), jiff::Timestamp::now())
        .is_none()
    {
        return Err(AppError::Conflict(format!(
            "A decision can be undone for {} minutes after it is made; this one is older. Make a new decision instead.",
            store::UNDO_WINDOW.as_mins()
        )));
    }
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    if store::withdraw(&mut write, &decision_id, user.id()).await? {
        write
            .audit(Change {
                action: "undo",
                entity: "decision",
                entity_id: &decision_id,
                athlete_id: Some(profile.id.as_str()),
                before: audit::snapshot(&stored.record),
                after: None,
            })
            .await?;
    }
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

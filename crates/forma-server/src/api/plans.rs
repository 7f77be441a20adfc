//! An athlete's plan: the saved plan (`GET`), saving a new one (`PUT`, coaches),
//! and the server's projection of any plan (`POST .../projection`), which the
//! browser's own projection must equal.

use axum::extract::State;
use axum::http::Method;
use forma_core::api::{AthletePlan, NewPlan, PlanProjection, SavedPlan};
use forma_core::plan::{self, PerformanceTest, Plan, ProjectionInput, WarningOptions};
use forma_core::types::{date_from_epoch_day, epoch_day, AthleteId};

use super::extract::{Json, Path, Query};
use super::Endpoint;
use crate::app::AppState;
use crate::auth::policy::{Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::store::audit::{self, Change};
use crate::store::{athletes, new_id, now, performance, plans, records};

pub fn endpoints() -> Vec<Endpoint> {
    const READ: Policy = Policy::AthleteRead {
        athlete: Source::Path("id"),
    };
    vec![
        Endpoint::new(Method::GET, "/athletes/{id}/plan", READ, saved),
        Endpoint::new(
            Method::PUT,
            "/athletes/{id}/plan",
            Policy::AthleteWrite {
                athlete: Source::Path("id"),
                what: Write::Plan,
            },
            save,
        ),
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/plan/projection",
            READ,
            projection,
        ),
        Endpoint::new(Method::GET, "/athletes/{id}/performance-tests", READ, tests),
        Endpoint::new(
            Method::POST,
            "/athletes/{id}/performance-tests",
            Policy::AthleteWrite {
                athlete: Source::Path("id"),
                what: Write::Tests,
            },
            add_test,
        ),
    ]
}

async fn tests(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<PerformanceTest>>, AppError> {
    let (athlete, _) = athlete(&state, &id).await?;
    Ok(Json(performance::of_athlete(&state.pool, &athlete).await?))
}

/// `POST /api/athletes/{id}/performance-tests`: a coach records a test result.
async fn add_test(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(test): Json<PerformanceTest>,
) -> Result<(axum::http::StatusCode, Json<PerformanceTest>), AppError> {
    let (athlete, next_day) = athlete(&state, &id).await?;
    if !test.value.is_finite() || test.value <= 0.0 {
        return Err(AppError::Invalid {
            field: "value".to_owned(),
            message: format!(
                "value: {} is not accepted; a test result is a number above 0",
                test.value
            ),
        });
    }
    if test.date >= next_day {
        return Err(AppError::Invalid {
            field: "date".to_owned(),
            message: format!(
                "date: {} is in the future; a test is recorded after it happened",
                test.date
            ),
        });
    }
    let mut tx = crate::store::begin_write(&state.pool).await?;
    let test_id = performance::insert(&mut tx, &athlete, &test, user.id()).await?;
    athletes::bump_data_version(&mut tx, &athlete).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        Change {
            action: "create",
            entity: "performance_test",
            entity_id: &test_id,
            athlete_id: Some(athlete.as_str()),
            before: None,
            after: audit::snapshot(&test),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((axum::http::StatusCode::CREATED, Json(test)))
}

/// The athlete and the first day a new plan starts on (the day after their today).
async fn athlete(state: &AppState, id: &str) -> Result<(AthleteId, jiff::civil::Date), AppError> {
    let (athlete_id, profile) = super::athlete_profile(state, id).await?;
    let today = crate::recommend::today_of(state, &profile).await?;
    Ok((athlete_id, date_from_epoch_day(epoch_day(today) + 1)))
}

async fn saved(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<AthletePlan>, AppError> {
    let (athlete, next_day) = athlete(&state, &id).await?;
    Ok(Json(AthletePlan {
        saved: plans::latest(&state.pool, &athlete).await?,
        next_day,
    }))
}

fn valid(plan: &Plan) -> Result<(), AppError> {
    crate::record_dates().check("plan.start", plan.start)?;
    plan.validate().map_err(|e| AppError::Invalid {
        field: format!("plan.{}", e.field),
        message: format!("plan.{e}"),
    })
}

/// The projection of `plan` on the athlete's stored records with the active model
/// of the athlete's team, with the whole recommendation on `detail_day`.
async fn project(
    state: &AppState,
    athlete: &AthleteId,
    plan: &Plan,
    detail_day: Option<jiff::civil::Date>,
) -> Result<plan::Projection, AppError> {
    let data = crate::recommend::PolicyRecords::read(&state.pool, athlete, None).await?;
    let team = athletes::athlete(&state.pool, athlete.as_str())
        .await?
        .map(|profile| profile.team_id)
        .ok_or_else(|| AppError::NotFound(format!("athlete `{athlete}`")))?;
    let model = state.models.active(&state.pool, &team).await?;
    let tests = performance::of_athlete(&state.pool, athlete).await?;
    let athlete = athlete.clone();
    let plan = plan.clone();
    let projected = tokio::task::spawn_blocking(move || {
        let fit = plan::fit_performance(&athlete, &data.sessions, &tests);
        let findings = plan::history_findings(&athlete, &data.sessions, &data.wellness, plan.start);
        plan::project(&ProjectionInput {
            athlete: &athlete,
            sessions: &data.sessions,
            wellness: &data.wellness,
            plan: &plan,
            model: model.as_deref(),
            warnings: WarningOptions::default(),
            performance: fit.as_ref().map(|f| &f.params),
            events: &data.events,
            labels: &data.labels,
            quality_findings: &findings,
            detail_day,
        })
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("projection stopped: {e}")))?;
    Ok(projected)
}

/// `?detail=YYYY-MM-DD`: the plan day given in full (default: the first).
#[derive(Debug, serde::Deserialize)]
struct ProjectionQuery {
    detail: Option<String>,
}

async fn projection(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ProjectionQuery>,
    Json(plan): Json<Plan>,
) -> Result<Json<PlanProjection>, AppError> {
    let (athlete, _) = athlete(&state, &id).await?;
    valid(&plan)?;
    let detail = super::query_date("detail", query.detail.as_deref())?.unwrap_or(plan.start);
    let projection = project(&state, &athlete, &plan, Some(detail)).await?;
    Ok(Json(PlanProjection {
        fingerprint: plan::fingerprint(&projection),
        projection,
    }))
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<NewPlan>,
) -> Result<Json<SavedPlan>, AppError> {
    let (athlete, next_day) = athlete(&state, &id).await?;
    valid(&input.plan)?;
    if input.plan.start < next_day {
        return Err(AppError::Invalid {
            field: "plan.start".to_owned(),
            message: format!(
                "plan.start: a plan starts on {next_day} or later, not in the past ({})",
                input.plan.start
            ),
        });
    }
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(note) = note {
        forma_core::bounds::PLAN_NOTE.check(note)?;
    }
    let projection = project(&state, &athlete, &input.plan, None).await?;
    let history = records::athlete_data(&state.pool, &athlete, None, None)
        .await?
        .sessions
        .into_iter()
        .map(|r| r.session)
        .collect::<Vec<_>>();
    let explanation = plan::explain(&input.plan, &projection, &history);
    let plan_id = new_id();
    let mut tx = crate::store::begin_write(&state.pool).await?;
    plans::insert(
        &mut tx,
        &plans::NewPlanRow {
            id: &plan_id,
            athlete: &athlete,
            plan: &input.plan,
            note,
            explanation: &explanation,
            author_id: user.id(),
            created_at: &now(),
        },
    )
    .await?;
    // A new plan changes today's recommendation (it scales the planned load).
    athletes::bump_data_version(&mut tx, &athlete).await?;
    audit::record(
        &mut tx,
        &user.actor(),
        Change {
            action: "create",
            entity: "plan",
            entity_id: &plan_id,
            athlete_id: Some(athlete.as_str()),
            before: None,
            after: audit::snapshot(&input),
        },
    )
    .await?;
    tx.commit().await?;
    let saved = plans::latest(&state.pool, &athlete)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the saved plan is not there")))?;
    Ok(Json(saved))
}

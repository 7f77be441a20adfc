//! An athlete's plan: the saved plan (`GET`), saving a new one (`PUT`, coaches),
//! and the server's projection of any plan (`POST .../projection`), which the
//! browser's own projection must equal.

use axum::extract::State;
use axum::http::Method;
use forma_core::api::{AthletePlan, AthleteProfile, NewPlan, PlanProjection, SavedPlan};
use forma_core::plan::{self, PerformanceTest, Plan, ProjectionInput, WarningOptions};

use super::extract::{Json, Query};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit;
use crate::store::{new_id, now, performance, plans, records, AuditedWrite};

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
    Athlete(profile): Athlete,
) -> Result<Json<Vec<PerformanceTest>>, AppError> {
    Ok(Json(
        performance::of_athlete(&state.pool, &profile.id).await?,
    ))
}

/// `POST /api/athletes/{id}/performance-tests`: a coach records a test result.
async fn add_test(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(test): Json<PerformanceTest>,
) -> Result<(axum::http::StatusCode, Json<PerformanceTest>), AppError> {
    let athlete = profile.id.clone();
    test.check(first_day(&state, &profile).await?)?;
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    let test_id = performance::insert(&mut write, &athlete, &test, user.id()).await?;
    write
        .athlete_created(
            &athlete,
            "performance_test",
            &test_id,
            audit::snapshot(&test),
        )
        .await?;
    write.commit().await?;
    Ok((axum::http::StatusCode::CREATED, Json(test)))
}

/// The first day a new plan starts on, and after which no test has happened yet:
/// the day after the athlete's today ([`plan::first_day`]).
async fn first_day(
    state: &AppState,
    profile: &AthleteProfile,
) -> Result<jiff::civil::Date, AppError> {
    Ok(plan::first_day(
        crate::recommend::today_of(state, profile).await?,
    ))
}

async fn saved(
    State(state): State<AppState>,
    Athlete(profile): Athlete,
) -> Result<Json<AthletePlan>, AppError> {
    Ok(Json(AthletePlan {
        saved: plans::latest(&state.pool, &profile.id).await?,
        next_day: first_day(&state, &profile).await?,
    }))
}

/// The projection of `plan` on the athlete's stored records with the active model
/// of the athlete's team, with the whole recommendation on `detail_day`.
async fn project(
    state: &AppState,
    profile: &AthleteProfile,
    plan: &Plan,
    detail_day: Option<jiff::civil::Date>,
) -> Result<plan::Projection, AppError> {
    let athlete = profile.id.clone();
    let data = crate::recommend::PolicyRecords::read(&state.pool, &athlete, None).await?;
    let model = state.models.active(&state.pool, &profile.team_id).await?;
    let tests = performance::of_athlete(&state.pool, &athlete).await?;
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
    Athlete(profile): Athlete,
    Query(query): Query<ProjectionQuery>,
    Json(plan): Json<Plan>,
) -> Result<Json<PlanProjection>, AppError> {
    plan.check(&crate::record_dates())?;
    let detail = super::query_date("detail", query.detail.as_deref())?.unwrap_or(plan.start);
    let projection = project(&state, &profile, &plan, Some(detail)).await?;
    Ok(Json(PlanProjection {
        fingerprint: plan::fingerprint(&projection),
        projection,
    }))
}

async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Json(input): Json<NewPlan>,
) -> Result<Json<SavedPlan>, AppError> {
    let athlete = profile.id.clone();
    let note = input.plan.check_to_save(
        input.note.as_deref(),
        &crate::record_dates(),
        first_day(&state, &profile).await?,
    )?;
    let projection = project(&state, &profile, &input.plan, None).await?;
    let history = records::athlete_data(&state.pool, &athlete, None, None)
        .await?
        .sessions
        .into_iter()
        .map(|r| r.session)
        .collect::<Vec<_>>();
    let explanation = plan::explain(&input.plan, &projection, &history);
    let plan_id = new_id();
    let mut write = AuditedWrite::begin(&state.pool, user.actor()).await?;
    plans::insert(
        &mut write,
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
    write
        .athlete_created(&athlete, "plan", &plan_id, audit::snapshot(&input))
        .await?;
    write.commit().await?;
    let saved = plans::latest(&state.pool, &athlete)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the saved plan is not there")))?;
    Ok(Json(saved))
}

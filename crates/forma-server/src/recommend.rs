//! Today's recommendation for an athlete: computed when first asked for, with
//! forma-core's policy on the athlete's stored records, quality report, open
//! injury or illness, saved plan and the active model of the athlete's team, and stored by athlete,
//! day, data version, model version and policy version, so later requests read
//! it back. With no active model (or one that cannot score) the policy's rule
//! baseline answers and says so.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use forma_core::api::{AthleteProfile, RecommendationView};
use forma_core::model::ModelArtifact;
use forma_core::policy::{
    recommend, PolicyData, PolicyInput, PolicyOptions, Recommendation, POLICY_VERSION,
};
use forma_core::types::Date;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::recommendations::{self as store, Key};
use crate::store::{athletes, models, new_id, plans, records};

/// The teams' active models, each version parsed once. Versions no team uses any
/// more are dropped when another is parsed, so the cache holds at most one model
/// per team.
#[derive(Debug, Default)]
pub struct ModelCache(Mutex<HashMap<String, Arc<ModelArtifact>>>);

impl ModelCache {
    /// `team`'s active model, when it has one that this build can read.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn active(
        &self,
        pool: &crate::store::Pool,
        team: &str,
    ) -> Result<Option<Arc<ModelArtifact>>, AppError> {
        let Some(id) = models::active_id(pool, team).await? else {
            return Ok(None);
        };
        if let Some(model) = self.0.lock().ok().and_then(|c| c.get(&id).cloned()) {
            return Ok(Some(model));
        }
        let Some(json) = models::artifact(pool, &id).await? else {
            return Ok(None);
        };
        match ModelArtifact::from_json(&json) {
            Ok(model) => {
                let model = Arc::new(model);
                let in_use = models::active_ids(pool).await?;
                if let Ok(mut cached) = self.0.lock() {
                    cached.retain(|id, _| in_use.contains(id));
                    cached.insert(id, model.clone());
                }
                Ok(Some(model))
            }
            Err(error) => {
                tracing::warn!(%error, team, "the active model cannot be read; the rule baseline answers");
                Ok(None)
            }
        }
    }
}

/// The athlete's today ([`forma_core::overview::today_of`]: the team's fixed day,
/// or today in their time zone).
///
/// # Errors
/// When the database fails.
pub async fn today_of(state: &AppState, profile: &AthleteProfile) -> Result<Date, AppError> {
    let team = athletes::team(&state.pool, &profile.team_id).await?;
    Ok(forma_core::overview::today_of(
        team.and_then(|t| t.as_of),
        &profile.time_zone,
        jiff::Timestamp::now(),
    ))
}

/// Today's recommendation for `profile`, stored or computed now, with the
/// coach's standing decision for the day (carried over from an earlier version
/// of the day's recommendation when new data recomputed it). `viewer` is the
/// account asking: the author of the decision learns until when they may undo it.
///
/// # Errors
/// When the database fails.
pub async fn today(
    state: &AppState,
    profile: &AthleteProfile,
    viewer: Option<&str>,
) -> Result<RecommendationView, AppError> {
    let date = today_of(state, profile).await?;
    let model = state.models.active(&state.pool, &profile.team_id).await?;
    let model_version = model.as_ref().map(|m| m.version_id.clone());
    let key = Key {
        athlete: &profile.id,
        date,
        data_version: profile.data_version,
        model_version: model_version.as_deref(),
        policy_version: POLICY_VERSION,
    };
    let (id, recommendation) = match store::find(&state.pool, &key).await? {
        Some(found) => found,
        None => {
            let recommendation = compute(state, profile, date, model).await?;
            let id = store::insert(&state.pool, &key, &new_id(), &recommendation).await?;
            (id, recommendation)
        }
    };
    let standing = store::standing_decision(&state.pool, &profile.id, date).await?;
    let decided_on = standing
        .as_ref()
        .filter(|d| d.record.recommendation_id != id)
        .map(|d| forma_core::api::DecidedOn {
            recommendation_id: d.record.recommendation_id.clone(),
            action: d.recommended,
            data_version: d.data_version,
        });
    let now = jiff::Timestamp::now();
    let decision = standing.map(|d| {
        let undo_until = viewer.and_then(|v| d.undo_until_for(v, now));
        forma_core::api::DecisionRecord {
            undo_until,
            ..d.record
        }
    });
    Ok(RecommendationView {
        id,
        data_version: profile.data_version,
        recommendation,
        decision,
        decided_on,
        versions: store::versions_of_day(&state.pool, &profile.id, date).await?,
    })
}

/// What the policy and the model read of one athlete on the days up to a day:
/// the stored sessions, wellness and injury or illness reports up to it, and
/// the coaches' labels (those coded injury or illness are reports too, as in
/// training). Today's recommendation, `forma score` and the plan projection all
/// read an athlete this way, so they give the same risk for the same day.
#[derive(Debug, Clone, Default)]
pub struct PolicyRecords {
    pub sessions: Vec<forma_core::types::Session>,
    pub wellness: Vec<forma_core::types::WellnessEntry>,
    pub events: Vec<forma_core::types::Event>,
    pub labels: Vec<forma_core::targets::CoachLabel>,
}

impl PolicyRecords {
    /// Reads `athlete`'s records up to `until` (all of them without it).
    ///
    /// # Errors
    /// When the database fails.
    pub async fn read(
        pool: &crate::store::Pool,
        athlete: &forma_core::types::AthleteId,
        until: Option<Date>,
    ) -> Result<Self, sqlx::Error> {
        let data = records::athlete_data(pool, athlete, None, until).await?;
        let labels = crate::store::labels::of_athlete(pool, athlete)
            .await?
            .iter()
            .flat_map(forma_core::labels::Label::coach_labels)
            .filter(|l| until.is_none_or(|u| l.date <= u))
            .collect();
        Ok(Self {
            sessions: data.sessions.into_iter().map(|r| r.session).collect(),
            wellness: data.wellness,
            events: data.events,
            labels,
        })
    }

    /// The days of the athlete's injury and illness reports.
    pub fn report_days(&self, athlete: &forma_core::types::AthleteId) -> Vec<Date> {
        forma_core::targets::report_days(athlete, &self.events, &self.labels)
    }

    /// The series and features the policy reads up to `date`
    /// ([`PolicyData::build_or_empty`]: one empty day when there is no data).
    pub fn policy_data(&self, athlete: &forma_core::types::AthleteId, date: Date) -> PolicyData {
        let reports = self.report_days(athlete);
        let inputs = forma_core::features::FeatureInputs {
            sessions: &self.sessions,
            wellness: &self.wellness,
            reports: &reports,
        };
        PolicyData::build_or_empty(athlete, &inputs, date)
    }
}

async fn compute(
    state: &AppState,
    profile: &AthleteProfile,
    date: Date,
    model: Option<Arc<ModelArtifact>>,
) -> Result<Recommendation, AppError> {
    let records = PolicyRecords::read(&state.pool, &profile.id, Some(date)).await?;
    let plan = plans::latest(&state.pool, &profile.id).await?;
    let athlete = profile.id.clone();
    tokio::task::spawn_blocking(move || {
        let planned = plan.map(|saved| saved.plan.planned_load(date));
        let quality = forma_core::quality::athlete_report(
            &athlete,
            &records.sessions,
            &records.wellness,
            date,
        );
        let findings = quality.map(|q| q.findings).unwrap_or_default();
        let policy_data = records.policy_data(&athlete, date);
        recommend(
            &PolicyInput {
                open_injury: forma_core::targets::open_on(&records.events, date),
                quality_findings: &findings,
                plan: planned,
                model: model.as_deref(),
                ..policy_data.input(date)
            },
            &PolicyOptions::default(),
        )
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("recommendation stopped: {e}")))
}

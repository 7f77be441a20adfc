//! What the plan editor reads from the server, once per page, and the unsaved
//! edits it keeps in this browser.

use std::sync::Arc;

use forma_core::api::{AthletePlan, AthleteProfile};
use forma_core::model::ModelArtifact;
use forma_core::plan::{PerformanceTest, Plan};
use forma_core::types::{Event, Session, WellnessEntry};
use serde::{Deserialize, Serialize};

use crate::api::{self, ApiFailure};

/// Unsaved edits kept in this browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDraft {
    pub plan: Plan,
    pub note: String,
}

/// Everything the editor needs, fetched once.
#[derive(Clone)]
pub struct PlanData {
    pub profile: AthleteProfile,
    pub sessions: Arc<Vec<Session>>,
    pub wellness: Arc<Vec<WellnessEntry>>,
    pub events: Arc<Vec<Event>>,
    /// The coaches' labels as the model reads them (injury and illness ones
    /// are history).
    pub labels: Arc<Vec<forma_core::targets::CoachLabel>>,
    pub plan: AthletePlan,
    pub model: Option<Arc<ModelArtifact>>,
    pub tests: Vec<PerformanceTest>,
}

/// Reads the athlete, their records, saved plan and tests, and their team's
/// active model: the athlete's reads at once, the model once the profile names
/// the team.
pub async fn load(id: String) -> Result<PlanData, ApiFailure> {
    let (profile, sessions, wellness, events, labels, plan, tests) = futures::try_join!(
        api::athlete(&id),
        api::sessions(&id),
        api::wellness(&id),
        api::events(&id),
        api::labels(&id),
        api::athlete_plan(&id),
        api::performance_tests(&id),
    )?;
    let model = api::active_model(Some(&profile.team_id)).await?;
    Ok(PlanData {
        tests,
        profile,
        sessions: Arc::new(sessions.into_iter().map(|r| r.session).collect()),
        wellness: Arc::new(wellness),
        events: Arc::new(events),
        labels: Arc::new(
            labels
                .iter()
                .flat_map(forma_core::labels::Label::coach_labels)
                .collect(),
        ),
        plan,
        model: model.map(Arc::new),
    })
}

impl PlanData {
    /// The plan the editor starts from ([`forma_core::plan::starting_plan`]).
    pub fn starting_plan(&self) -> Plan {
        forma_core::plan::starting_plan(
            self.plan.next_day,
            self.plan.saved.as_ref().map(|s| &s.plan),
            &self.sessions,
        )
    }
}

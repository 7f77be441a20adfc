//! `/model[?team=T]`: a team's active risk model (each team has its own): its
//! card in plain words, its backtests against the simple baselines, a calibration
//! plot, the cohort table, and (for coaches and admins) the versions they may see
//! with activate, roll back and retrain for the team, and the other teams they
//! manage to choose from: card.rs, backtest.rs, calibration.rs (with the
//! confidence table) and versions.rs, with figures.rs for how figures are written.

use forma_core::api::ModelRegistry;
use forma_core::model::ModelArtifact;
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;

mod backtest;
mod calibration;
mod card;
mod figures;
mod versions;

use card::ModelCardView;
use versions::Versions;

/// What the page shows: the active model (if any) and the registry (coaches and
/// admins only).
#[derive(Debug, Clone)]
struct ModelData {
    artifact: Option<ModelArtifact>,
    registry: Option<ModelRegistry>,
}

/// The registry first: for staff it names the team (the one asked for, or their
/// only one) whose active model the card shows; an athlete sees their own team's.
async fn load(team: Option<String>) -> Result<ModelData, ApiFailure> {
    let registry = api::model_registry(team.as_deref()).await?;
    let team = registry.as_ref().map(|r| r.team.clone()).or(team);
    let artifact = api::active_model(team.as_deref()).await?;
    Ok(ModelData { artifact, registry })
}

#[component]
pub fn ModelPage() -> impl IntoView {
    let auth = use_auth();
    let reload = RwSignal::new(0_u32);
    // The team in the address, else the one chosen in the header.
    let wanted = crate::team_choice::wanted_team();
    let model = LocalResource::new(move || {
        reload.track();
        let team = wanted.get();
        auth.when_signed_in(move || load(team))
    });
    view! {
        <PageHeader
            title="Model"
            summary="The injury and illness risk model behind the recommendations: how it was tested, against what, where it works and where it does not."
        />
        <Loaded data=model loading="Loading the model…" what="the model card" let:loaded>
            <ModelView loaded reload/>
        </Loaded>
    }
}

#[component]
fn ModelView(loaded: ModelData, reload: RwSignal<u32>) -> impl IntoView {
    let ModelData { artifact, registry } = loaded;
    let card = match artifact {
        Some(artifact) => view! { <ModelCardView artifact/> }.into_any(),
        None => view! {
            <section class="card empty-state" data-testid="model-none">
                <h2>"No active model yet"</h2>
                <p>
                    "Until a model is active, every recommendation comes from the rule baseline and says so. "
                    "A coach can train one below, or an operator with "<code>"forma train"</code>"."
                </p>
            </section>
        }
        .into_any(),
    };
    view! {
        {registry.as_ref().map(|registry| team_picker(&registry.team, &registry.teams))}
        {card}
        {registry.map(|registry| view! { <Versions registry reload/> })}
    }
}

/// Links to the models of the other teams the caller manages (none with one team).
fn team_picker(team: &str, teams: &[String]) -> Option<impl IntoView> {
    (teams.len() > 1).then(|| {
        let links = teams
            .iter()
            .map(|t| {
                let current = (t == team).then_some("page");
                view! {
                    <li>
                        <a href=format!("/model?team={}", crate::auth::percent_encode(t)) aria-current=current>{t.clone()}</a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <nav class="card team-picker" aria-label="Team" data-testid="model-teams">
                <p>{format!("Each team has its own model. Showing team {team}'s; choose a team:")}</p>
                <ul class="inline-list">{links}</ul>
            </nav>
        }
    })
}

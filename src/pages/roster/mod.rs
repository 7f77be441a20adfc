//! `/roster`: the coach's teams and their athletes: create a team, rename one,
//! add an athlete by hand, and every athlete (archived ones marked) with a link
//! to their profile and records. An athlete who opens it is sent to their page.

use forma_core::api::{Role, TeamSummary};
use forma_core::roster::{NewTeam, RosterAthlete};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::pages::records::{CoachesOnly, Reload};

mod team;

/// Each team with its whole roster.
type Rosters = Vec<(TeamSummary, Vec<RosterAthlete>)>;

async fn load() -> Result<Rosters, ApiFailure> {
    let teams = api::teams().await?;
    let rosters =
        futures::future::try_join_all(teams.iter().map(|team| api::team_roster(&team.id))).await?;
    Ok(teams.into_iter().zip(rosters).collect())
}

#[component]
pub fn RosterPage() -> impl IntoView {
    let auth = use_auth();
    let reload = Reload::new();
    let page = LocalResource::new(move || {
        reload.track();
        auth.when_signed_in(load)
    });
    move || {
        if auth.role() == Some(Role::Athlete) {
            return view! { <CoachesOnly what="keep the team's athletes"/> }.into_any();
        }
        view! {
            <div class="page-header">
                <h1>"Teams and athletes"</h1>
                <p class="page-summary">"Create a team, add athletes by hand, and keep their profiles and records."</p>
            </div>
            <NewTeamForm reload/>
            <Loaded data=page loading="Loading the teams…" what="your teams" let:rosters>
                {if rosters.is_empty() {
                    view! {
                        <p class="card empty-state" data-testid="no-teams">"No team yet: create your first team above, then add or import its athletes."</p>
                    }.into_any()
                } else {
                    rosters
                        .into_iter()
                        .map(|(summary, roster)| view! { <team::TeamCard summary roster reload/> })
                        .collect_view()
                        .into_any()
                }}
            </Loaded>
        }
        .into_any()
    }
}

#[component]
fn NewTeamForm(reload: Reload) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let create = Action::new_unsync(move |(): &()| {
        let team = NewTeam {
            id: None,
            name: name.get_untracked(),
        };
        async move {
            match api::create_team(&team).await {
                Ok(created) => {
                    name.set(String::new());
                    message.set(Some(format!("Team {} created.", created.name)));
                    reload.now();
                }
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    view! {
        <section class="card" data-testid="new-team">
            <h2>"New team"</h2>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(());
            }>
                <label class="field"><span>"Team name"</span>
                    <input type="text" data-testid="new-team-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="button" data-testid="new-team-create">"Create team"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="note" role="status" data-testid="new-team-message">{m}</p> })}
        </section>
    }
}

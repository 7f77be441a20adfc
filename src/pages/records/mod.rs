//! `/athletes/:id/records`: the coach's editor of one athlete: the profile (with
//! its history, archiving and moving to another team) and the record by hand
//! (sessions changed, added or deleted, wellness days deleted, injuries and
//! illnesses recorded, closed and deleted). Every save reloads the page's data, so
//! what is shown is what the server stored. An athlete who opens it is sent to
//! their own page.

use forma_core::api::{EventRecord, Role, SessionRecord, TeamSummary};
use forma_core::roster::ProfileView;
use forma_core::types::WellnessEntry;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::components::loaded::Loaded;

mod events;
mod invite;
mod profile;
mod sessions;
mod wellness;

/// What the editor shows, read together.
#[derive(Clone)]
struct RecordsData {
    view: ProfileView,
    teams: Vec<TeamSummary>,
    sessions: Vec<SessionRecord>,
    wellness: Vec<WellnessEntry>,
    events: Vec<EventRecord>,
}

async fn load(id: String) -> Result<RecordsData, ApiFailure> {
    let (view, teams, sessions, wellness, events) = futures::try_join!(
        api::profile_view(&id),
        api::teams(),
        api::sessions(&id),
        api::wellness(&id),
        api::event_records(&id),
    )?;
    Ok(RecordsData {
        view,
        teams,
        sessions,
        wellness,
        events,
    })
}

/// Counts saves: each one loads the page's data again.
#[derive(Clone, Copy)]
pub struct Reload(RwSignal<u32>);

impl Default for Reload {
    fn default() -> Self {
        Reload::new()
    }
}

impl Reload {
    pub fn new() -> Reload {
        Reload(RwSignal::new(0))
    }

    /// Loads again.
    pub fn now(self) {
        self.0.update(|n| *n += 1);
    }

    /// Makes the reading resource load again on [`Reload::now`].
    pub fn track(self) {
        self.0.track();
    }
}

#[component]
pub fn RecordsPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = Reload::new();
    let page = LocalResource::new(move || {
        reload.track();
        let id = id();
        auth.when_signed_in(move || load(id))
    });
    let not_allowed =
        move || view! { <CoachesOnly what="keep this athlete's profile and records"/> };
    view! {
        <Loaded data=page loading="Loading the athlete's records…" what="this athlete's records" not_found=not_allowed let:data>
            <RecordsView data reload/>
        </Loaded>
    }
}

/// What an athlete (or anyone who may not do `what`) reads instead of a coach's
/// page: what they can do, with a link to their own page.
#[component]
pub fn CoachesOnly(what: &'static str) -> impl IntoView {
    let auth = use_auth();
    let user = auth.user.get_untracked();
    let own = user
        .as_ref()
        .filter(|u| u.user.role == Role::Athlete)
        .and_then(|u| u.user.athlete_id.clone());
    view! {
        <section class="card not-allowed" data-testid="coaches-only">
            <h1>"This page is for coaches"</h1>
            {match own {
                Some(athlete) => view! {
                    <p>
                        {format!("Your coach uses this page to {what}. ")}
                        "Your own page has your recommendation, your check-in and your charts."
                    </p>
                    <p><A href=format!("/athletes/{athlete}") attr:class="button" attr:data-testid="own-page">"Go to my page"</A></p>
                }
                .into_any(),
                None => view! {
                    <p>{format!("Your account may not {what}, or there is no such athlete. Coaches see the athletes of their teams.")}</p>
                    <p><A href="/" attr:class="button">"Go to the start page"</A></p>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn RecordsView(data: RecordsData, reload: Reload) -> impl IntoView {
    let RecordsData {
        view: profile_view,
        teams,
        sessions,
        wellness,
        events,
    } = data;
    let profile = profile_view.profile.clone();
    let id = profile.id.to_string();
    let archived = profile_view.archived_at.clone();
    view! {
        <div class="page-header">
            <h1 data-testid="records-name">{profile.name.clone()}</h1>
            <p class="page-summary">
                {format!("Profile and records · athlete {} · team {}", profile.id, profile.team_id)}
                " · "
                <A href=format!("/athletes/{id}")>"Back to the athlete's page"</A>
            </p>
        </div>
        {archived.map(|at| view! {
            <p class="banner banner-warning" data-testid="archived-banner">
                {format!("Archived on {}: kept with all their data, but not on the team page and not trained on.", at.get(..10).unwrap_or(&at))}
            </p>
        })}
        <div class="records-grid">
            <profile::ProfileCard view=profile_view teams reload/>
            <events::EventsCard athlete=id.clone() events reload/>
            <sessions::SessionsCard athlete=id.clone() sessions reload/>
            <wellness::WellnessCard athlete=id wellness reload/>
        </div>
    }
}

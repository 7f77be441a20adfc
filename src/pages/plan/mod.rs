//! `/plan`: the coach picks an athlete; `/athletes/:id/plan`: the what-if plan.
//! The next 7 to 28 days as a grid of planned sessions; every edit is projected in
//! the browser with forma-core and the active model (fetched once), drawn against
//! the plan as it was before the edits, with no request to the server.
//!
//! The editor ([`editor`]) owns the plan being edited and its projections; its
//! parts each show one thing: the head with the presets ([`head`]), the result
//! with the chart ([`result`]) and its summary ([`summary`]), the policy's day
//! ([`policy_day`]) and the day-by-day table ([`table`]), the grid of sessions
//! ([`grid`]) with saving ([`sessions`]) and the performance tests
//! ([`tests_form`]). How long each edit takes is measured by [`timing`].

use forma_core::api::AthleteStatus;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;

mod data;
mod editor;
mod grid;
mod head;
mod policy_day;
mod result;
mod sessions;
mod summary;
mod table;
mod tests_form;
pub mod timing;

use editor::PlanEditor;

/// `/plan`: the team's athletes, each linking to their plan.
#[component]
pub fn PlanPage() -> impl IntoView {
    let auth = use_auth();
    let choice = crate::team_choice::use_team_choice();
    let wanted = crate::team_choice::wanted_team();
    let team = LocalResource::new(move || {
        let wanted = wanted.get();
        auth.when_signed_in(move || async move {
            let Some(team) = crate::team_choice::chosen(choice, wanted).await?.1 else {
                return Ok(Vec::new());
            };
            api::team_athletes(&team.id).await
        })
    });
    view! {
        <PageHeader
            title="Plan"
            summary="Choose an athlete to edit the next weeks and see load, form and risk respond as you type."
        />
        <Loaded data=team loading="Loading the team…" what="plans" let:athletes>
            <AthletePicker athletes/>
        </Loaded>
    }
}

#[component]
fn AthletePicker(athletes: Vec<AthleteStatus>) -> impl IntoView {
    view! {
        <ul class="card picker" data-testid="plan-athletes">
            {athletes
                .into_iter()
                .map(|a| {
                    let href = format!("/athletes/{}/plan", a.athlete.id.as_str());
                    view! {
                        <li>
                            <A href=href>{a.athlete.name.clone()}</A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
/// `/athletes/:id/plan`.
#[component]
pub fn AthletePlanPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = LocalResource::new(move || {
        let id = id();
        auth.when_signed_in(move || data::load(id))
    });
    let not_allowed = || {
        view! {
            <p class="card error" data-testid="not-allowed">
                "There is no such athlete, or your account may not see them."
            </p>
        }
    };
    view! {
        <Loaded data loading="Loading the plan…" what="this plan" not_found=not_allowed let:data>
            <PlanEditor data/>
        </Loaded>
    }
}

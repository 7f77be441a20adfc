//! `/labels`: the label queue. The sessions, days and ranges of days that most need
//! a label come first (see `forma_core::labels::athlete_queue`); a coach works down
//! the list with the keyboard alone: move with j/k or the arrows, pick a code with
//! its number, add a note, save with Enter, undo with u or Ctrl+Z. Every label goes
//! through the outbox, so labelling goes on while the server is unreachable.

use forma_core::api::Role;
use forma_core::labels::LabelQueue;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiFailure};
use crate::auth::{sign_in_href, use_auth};
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::sign_in_required::{current_path, CheckingSignIn};

mod also;
pub mod keys;
mod list;
mod panel;
mod queue;
pub mod state;

use queue::QueueView;

use crate::team_choice::{self, use_team_choice, wanted_team, TeamChoice};

async fn load(
    choice: TeamChoice,
    wanted: Option<String>,
    athlete: Option<String>,
) -> Result<Option<LabelQueue>, ApiFailure> {
    let Some(team) = team_choice::chosen(choice, wanted).await?.1 else {
        return Ok(None);
    };
    api::label_queue(&team.id, athlete.as_deref())
        .await
        .map(Some)
}

#[component]
pub fn LabelsPage() -> impl IntoView {
    let auth = use_auth();
    let here = current_path();
    let query = use_query_map();
    let athlete = move || query.with(|q| q.get("athlete").filter(|a| !a.is_empty()));
    let choice = use_team_choice();
    let wanted = wanted_team();
    let queue = LocalResource::new(move || {
        let athlete = athlete();
        let wanted = wanted.get();
        let staff = auth.role().is_some_and(|role| role != Role::Athlete);
        let load = auth.when_signed_in(move || load(choice, wanted, athlete));
        async move {
            if staff {
                load.await
            } else {
                Ok(None)
            }
        }
    });
    // Who may use the queue, known once the sign-in is checked.
    let role = Memo::new(move |_| auth.checked.get().then(|| auth.role()));
    let page = move || {
        match role.get() {
        None => view! { <CheckingSignIn/> }.into_any(),
        Some(None) => view! {
            <section class="card empty-state" data-testid="labels-empty">
                <p>"Sign in as a coach to label your athletes' sessions and days."</p>
                <A href=sign_in_href(&here.get_untracked()) attr:class="button">"Sign in"</A>
            </section>
        }
        .into_any(),
        Some(Some(Role::Athlete)) => view! {
            <section class="card empty-state" data-testid="labels-athlete">
                <p>"Your coach labels your days here. The labels about you are on your page."</p>
            </section>
        }
        .into_any(),
        Some(Some(_)) => view! {
            <Loaded data=queue loading="Loading the label queue…" what="the label queue" let:queue>
                {match queue {
                    None => view! {
                        <p class="card empty-state">"You coach no team yet, so there is nothing to label."</p>
                    }
                    .into_any(),
                    Some(queue) => view! { <QueueView queue athlete=athlete()/> }.into_any(),
                }}
            </Loaded>
        }
        .into_any(),
    }
    };
    view! {
        <PageHeader title="Labels" summary="The sessions and days that most need a label, ready for the keyboard."/>
        {page}
    }
}

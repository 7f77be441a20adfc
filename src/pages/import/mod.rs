//! `/import`: a coach or an admin brings in sessions, wellness and events (canonical
//! CSV) and FIT, TCX and GPX activity files. Each file is previewed first (the
//! server's `?preview=true`: its own checks in a transaction it rolls back), then
//! imported, one request and one transaction per file, with the report of each.
//! An athlete is sent to their own page, a visitor to sign in. Admins import
//! into any team (they set a club up, often before its coaches have accounts).

use forma_core::api::Role;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ApiFailure;
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::components::sign_in_required::SignInRequired;
use crate::team_choice::{self, use_team_choice, wanted_team};

mod form;
mod report;
pub mod state;

#[component]
pub fn ImportPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <PageHeader
            title="Import"
            summary="Bring in sessions, wellness and injuries from CSV files, and FIT, TCX or GPX activity files. Every file is checked and previewed before anything is stored."
        />
        {move || match auth.user.get() {
            None => view! { <SignInRequired what="the import page"/> }.into_any(),
            Some(user) if user.user.role == Role::Athlete => {
                let href = user
                    .user
                    .athlete_id
                    .as_ref()
                    .map_or_else(|| "/".to_owned(), |id| format!("/athletes/{id}"));
                view! {
                    <section class="card not-allowed" data-testid="import-athlete">
                        <h2>"Importing is for coaches"</h2>
                        <p>
                            "Your coach brings in the team's files. You can file how you feel each day, and see your sessions and advice, on your own page."
                        </p>
                        <A href=href attr:class="button">"Go to my page"</A>
                    </section>
                }
                .into_any()
            }
            Some(_) => view! { <ForStaff/> }.into_any(),
        }}
    }
}

#[component]
fn ForStaff() -> impl IntoView {
    let auth = use_auth();
    let choice = use_team_choice();
    let wanted = wanted_team();
    // Loaded once: the form follows a later choice of team and keeps its files.
    let teams = LocalResource::new(move || {
        let wanted = wanted.get_untracked();
        auth.when_signed_in(move || async move {
            let (teams, team) = team_choice::chosen(choice, wanted).await?;
            Ok::<_, ApiFailure>((teams, team))
        })
    });
    view! {
        <Loaded data=teams loading="Loading your teams…" what="the import page" let:loaded>
            {match loaded {
                (_, None) => view! {
                    <section class="card empty-state" data-testid="import-no-team">
                        <p>"You have no team to import into yet. Create one first; you coach the teams you create."</p>
                        <a class="button" href="/roster">"Create a team"</a>
                    </section>
                }
                .into_any(),
                (teams, Some(team)) => view! { <form::ImportForm teams team/> }.into_any(),
            }}
        </Loaded>
    }
}

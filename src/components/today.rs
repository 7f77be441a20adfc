//! The top of an athlete's page: what today holds. Today's recommendation (for
//! the coach with accept and override, for the athlete in their words); for the
//! athlete, the daily check-in; and the saved plan with its explanation.

use forma_core::types::{date_from_epoch_day, epoch_day};
use leptos::prelude::*;

use crate::api;
use crate::auth::use_auth;
use crate::components::check_in::CheckIn;
use crate::components::recommendation::RecommendationCard;
use crate::components::saved_plan::SavedPlanCard;

#[component]
pub fn AthleteToday(athlete: String) -> impl IntoView {
    let auth = use_auth();
    let own = auth.role() == Some(forma_core::api::Role::Athlete);
    let id = athlete.clone();
    let plan = LocalResource::new(move || {
        let id = id.clone();
        async move { api::athlete_plan(&id).await }
    });
    move || {
        let athlete = athlete.clone();
        plan.get().map(|answer| match answer {
            Err(failure) => view! { <p class="card error">{failure.to_string()}</p> }.into_any(),
            Ok(plan) => {
                let today = date_from_epoch_day(epoch_day(plan.next_day) - 1);
                view! {
                    <div class="today">
                        <RecommendationCard athlete=athlete.clone() own/>
                        {own.then(|| view! { <CheckIn athlete=athlete.clone() today/> })}
                        <SavedPlanCard athlete plan own/>
                    </div>
                }
                .into_any()
            }
        })
    }
}

//! `/athletes/:id`: one athlete's full picture: load, fitness-fatigue-form and
//! readiness charts over a chosen range, data-quality findings in words, and the
//! lists of sessions and wellness. An athlete lands here on their own page; a direct
//! link to an athlete the account may not see shows a not-allowed message.

use std::sync::Arc;

use forma_core::api::{AthleteProfile, Role, SeriesResponse, SessionRecord};
use forma_core::quality::QualityReport;
use forma_core::types::WellnessEntry;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::charts::window::{DateRange, PmcVariantChoice, RatioForm};
use crate::components::label_form::LabelPanel;
use crate::components::loaded::Loaded;
use crate::components::today::AthleteToday;

mod charts;
mod lists;

use charts::{LoadPanel, PmcPanel, ReadinessPanel};
use lists::Lists;

/// Everything the page shows, fetched together.
#[derive(Clone)]
struct AthleteData {
    profile: AthleteProfile,
    series: Arc<SeriesResponse>,
    quality: Option<QualityReport>,
    sessions: Vec<SessionRecord>,
    wellness: Vec<WellnessEntry>,
}

async fn load(id: String) -> Result<AthleteData, ApiFailure> {
    // At once: the page waits for the slowest read, not for their sum.
    let (profile, series, quality, sessions, wellness) = futures::try_join!(
        api::athlete(&id),
        api::series(&id),
        api::quality(&id),
        api::sessions(&id),
        api::wellness(&id),
    )?;
    Ok(AthleteData {
        profile,
        series: Arc::new(series),
        quality,
        sessions,
        wellness,
    })
}

#[component]
pub fn AthletePage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let page = LocalResource::new(move || {
        let id = id();
        auth.when_signed_in(move || load(id))
    });
    let not_allowed = move || {
        let own = auth
            .user
            .get_untracked()
            .and_then(|u| u.user.athlete_id)
            .map(|athlete| format!("/athletes/{athlete}"));
        view! {
            <section class="card not-allowed" data-testid="not-allowed">
                <h1>"You cannot see this page"</h1>
                <p>
                    {format!(
                        "There is no athlete {} that your account may see. Coaches see the athletes of their teams; athletes see only themselves.",
                        id(),
                    )}
                </p>
                {own.map(|href| view! { <p><A href=href attr:class="button" attr:data-testid="own-page">"Go to my page"</A></p> })}
            </section>
        }
    };
    view! {
        <Loaded data=page loading="Loading the athlete…" what="this athlete" not_found=not_allowed let:data>
            <AthleteView data/>
        </Loaded>
    }
}

#[component]
fn AthleteView(data: AthleteData) -> impl IntoView {
    let AthleteData {
        profile,
        series,
        quality,
        sessions,
        wellness,
    } = data;
    let coach = use_auth().role().is_some_and(|role| role != Role::Athlete);
    let range = RwSignal::new(DateRange::TwelveWeeks);
    let form = RwSignal::new(RatioForm::Coupled);
    let variant = RwSignal::new(PmcVariantChoice::TrainingPeaks);
    let len = series.dates.len();
    let last_day = series.dates.last().map(|d| d.to_string());
    let header = view! {
        <div class="page-header">
            <h1 data-testid="athlete-name">{profile.name.clone()}</h1>
            <p class="page-summary">
                {format!("Athlete {} · team {} · local time {}", profile.id, profile.team_id, profile.time_zone)}
                {coach.then(|| view! {
                    " · "
                    <A href=format!("/athletes/{}/records", profile.id) attr:data-testid="records-link">"Profile and records"</A>
                })}
            </p>
        </div>
    };
    if len == 0 {
        return view! {
            {header}
            <section class="card empty-state" data-testid="no-data">
                <p>
                    "Nothing is recorded for this athlete yet. Import their sessions and wellness, or ask them to log today's check-in, and the charts appear here."
                </p>
            </section>
        }
            .into_any();
    }
    let window = Memo::new(move |_| range.get().indices(len));
    let series = StoredValue::new(series);
    view! {
        {header}
        <AthleteToday athlete=profile.id.to_string()/>
        <div class="range-switch" role="group" aria-label="Date range" data-testid="range-switch">
            {DateRange::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <button
                            class="segment"
                            aria-pressed=move || (range.get() == choice).to_string()
                            on:click=move |_| range.set(choice)
                        >
                            {choice.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div class="chart-grid">
            <LoadPanel series window form quality/>
            <PmcPanel series window variant/>
            <ReadinessPanel series window/>
        </div>
        <LabelPanel athlete=profile.id.clone() sessions=sessions.clone() last_day/>
        <Lists sessions wellness/>
    }
    .into_any()
}

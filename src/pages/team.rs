//! `/team`: every athlete of the coach's team with the latest figures.

use forma_core::api::{AthleteStatus, TeamSummary};
use forma_core::readiness::HrvStatus;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::components::page_header::PageHeader;
use crate::components::sign_in_required::SignInRequired;

async fn load() -> Result<Option<(TeamSummary, Vec<AthleteStatus>)>, ApiFailure> {
    let Some(team) = api::teams().await?.into_iter().next() else {
        return Ok(None);
    };
    let athletes = api::team_athletes(&team.id).await?;
    Ok(Some((team, athletes)))
}

fn number(value: Option<f64>, digits: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |x| format!("{x:.digits$}"))
}

fn hrv_words(status: Option<HrvStatus>) -> &'static str {
    match status {
        Some(HrvStatus::Below) => "HRV below normal",
        Some(HrvStatus::Within) => "HRV normal",
        Some(HrvStatus::Above) => "HRV above normal",
        Some(HrvStatus::Insufficient) | None => "no HRV",
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let auth = use_auth();
    let team = LocalResource::new(move || auth.when_signed_in(load));
    view! {
        <PageHeader
            title="Team"
            summary="Every athlete, with load ratio, form, readiness and how fresh their data is."
        />
        <Transition fallback=|| view! { <p class="loading">"Loading the team…"</p> }>
            {move || {
                if !auth.checked.get() {
                    return Some(view! { <p class="loading">"Checking your sign-in…"</p> }.into_any());
                }
                team.get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            auth.session_lost(&failure);
                            view! { <SignInRequired what="your team"/> }.into_any()
                        }
                        Err(failure) => {
                            view! { <p class="card error" role="alert">{failure.to_string()}</p> }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <p class="card empty-state">
                                    "You coach no team yet. Ask the person who runs Forma to add you to one."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(Some((team, athletes))) => view! { <TeamTable team athletes/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn TeamTable(team: TeamSummary, athletes: Vec<AthleteStatus>) -> impl IntoView {
    let as_of = team
        .as_of
        .map(|day| format!(" Figures as of {day}, the team's last day of data."));
    view! {
        <p class="team-caption">
            <strong>{team.name.clone()}</strong>
            {format!(": {} athletes.", athletes.len())}
            {as_of}
        </p>
        <div class="table-scroll">
            <table class="team-table" data-testid="team-table">
                <thead>
                    <tr>
                        <th scope="col">"Athlete"</th>
                        <th scope="col">"Load ratio"</th>
                        <th scope="col">"Form (TSB)"</th>
                        <th scope="col">"Readiness"</th>
                        <th scope="col">"Data"</th>
                        <th scope="col">"Quality"</th>
                    </tr>
                </thead>
                <tbody>
                    {athletes
                        .into_iter()
                        .map(|status| {
                            let href = format!("/athletes/{}", status.athlete.id);
                            let freshness = match (status.last_data, status.days_since_data) {
                                (Some(day), Some(0)) => format!("up to date ({day})"),
                                (Some(day), Some(days)) => format!("{days} days old ({day})"),
                                _ => "no data".to_owned(),
                            };
                            let quality = status.quality;
                            let quality_text = if quality.errors + quality.warnings == 0 {
                                "no issues".to_owned()
                            } else {
                                format!("{} errors, {} warnings", quality.errors, quality.warnings)
                            };
                            view! {
                                <tr data-testid="team-row">
                                    <th scope="row">
                                        <A href=href>{status.athlete.name.clone()}</A>
                                    </th>
                                    <td>
                                        {number(status.acwr, 2)}
                                        <span class="cell-note">{status.ratio_form.clone()}</span>
                                    </td>
                                    <td>{number(status.form, 1)}</td>
                                    <td>
                                        {hrv_words(status.hrv_status)}
                                        {status
                                            .readiness
                                            .map(|score| format!(", readiness {score:.0}/10"))}
                                    </td>
                                    <td>{freshness}</td>
                                    <td>{quality_text}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

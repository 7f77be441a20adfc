//! One team on the roster page: its name to change, a form to add an athlete,
//! and its athletes.

use forma_core::api::TeamSummary;
use forma_core::roster::{AthleteFields, RosterAthlete};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::pages::records::Reload;

#[component]
pub fn TeamCard(summary: TeamSummary, roster: Vec<RosterAthlete>, reload: Reload) -> impl IntoView {
    let team = StoredValue::new(summary.id.clone());
    let name = RwSignal::new(summary.name.clone());
    let athlete_name = RwSignal::new(String::new());
    // A new athlete most likely lives where the team's others do.
    let zone = RwSignal::new(
        roster
            .first()
            .map_or_else(|| "UTC".to_owned(), |a| a.profile.time_zone.clone()),
    );
    let message = RwSignal::new(None::<String>);
    let rename = Action::new_unsync(move |(): &()| {
        let new_name = name.get_untracked();
        async move {
            match api::rename_team(&team.get_value(), &new_name).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let add = Action::new_unsync(move |(): &()| {
        let fields = AthleteFields {
            id: None,
            name: athlete_name.get_untracked(),
            time_zone: zone.get_untracked(),
            sex: None,
            birth_year: None,
            sport: None,
            hr_max: None,
            hr_rest: None,
        };
        async move {
            match api::add_athlete(&team.get_value(), &fields).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let archived = roster.iter().filter(|a| a.archived_at.is_some()).count();
    let rows = roster
        .into_iter()
        .map(|athlete| {
            let p = athlete.profile;
            let href = format!("/athletes/{}/records", p.id);
            view! {
                <li class="record-row" data-testid="roster-row">
                    <A href=format!("/athletes/{}", p.id)>{p.name.clone()}</A>
                    <span class="record-text">{format!("{} · {}", p.id, p.time_zone)}</span>
                    {athlete.archived_at.is_some().then(|| view! { <span class="badge" data-testid="archived">"archived"</span> })}
                    <A href=href attr:class="button small secondary">"Profile and records"</A>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="team-card">
            <h2>{heading(&summary, archived)}</h2>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                rename.dispatch(());
            }>
                <label class="field"><span>"Team name"</span>
                    <input type="text" data-testid="team-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="button secondary" data-testid="team-rename">"Rename"</button>
            </form>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                add.dispatch(());
            }>
                <label class="field"><span>"New athlete's name"</span>
                    <input type="text" data-testid="athlete-name-input" prop:value=athlete_name on:input=move |ev| athlete_name.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Time zone"</span>
                    <input type="text" data-testid="athlete-zone-input" prop:value=zone on:input=move |ev| zone.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="button" data-testid="athlete-add">"Add athlete"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="team-error">{m}</p> })}
            <ul class="records" data-testid="roster">{rows}</ul>
        </section>
    }
}

/// "U19 (1 athlete)", "U19 (12 athletes, 2 archived)".
fn heading(summary: &TeamSummary, archived: usize) -> String {
    let plural = if summary.athletes == 1 { "" } else { "s" };
    let archived = if archived > 0 {
        format!(", {archived} archived")
    } else {
        String::new()
    };
    format!(
        "{} ({} athlete{plural}{archived})",
        summary.name, summary.athletes
    )
}

//! The saved plan on an athlete's page: what the coach planned for the coming
//! days, the coach's note, and what the plan does in words. Addressed to the
//! athlete on their own page; a coach gets a link to edit it.

use forma_core::api::AthletePlan;
use forma_core::plan::PlannedSession;
use leptos::prelude::*;
use leptos_router::components::A;

fn session_words(s: &PlannedSession) -> String {
    let what = s.sport.clone().unwrap_or_else(|| "session".to_owned());
    match (s.minutes, s.rpe, s.load) {
        (Some(m), Some(r), _) => format!("{what}, {m:.0} min at RPE {r:.0}"),
        (Some(m), None, _) => format!("{what}, {m:.0} min"),
        (_, _, Some(l)) => format!("{what}, load {l:.0}"),
        _ => what,
    }
}

/// The saved plan (or that there is none), for the athlete (`own`) or a coach.
#[component]
pub fn SavedPlanCard(athlete: String, plan: AthletePlan, own: bool) -> impl IntoView {
    let edit_link = format!("/athletes/{athlete}/plan");
    match plan.saved {
        None => view! {
            <section class="card my-plan" data-testid="my-plan">
                <h2>{if own { "Your plan" } else { "Plan" }}</h2>
                <p>
                    {if own {
                        "Your coach has not saved a plan for the coming days yet. When they do, it appears here with the reasons."
                    } else {
                        "No plan is saved for the coming days."
                    }}
                </p>
                {(!own).then(|| view! { <A href=edit_link attr:class="button">"Make a plan"</A> })}
            </section>
        }
        .into_any(),
        Some(saved) => {
            let days = saved
                .plan
                .days
                .iter()
                .enumerate()
                .map(|(i, sessions)| {
                    let date = saved.plan.date(i);
                    let what = if sessions.is_empty() {
                        "rest".to_owned()
                    } else {
                        sessions.iter().map(session_words).collect::<Vec<_>>().join("; ")
                    };
                    view! {
                        <li>
                            <strong>{date.strftime("%a %-d %b").to_string()}</strong>
                            " "
                            {what}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card my-plan" data-testid="my-plan">
                    <h2>{if own { "Your plan" } else { "Plan" }}</h2>
                    {saved.note.clone().map(|note| view! {
                        <blockquote class="coach-note" data-testid="plan-note-shown">
                            {note}
                            <footer>{format!("— {}", saved.author)}</footer>
                        </blockquote>
                    })}
                    <p data-testid="plan-explanation-shown">
                        {if own { "What it does: " } else { "" }}
                        {saved.explanation.clone()}
                    </p>
                    <ol class="plan-days">{days}</ol>
                    {(!own).then(|| view! { <A href=edit_link attr:class="button secondary">"Edit the plan"</A> })}
                </section>
            }
            .into_any()
        }
    }
}

//! Today's recommendation on an athlete's page. For a coach: the action and what
//! it changes, the confidence and what it rests on, the reasons, the rules that
//! fired, what would change the decision, the policy and model versions, accept
//! and override controls, and the decision history. For the athlete: the same
//! decision in plain words addressed to them, and the coach's change when there
//! is one.

use forma_core::api::{DecisionRecord, RecommendationView};
use forma_core::labels::LabelCode;
use forma_core::policy::{Action as PolicyAction, Adjustment};
use leptos::prelude::*;

use crate::api;

mod coach;
mod details;

use coach::ForCoach;
pub use details::{confidence_badge, RecommendationDetails};

/// What the action changes, in words (`None` when it changes nothing).
pub fn adjustment_words(action: PolicyAction, a: &Adjustment) -> Option<String> {
    let mut parts = Vec::new();
    if (a.today_load_factor - 1.0).abs() > 1e-9 {
        parts.push(match a.today_load {
            Some(load) => format!(
                "today's planned load × {:.2} ({load:.0} AU)",
                a.today_load_factor
            ),
            None => format!("today's planned load × {:.2}", a.today_load_factor),
        });
    }
    if (a.next_7_days_load_factor - 1.0).abs() > 1e-9 {
        parts.push(match a.next_7_days_load {
            Some(load) => format!(
                "the next 7 days' load × {:.2} ({load:.0} AU)",
                a.next_7_days_load_factor
            ),
            None => format!("the next 7 days' load × {:.2}", a.next_7_days_load_factor),
        });
    }
    if a.extra_rest_days > 0 {
        parts.push(format!(
            "{} extra rest day{}",
            a.extra_rest_days,
            if a.extra_rest_days == 1 { "" } else { "s" }
        ));
    }
    if a.swap_hard_session {
        parts.push("today's hard session moves later in the week".to_owned());
    }
    (!parts.is_empty() && action != PolicyAction::ManualReview).then(|| parts.join("; "))
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn reason_name(code: &str) -> String {
    code.parse::<LabelCode>()
        .map_or_else(|_| code.to_owned(), |c| c.name().to_owned())
}

/// A decision in words, dated by the day it is for (the team's day), with when
/// it was made after it.
pub fn decision_words(d: &DecisionRecord) -> String {
    let when = d
        .created_at
        .get(..16)
        .unwrap_or(&d.created_at)
        .replace('T', " ");
    let day = d
        .date
        .map(|day| format!(" for {}", day.strftime("%a %-d %b %Y")))
        .unwrap_or_default();
    let undone = if d.undone { " Undone." } else { "" };
    match d.decision.as_str() {
        "accept" => format!("{} accepted it{day} (on {when} UTC).{undone}", d.author),
        _ => format!(
            "{} overrode it with {}{}{day} (on {when} UTC).{undone}",
            d.author,
            d.action.label().to_lowercase(),
            d.reason_code
                .as_deref()
                .map(|c| format!(", reason: {}", reason_name(c)))
                .unwrap_or_default()
        ),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time, by the browser's clock.
fn millis(time: &str) -> Option<f64> {
    let ms = web_sys::js_sys::Date::parse(time);
    ms.is_finite().then_some(ms)
}

/// Today's recommendation for `athlete`; `own` when the athlete reads it.
#[component]
pub fn RecommendationCard(athlete: String, own: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let id = athlete.clone();
    let data = LocalResource::new(move || {
        reload.track();
        let id = id.clone();
        async move {
            let today = api::recommendation(&id).await?;
            let history = if own {
                Vec::new()
            } else {
                api::recommendation_history(&id).await?
            };
            Ok::<_, api::ApiFailure>((today, history))
        }
    });
    move || {
        let athlete = athlete.clone();
        data.get().map(|answer| match answer {
            Err(failure) => view! {
                <p class="card error" role="alert">{format!("Today's recommendation cannot be shown: {failure}")}</p>
            }
            .into_any(),
            Ok((view, _)) if own => view! { <ForAthlete view/> }.into_any(),
            Ok((view, history)) => view! { <ForCoach athlete view history reload/> }.into_any(),
        })
    }
}

#[component]
fn ForAthlete(view: RecommendationView) -> impl IntoView {
    let r = view.recommendation;
    let (headline, changed) = match &view.decision {
        Some(d) if d.decision == "override" => (d.action.athlete_label(), true),
        _ => (r.action.athlete_label(), false),
    };
    let coach_note = view.decision.clone().filter(|d| d.decision == "override");
    view! {
        <section class="card recommendation" data-testid="recommendation">
            <h2>"Today"</h2>
            <p class="rec-action" data-testid="rec-action">{headline}</p>
            {coach_note.map(|d| view! {
                <p class="coach-change" data-testid="rec-coach-change">
                    {format!(
                        "Your coach changed today's suggestion (it was: {}). ",
                        r.action.athlete_label().to_lowercase()
                    )}
                    {d.note.clone().map(|n| format!("“{n}” — {}", d.author))}
                </p>
            })}
            {(!changed).then(|| view! { <p data-testid="rec-athlete-summary">{r.athlete_summary.clone()}</p> })}
            {r.risk_reading.clone().map(|reading| view! {
                <dl class="risk-reading" data-testid="rec-risk-reading">
                    <dt>"Usually"</dt>
                    <dd>{reading.standing_words.athlete}</dd>
                    <dt>"Today"</dt>
                    <dd>{reading.change_words.athlete}</dd>
                </dl>
            })}
            <ul class="reasons">
                {forma_core::policy::athlete::reasons(&r)
                    .into_iter()
                    .map(|reason| view! { <li>{reason.athlete.clone()}</li> })
                    .collect_view()}
            </ul>
            {r.fallback.is_some().then(|| view! {
                <p class="note">"This suggestion comes from Forma's rules; the risk model could not be used today."</p>
            })}
        </section>
    }
}

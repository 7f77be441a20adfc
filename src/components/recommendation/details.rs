//! A recommendation as a coach reads it, and its confidence badge.

use forma_core::policy::Recommendation;
use leptos::prelude::*;

use super::{adjustment_words, percent};

/// The recommendation's confidence, with what it rests on in its title.
pub fn confidence_badge(r: &Recommendation) -> impl IntoView {
    let basis = serde_json::to_value(r.confidence_basis)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default();
    let caveat = forma_core::policy::model_caveat(r.model_beats_baselines);
    let short = forma_core::policy::model_caveat_short(r.model_beats_baselines);
    view! {
        <span
            class="badge"
            class:badge-warning=short.is_some()
            data-testid="rec-confidence"
            title=format!(
                "Confidence from {basis}; data completeness {}{}",
                percent(r.completeness),
                caveat.map(|c| format!(". {c}")).unwrap_or_default()
            )
        >
            {format!("confidence {}", percent(r.confidence))}
            {short.map(|s| format!(" · {s}"))}
        </span>
    }
}

/// A recommendation as a coach reads it: the action and what it changes, what
/// was withheld, the summary, the model's risk, why (the rules that fired and the
/// reasons with their direction), what would change it, and the versions.
#[component]
pub fn RecommendationDetails(recommendation: Recommendation) -> impl IntoView {
    let Recommendation {
        action,
        adjustment,
        withheld,
        risk,
        reasons,
        fired,
        what_would_change,
        policy_version,
        model_version,
        fallback,
        coach_summary,
        figures,
        date,
        risk_reading,
        ..
    } = recommendation;
    let figures_line = figures.map(|f| {
        format!(
            "Figures for the {}: load ratio (coupled 7:28) {}, 7-day average {} and 28-day average {} load units a day.",
            f.when(date),
            f.ratio.map_or_else(|| "–".to_owned(), |r| if r.is_finite() { format!("{r:.2}") } else { "undefined".to_owned() }),
            f.acute.map_or_else(|| "–".to_owned(), |a| format!("{a:.0}")),
            f.chronic.map_or_else(|| "–".to_owned(), |c| format!("{c:.0}")),
        )
    });
    view! {
            <p class="rec-action" data-testid="rec-action">{action.label()}</p>
        {adjustment_words(action, &adjustment).map(|w| view! { <p data-testid="rec-adjustment">{w}</p> })}
        {withheld.map(|w| view! {
            <p class="note">{format!("Withheld: {}. The data or the confidence could not carry an automatic change.", w.label().to_lowercase())}</p>
        })}
        <p class="note" data-testid="rec-summary">{coach_summary}</p>
        {figures_line.map(|line| view! { <p class="note" data-testid="rec-figures">{line}</p> })}
        {risk.map(|p| view! {
            <p class="note">{format!("Model risk of an injury or illness starting in the next 7 days: {}.", forma_core::policy::risk_percent(p))}</p>
        })}
        {risk_reading.map(|reading| view! {
            <dl class="risk-reading" data-testid="rec-risk-reading">
                <dt>"Standing risk (who)"</dt>
                <dd>{reading.standing_words.coach}</dd>
                <dt>"Today's change (when)"</dt>
                <dd>{reading.change_words.coach}</dd>
            </dl>
        })}
        {fallback.map(|_| view! {
            <p class="note" data-testid="rec-fallback">"The rule baseline answered: no active model, or it could not score this athlete today."</p>
        })}
        <h3>"Why"</h3>
        <ul class="reasons" data-testid="rec-reasons">
            {fired.into_iter().map(|f| view! { <li class="fired">{f.coach}</li> }).collect_view()}
            {reasons
                .into_iter()
                .map(|reason| {
                    let arrow = match reason.direction {
                        forma_core::policy::Direction::RaisesRisk => "↑",
                        forma_core::policy::Direction::LowersRisk => "↓",
                    };
                    view! { <li><span class="arrow" aria-hidden="true">{arrow}</span>" "{reason.coach}</li> }
                })
                .collect_view()}
        </ul>
        {(!what_would_change.is_empty()).then(|| view! {
            <h3>"What would change it"</h3>
            <ul class="reasons">
                {what_would_change.into_iter().map(|s| view! { <li>{s.coach}</li> }).collect_view()}
            </ul>
        })}
        <p class="note versions" data-testid="rec-versions">
            {format!("Policy {policy_version}; model {}", model_version.unwrap_or_else(|| "none".to_owned()))}
        </p>
    }
}

//! The recommendation the policy would give on a chosen day of the plan.

use forma_core::plan::Projection;
use leptos::prelude::*;

use crate::components::recommendation::{confidence_badge, RecommendationDetails};

/// The recommendation the policy would give on a chosen day of the plan (the
/// first by default), in full, against the plan before the edits.
#[component]
pub fn PolicyByDay(
    projection: Signal<Projection>,
    baseline_projection: Signal<Projection>,
    /// The day the coach chooses here.
    chosen: RwSignal<usize>,
    /// The day shown: the chosen one, within the plan.
    shown_day: Memo<usize>,
) -> impl IntoView {
    let detail = move || projection.with(|p| p.detail.clone());
    let count = Memo::new(move |_| projection.with(|p| p.days.len()));
    let option = move |i: usize| {
        let text = Memo::new(move |_| {
            projection.with(|p| {
                p.days
                    .get(i)
                    .map(|d| {
                        format!(
                            "{} {}: {}",
                            d.date.strftime("%a"),
                            d.date,
                            d.policy.action.label().to_lowercase()
                        )
                    })
                    .unwrap_or_default()
            })
        });
        view! { <option value=i.to_string() selected=move || shown_day.get() == i>{move || text.get()}</option> }
    };
    let options = move || view! { <For each=move || 0..count.get() key=|i| *i children=option/> };
    view! {
        <section class="plan-policy" data-testid="plan-policy">
            <div class="rec-head">
                <h3>"What the policy would recommend"</h3>
                {move || detail().map(|r| confidence_badge(&r))}
            </div>
            <p class="note">
                "As if the plan were followed up to the day before: the same guardrails, rules and model as today's recommendation, reading the plan's load for the day and its week."
            </p>
            <label class="inline">
                "On "
                <select
                    data-testid="policy-day"
                    prop:value=move || shown_day.get().to_string()
                    on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            chosen.set(i);
                        }
                    }
                >
                    {options}
                </select>
            </label>
            {move || {
                let r = detail()?;
                let before = baseline_projection.with(|b| {
                    b.days.iter().find(|b| b.date == r.date).map(|b| b.policy.action)
                });
                let changed = before.filter(|b| *b != r.action).map(|b| {
                    view! {
                        <p class="note" data-testid="policy-before">
                            {format!("Before the edits: {}.", b.label().to_lowercase())}
                        </p>
                    }
                });
                Some(view! {
                    {changed}
                    <RecommendationDetails recommendation=r/>
                })
            }}
        </section>
    }
}

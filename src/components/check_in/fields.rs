//! The check-in's parts: the form as typed (kept as a draft), a 1-to-5 scale
//! made for a thumb, the sports offered, and the day's stored values with their
//! sources.

use forma_core::api::WellnessRecord;
use forma_core::wellness::{self, WellnessField};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form as typed, kept in this browser until it is handed to the outbox (a
/// session that expires or a reload loses nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct CheckInForm {
    pub sleep_h: String,
    pub sleep_quality: Option<f64>,
    pub fatigue: Option<f64>,
    pub soreness: Option<f64>,
    pub stress: Option<f64>,
    pub mood: Option<f64>,
    pub minutes: String,
    pub rpe: String,
}

/// The sports offered for yesterday's session; the athlete's own sport first.
pub(super) const SPORTS: [&str; 8] = [
    "football",
    "running",
    "cycling",
    "strength",
    "swimming",
    "skiing",
    "team training",
    "other",
];

/// One 1-to-5 item as a row of buttons (big enough to tap); tapping the chosen
/// answer again takes it back.
#[component]
pub(super) fn Scale(
    label: &'static str,
    low: &'static str,
    high: &'static str,
    value: RwSignal<Option<f64>>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="scale" data-testid=testid>
            <legend>{label}</legend>
            <div class="scale-buttons">
                {(1..=5)
                    .map(|n| {
                        let v = f64::from(n);
                        view! {
                            <button
                                type="button"
                                class="segment"
                                aria-pressed=move || (value.get() == Some(v)).to_string()
                                on:click=move |_| {
                                    value.update(|now| *now = if *now == Some(v) { None } else { Some(v) })
                                }
                            >
                                {n}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="scale-ends"><span>{low}</span><span>{high}</span></div>
        </fieldset>
    }
}

/// The day's stored values as a list, each with its source.
#[component]
pub(super) fn FiledValues(record: WellnessRecord) -> impl IntoView {
    let rows: Vec<_> = WellnessField::ALL
        .into_iter()
        .filter_map(|field| {
            let value = field.get(&record.entry)?;
            let source = record.sources.get(&field).map(|s| s.as_str());
            let from = match source {
                Some("athlete") => "you".to_owned(),
                Some(source) => wellness::source_words(source),
                None => "an earlier import".to_owned(),
            };
            Some(view! {
                <li data-testid=format!("filed-{}", field.as_str())>
                    <span class="filed-item">{field.words()}</span>
                    " "
                    <strong>{wellness::value_words(field, value)}</strong>
                    <span class="filed-source">{format!(" · from {from}")}</span>
                </li>
            })
        })
        .collect();
    view! { <ul class="filed-values">{rows}</ul> }
}

/// Yesterday's session: sport (the athlete's own first), minutes and RPE.
#[component]
pub(super) fn YesterdaySession(
    legend: String,
    options: Vec<String>,
    sport: RwSignal<String>,
    minutes: RwSignal<String>,
    rpe: RwSignal<String>,
) -> impl IntoView {
    view! {
        <fieldset class="yesterday">
            <legend>{legend}</legend>
            <label>
                "Sport"
                <select
                    data-testid="check-in-sport"
                    prop:value=sport
                    on:change=move |ev| sport.set(event_target_value(&ev))
                >
                    {options
                        .into_iter()
                        .map(|s| view! { <option value=s.clone()>{s.clone()}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                "Minutes"
                <input
                    type="number"
                    inputmode="numeric"
                    min="0"
                    max="1440"
                    data-testid="check-in-minutes"
                    prop:value=minutes
                    on:input=move |ev| minutes.set(event_target_value(&ev))
                />
            </label>
            <label>
                "How hard (RPE 0 to 10)"
                <input
                    type="number"
                    inputmode="numeric"
                    min="0"
                    max="10"
                    data-testid="check-in-rpe"
                    prop:value=rpe
                    on:input=move |ev| rpe.set(event_target_value(&ev))
                />
            </label>
        </fieldset>
    }
}

//! Wellness days by hand: a form that writes a day's values (a new day, or the
//! values given on a day already stored, which merge with the rest), and the
//! newest days, each to change or delete.

use forma_core::api::NewWellness;
use forma_core::types::WellnessEntry;
use leptos::prelude::*;

use super::Reload;
use crate::api;
use crate::typed::{parse_number, shown};

/// The newest days the editor lists.
const ROWS: usize = 20;

/// The items the form writes, with their labels: the check-in's and the
/// resting heart rate.
const ITEMS: [(&str, &str); 7] = [
    ("sleep_h", "Sleep (h)"),
    ("sleep_quality", "Sleep quality"),
    ("fatigue", "Fatigue"),
    ("soreness", "Soreness"),
    ("stress", "Stress"),
    ("mood", "Mood"),
    ("resting_hr", "Resting HR (bpm)"),
];

fn value_of(entry: &WellnessEntry, item: &str) -> Option<f64> {
    match item {
        "sleep_h" => entry.sleep_h,
        "sleep_quality" => entry.sleep_quality,
        "fatigue" => entry.fatigue,
        "soreness" => entry.soreness,
        "stress" => entry.stress,
        "mood" => entry.mood,
        "resting_hr" => entry.resting_hr,
        _ => None,
    }
}

/// A day's fields as typed.
#[derive(Clone, Copy)]
struct DayForm {
    date: RwSignal<String>,
    values: [RwSignal<String>; 7],
}

impl DayForm {
    fn new() -> DayForm {
        DayForm {
            date: RwSignal::new(String::new()),
            values: std::array::from_fn(|_| RwSignal::new(String::new())),
        }
    }

    /// Fills the form with a stored day, to change it.
    fn fill(&self, entry: &WellnessEntry) {
        self.date.set(entry.date.to_string());
        for ((item, _), field) in ITEMS.iter().zip(self.values) {
            field.set(shown(value_of(entry, item)));
        }
    }

    /// The write: the values typed; an empty field leaves what is stored.
    fn write(&self) -> NewWellness {
        let value = |item: &str| {
            ITEMS
                .iter()
                .position(|(name, _)| *name == item)
                .and_then(|i| parse_number(&self.values[i].get_untracked()))
        };
        NewWellness {
            sleep_h: value("sleep_h"),
            sleep_quality: value("sleep_quality"),
            fatigue: value("fatigue"),
            soreness: value("soreness"),
            stress: value("stress"),
            mood: value("mood"),
            resting_hr: value("resting_hr"),
            ..NewWellness::default()
        }
    }
}

#[component]
pub fn WellnessCard(
    athlete: String,
    wellness: Vec<WellnessEntry>,
    reload: Reload,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let athlete = StoredValue::new(athlete);
    let form = DayForm::new();
    let save = Action::new_unsync(move |(): &()| {
        let date = form.date.get_untracked();
        let write = form.write();
        async move {
            if date.trim().is_empty() {
                message.set(Some("Choose the day first.".to_owned()));
                return;
            }
            match api::put_wellness(&athlete.get_value(), date.trim(), &write).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let delete = Action::new_unsync(move |date: &String| {
        let date = date.clone();
        async move {
            match api::delete_wellness(&athlete.get_value(), &date).await {
                Ok(()) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let total = wellness.len();
    let rows = wellness.into_iter().rev().take(ROWS).map(|w| {
        let date = w.date.to_string();
        let items = ITEMS
            .iter()
            .filter_map(|(item, label)| value_of(&w, item).map(|v| format!("{} {v}", label.to_lowercase())))
            .collect::<Vec<_>>()
            .join(" · ");
        let gone = date.clone();
        view! {
            <li class="record-row" data-testid="wellness-row">
                <span class="record-text">{format!("{date} · {items}")}</span>
                <span class="record-buttons">
                    <button class="button small secondary" data-testid="wellness-edit" on:click=move |_| form.fill(&w)>"Change"</button>
                    <button class="button small danger" data-testid="wellness-delete" on:click=move |_| { delete.dispatch(gone.clone()); }>"Delete day"</button>
                </span>
            </li>
        }
    }).collect_view();
    let fields = ITEMS
        .iter()
        .zip(form.values)
        .map(|((item, label), value)| {
            view! {
                <label class="field">
                    <span>{*label}</span>
                    <input type="number" step="any" data-testid=format!("wellness-{item}") prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="wellness-card">
            <h2>{format!("Wellness days ({total})")}</h2>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(());
            }>
                <label class="field">
                    <span>"Day"</span>
                    <input type="date" data-testid="wellness-date" prop:value=move || form.date.get() on:input=move |ev| form.date.set(event_target_value(&ev))/>
                </label>
                {fields}
                <button type="submit" class="button" data-testid="wellness-save">"Save day"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="wellness-error">{m}</p> })}
            <p class="note">"Scales 0 to 10. Saving writes the values given and keeps the day's others; a wrong day is deleted whole, and the athlete's check-in or an import fills it again."</p>
            <ul class="records">{rows}</ul>
        </section>
    }
}

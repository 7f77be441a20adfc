//! The athlete's performance tests, which the performance projection is fitted
//! to, and a form for a coach to record one.

use forma_core::plan::PerformanceTest;
use leptos::prelude::*;

use crate::api;
use crate::typed::parse_number;

/// The athlete's performance tests and a form to record one (coaches).
#[component]
pub fn TestsForm(athlete: String, tests: RwSignal<Vec<PerformanceTest>>) -> impl IntoView {
    let date = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let add = Action::new_unsync(move |(): &()| {
        let athlete = athlete.clone();
        let parsed = date
            .get_untracked()
            .parse()
            .map_err(|_| "Give the test's date as YYYY-MM-DD.".to_owned())
            .and_then(|d| {
                parse_number(&value.get_untracked())
                    .map(|v| PerformanceTest { date: d, value: v })
                    .ok_or_else(|| "Give the test's result as a number.".to_owned())
            });
        async move {
            match parsed {
                Err(why) => message.set(Some(why)),
                Ok(test) => match api::add_performance_test(&athlete, &test).await {
                    Ok(stored) => {
                        tests.update(|t| {
                            t.push(stored);
                            t.sort_by_key(|t| t.date);
                        });
                        value.set(String::new());
                        message.set(None);
                    }
                    Err(failure) => message.set(Some(failure.to_string())),
                },
            }
        }
    });
    view! {
        <details class="tests" data-testid="performance-tests">
            <summary>{move || format!("Performance tests ({})", tests.with(Vec::len))}</summary>
            <p class="note">"A result where higher is better (a time trial's power, a jump height)."</p>
            <ul>
                {move || tests.get().into_iter().map(|t| view! { <li>{format!("{}: {}", t.date, t.value)}</li> }).collect_view()}
            </ul>
            <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                add.dispatch(());
            }>
                <input type="date" aria-label="Test date" data-testid="test-date" prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
                <input type="number" step="any" aria-label="Result" placeholder="result" data-testid="test-value" prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                <button type="submit" class="button small" data-testid="test-add" disabled=move || add.pending().get()>"Record test"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
        </details>
    }
}

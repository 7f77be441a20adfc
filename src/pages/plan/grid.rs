//! The grid of planned days: each day's sessions with their sport, minutes, RPE
//! and load, moved, copied, added and removed; a number that is not accepted is
//! marked at its field with what is.

use forma_core::plan::{copy_day, move_session, Plan, PlanError, PlannedSession, SessionField};
use leptos::prelude::*;

use crate::typed::parse_number;

#[component]
pub fn DayCard(
    day: usize,
    days: Memo<usize>,
    plan: RwSignal<Plan>,
    problems: Memo<Vec<PlanError>>,
    edit: impl Fn(&dyn Fn(&mut Plan)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let date = plan.with_untracked(|p| p.date(day));
    // This day's sessions: its inputs update only when the day changes, not on
    // every edit of the plan.
    let sessions = Memo::new(move |_| plan.with(|p| p.days.get(day).cloned().unwrap_or_default()));
    let count = move || sessions.with(Vec::len);
    let day_problems = Memo::new(move |_| {
        problems.with(|all| {
            all.iter()
                .filter_map(|p| p.at.filter(|(d, _, _)| *d == day))
                .map(|(_, k, field)| (k, field))
                .collect::<Vec<_>>()
        })
    });
    // A day with a value in error has no load to show until it is corrected.
    let day_load = move || {
        if day_problems.with(|p| !p.is_empty()) {
            "–".to_owned()
        } else {
            let load = sessions.with(|s| s.iter().map(PlannedSession::planned_load).sum::<f64>());
            format!("{:.0}", load + 0.0)
        }
    };
    view! {
        <div class="plan-day" data-testid="plan-day" data-date=date.to_string()>
            <div class="plan-day-head">
                <strong>{format!("{} {}", date.strftime("%a"), date)}</strong>
                <span class="note" data-testid="day-load">{day_load}</span>
            </div>
            <For
                each=move || 0..count()
                key=|k| *k
                children=move |k| view! { <SessionRow day k sessions days plan problems=day_problems edit/> }
            />
            <div class="plan-day-actions">
                <button
                    class="button small secondary"
                    data-testid="add-session"
                    on:click=move |_| edit(&|p: &mut Plan| {
                        if let Some(d) = p.days.get_mut(day) {
                            d.push(PlannedSession { minutes: Some(45.0), rpe: Some(5.0), ..PlannedSession::default() });
                        }
                    })
                >
                    "Add"
                </button>
                <button
                    class="button small secondary"
                    data-testid="copy-day"
                    title="Copy this day's sessions onto the next day"
                    on:click=move |_| edit(&|p: &mut Plan| copy_day(p, day, day + 1))
                >
                    "Copy to next day"
                </button>
            </div>
        </div>
    }
}

#[component]
fn SessionRow(
    day: usize,
    k: usize,
    sessions: Memo<Vec<PlannedSession>>,
    days: Memo<usize>,
    plan: RwSignal<Plan>,
    /// The fields of this day's sessions with a value in error: (session, field).
    problems: Memo<Vec<(usize, SessionField)>>,
    edit: impl Fn(&dyn Fn(&mut Plan)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = Memo::new(move |_| sessions.with(|s| s.get(k).cloned()));
    let days = move || days.get();
    view! {
        <div class="plan-session" data-testid="plan-session">
            <input
                class="sport"
                aria-label="Sport"
                placeholder="sport"
                prop:value=move || session.with(|s| s.as_ref().and_then(|s| s.sport.clone()).unwrap_or_default())
                on:change=move |ev| {
                    let text = event_target_value(&ev);
                    edit(&move |p: &mut Plan| {
                        if let Some(s) = p.days.get_mut(day).and_then(|d| d.get_mut(k)) {
                            s.sport = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
                        }
                    });
                }
            />
            {SessionField::ALL
                .into_iter()
                .map(|field| view! { <NumberField day k field session problems edit/> })
                .collect_view()}
            <select
                aria-label="Move to day"
                data-testid="move-session"
                on:change=move |ev| {
                    if let Ok(to) = event_target_value(&ev).parse::<usize>() {
                        edit(&move |p: &mut Plan| move_session(p, day, k, to));
                    }
                }
            >
                <option value="" selected>"Move…"</option>
                {move || {
                    (0..days())
                        .filter(|d| *d != day)
                        .map(|d| {
                            let date = plan.with_untracked(|p| p.date(d));
                            view! { <option value=d.to_string()>{format!("{} {}", date.strftime("%a"), date.day())}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <button
                class="button small secondary"
                aria-label="Remove session"
                data-testid="remove-session"
                on:click=move |_| edit(&move |p: &mut Plan| {
                    if let Some(d) = p.days.get_mut(day) {
                        if k < d.len() {
                            d.remove(k);
                        }
                    }
                })
            >
                "×"
            </button>
        </div>
    }
}

/// One number of a planned session (minutes, RPE or load), marked with what is
/// accepted when its value is not.
#[component]
fn NumberField(
    day: usize,
    k: usize,
    field: SessionField,
    session: Memo<Option<PlannedSession>>,
    problems: Memo<Vec<(usize, SessionField)>>,
    edit: impl Fn(&dyn Fn(&mut Plan)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let bound = field.bound();
    let value = move || session.with(|s| s.as_ref().and_then(|s| field.value(s)));
    let invalid = Memo::new(move |_| problems.with(|p| p.contains(&(k, field))));
    let message_id = format!("plan-{day}-{k}-{}-error", bound.field);
    let (label, testid) = match field {
        SessionField::Minutes => ("min", "session-minutes"),
        SessionField::Rpe => ("RPE", "session-rpe"),
        SessionField::Load => ("load", "session-load"),
    };
    // The load RPE × minutes gives, unless one of them is not accepted (no
    // "-25" as a hint).
    let placeholder = (field == SessionField::Load).then_some(move || {
        if problems.with(|p| p.iter().any(|(session, _)| *session == k)) {
            return String::new();
        }
        session.with(|s| {
            s.as_ref()
                .map(|s| format!("{:.0}", s.planned_load()))
                .unwrap_or_default()
        })
    });
    view! {
        <span class="plan-field" class:invalid=move || invalid.get()>
            <label>
                {label}
                <input
                    type="number"
                    min=bound.min.to_string()
                    max=bound.max.to_string()
                    step="any"
                    inputmode="decimal"
                    data-testid=testid
                    aria-invalid=move || invalid.get().then_some("true")
                    aria-describedby=move || invalid.get().then(|| message_id.clone())
                    placeholder=placeholder
                    prop:value=move || value().map(|v| v.to_string()).unwrap_or_default()
                    on:input=move |ev| {
                        // Half a number ("1." on the way to "1.5") reads as empty:
                        // the plan waits for the rest rather than clearing the field.
                        if event_target::<web_sys::HtmlInputElement>(&ev).validity().bad_input() {
                            return;
                        }
                        // The number as typed, accepted or not: the field shows it
                        // marked, and the projection holds to the last accepted plan.
                        let typed = parse_number(&event_target_value(&ev));
                        edit(&move |p: &mut Plan| {
                            if let Some(s) = p.days.get_mut(day).and_then(|d| d.get_mut(k)) {
                                field.set(s, typed);
                            }
                        });
                    }
                />
            </label>
            <Show when=move || invalid.get()>
                <span class="field-error" id=format!("plan-{day}-{k}-{}-error", bound.field) data-testid="field-error">
                    {move || value().map(|v| field.refusal(v)).unwrap_or_default()}
                </span>
            </Show>
        </span>
    }
}

//! Injuries and illnesses: record one, close it on the day the athlete was
//! cleared to train (which lets automatic recommendations back), open it again,
//! or delete a wrong one.

use forma_core::api::{EventRecord, NewEvent};
use leptos::prelude::*;

use super::Reload;
use crate::api;

#[component]
pub fn EventsCard(athlete: String, events: Vec<EventRecord>, reload: Reload) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let athlete = StoredValue::new(athlete);
    let date = RwSignal::new(String::new());
    let kind = RwSignal::new("injury".to_owned());
    let body_part = RwSignal::new(String::new());
    let add = Action::new_unsync(move |(): &()| {
        let event = NewEvent {
            id: None,
            date: date.get_untracked(),
            kind: kind.get_untracked(),
            severity: None,
            body_part: Some(body_part.get_untracked()),
            days_lost: None,
        };
        async move {
            match api::add_event(&athlete.get_value(), &event).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let close = Action::new_unsync(move |(id, on): &(String, Option<String>)| {
        let (id, on) = (id.clone(), on.clone());
        async move {
            if on.as_deref() == Some("") {
                message.set(Some(
                    "closed_on: give the day the athlete was cleared to train".to_owned(),
                ));
                return;
            }
            match api::close_event(&athlete.get_value(), &id, on).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let delete = Action::new_unsync(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_event(&athlete.get_value(), &id).await {
                Ok(()) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let total = events.len();
    let rows = events.into_iter().rev().map(|record| {
        let e = record.event;
        let id = record.id;
        let what = format!(
            "{} · {}{}",
            e.date,
            e.kind,
            e.body_part.as_deref().map(|b| format!(" ({b})")).unwrap_or_default()
        );
        let closed = e.closed_on;
        let cleared = RwSignal::new(String::new());
        let (close_id, gone) = (id.clone(), id.clone());
        view! {
            <li class="record-row" data-testid="event-row">
                <span class="record-text">{what}</span>
                {match closed {
                    Some(on) => view! {
                        <span class="badge" data-testid="event-closed">{format!("closed on {on}")}</span>
                        <button class="button small secondary" data-testid="event-reopen" on:click=move |_| { close.dispatch((close_id.clone(), None)); }>"Open again"</button>
                    }.into_any(),
                    None => view! {
                        <span class="record-buttons">
                            <input type="date" aria-label="Cleared to train on" data-testid="event-closed-on" prop:value=cleared on:input=move |ev| cleared.set(event_target_value(&ev))/>
                            <button class="button small" data-testid="event-close" on:click=move |_| { close.dispatch((close_id.clone(), Some(cleared.get_untracked()))); }>"Close: cleared to train"</button>
                        </span>
                    }.into_any(),
                }}
                <button class="button small danger" data-testid="event-delete" on:click=move |_| { delete.dispatch(gone.clone()); }>"Delete"</button>
            </li>
        }
    }).collect_view();
    view! {
        <section class="card" data-testid="events-card">
            <h2>{format!("Injuries and illnesses ({total})")}</h2>
            <p class="note">"While an injury is open, Forma makes no automatic change to the plan. Close it on the day the athlete is cleared to train, and automatic recommendations come back from that day."</p>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                add.dispatch(());
            }>
                <label class="field"><span>"Day"</span>
                    <input type="date" data-testid="event-date" prop:value=date on:input=move |ev| date.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Kind"</span>
                    <select data-testid="event-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="injury">"Injury"</option>
                        <option value="illness">"Illness"</option>
                    </select>
                </label>
                <label class="field"><span>"Body part"</span>
                    <input type="text" data-testid="event-body-part" prop:value=body_part on:input=move |ev| body_part.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="button" data-testid="event-add">"Record"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="events-error">{m}</p> })}
            <ul class="records">{rows}</ul>
        </section>
    }
}

//! Sessions by hand: the newest ones with their values to change or delete, and
//! a form to add one.

use forma_core::api::{NewSession, SessionRecord};
use leptos::prelude::*;

use super::Reload;
use crate::api;
use crate::typed::{parse_number, shown};

/// The newest rows the editor lists (older ones are changed the same way, through
/// an import or the API).
const ROWS: usize = 20;

/// A session's fields as typed.
#[derive(Clone, Copy)]
struct SessionForm {
    date: RwSignal<String>,
    sport: RwSignal<String>,
    minutes: RwSignal<String>,
    rpe: RwSignal<String>,
}

impl SessionForm {
    fn new(record: Option<&SessionRecord>) -> SessionForm {
        let s = record.map(|r| &r.session);
        SessionForm {
            date: RwSignal::new(s.map(|s| s.date.to_string()).unwrap_or_default()),
            sport: RwSignal::new(s.and_then(|s| s.sport.clone()).unwrap_or_default()),
            minutes: RwSignal::new(shown(s.and_then(|s| s.duration_min))),
            rpe: RwSignal::new(shown(s.and_then(|s| s.rpe))),
        }
    }

    fn values(self) -> NewSession {
        NewSession {
            id: None,
            date: self.date.get_untracked(),
            sport: Some(self.sport.get_untracked()).filter(|s| !s.trim().is_empty()),
            duration_min: parse_number(&self.minutes.get_untracked()),
            rpe: parse_number(&self.rpe.get_untracked()),
            load: None,
            distance_km: None,
            avg_hr: None,
        }
    }

    fn fields(self, prefix: &'static str) -> impl IntoView {
        let input = move |label: &'static str,
                          name: &'static str,
                          value: RwSignal<String>,
                          kind: &'static str| {
            view! {
                <label class="field">
                    <span>{label}</span>
                    <input type=kind step="any" data-testid=format!("{prefix}-{name}") prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                </label>
            }
        };
        view! {
            {input("Day", "date", self.date, "date")}
            {input("Sport", "sport", self.sport, "text")}
            {input("Minutes", "minutes", self.minutes, "number")}
            {input("RPE (0 to 10)", "rpe", self.rpe, "number")}
        }
    }
}

#[component]
pub fn SessionsCard(
    athlete: String,
    sessions: Vec<SessionRecord>,
    reload: Reload,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<String>);
    let new = SessionForm::new(None);
    let athlete = StoredValue::new(athlete);
    let add = Action::new_unsync(move |(): &()| {
        let values = new.values();
        async move {
            match api::add_session(&athlete.get_value(), &values).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let save = Action::new_unsync(move |(id, form): &(String, SessionForm)| {
        let (id, values) = (id.clone(), form.values());
        async move {
            match api::edit_session(&athlete.get_value(), &id, &values).await {
                Ok(_) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let delete = Action::new_unsync(move |id: &String| {
        let id = id.clone();
        async move {
            match api::delete_session(&athlete.get_value(), &id).await {
                Ok(()) => reload.now(),
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let total = sessions.len();
    let rows = sessions.into_iter().rev().take(ROWS).map(|record| {
        let id = record.id.clone();
        let form = SessionForm::new(Some(&record));
        let s = record.session.clone();
        let summary = format!(
            "{} · {} · {} min · RPE {} · load {}",
            s.date,
            s.sport.as_deref().unwrap_or("session"),
            shown(s.duration_min),
            shown(s.rpe),
            s.load
        );
        let (edit_id, save_id) = (id.clone(), id.clone());
        view! {
            <li class="record-row" data-testid="session-row">
                <Show when=move || editing.get().as_deref() == Some(edit_id.as_str()) fallback=move || {
                    let (open, gone) = (id.clone(), id.clone());
                    view! {
                        <span class="record-text">{summary.clone()}</span>
                        <span class="record-buttons">
                            <button class="button small secondary" data-testid="session-edit" on:click=move |_| editing.set(Some(open.clone()))>"Change"</button>
                            <button class="button small danger" data-testid="session-delete" on:click=move |_| { delete.dispatch(gone.clone()); }>"Delete"</button>
                        </span>
                    }
                }>
                    <form class="record-form" on:submit={
                        let save_id = save_id.clone();
                        move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            save.dispatch((save_id.clone(), form));
                        }
                    }>
                        {form.fields("edit")}
                        <button type="submit" class="button small" data-testid="session-save">"Save"</button>
                        <button type="button" class="button small secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
                    </form>
                </Show>
            </li>
        }
    }).collect_view();
    view! {
        <section class="card" data-testid="sessions-card">
            <h2>{format!("Sessions ({total})")}</h2>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                add.dispatch(());
            }>
                {new.fields("new")}
                <button type="submit" class="button" data-testid="session-add">"Add session"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="sessions-error">{m}</p> })}
            <p class="note">{format!("Newest first, the last {ROWS} at most. Load is RPE x minutes.")}</p>
            <ul class="records">{rows}</ul>
        </section>
    }
}

//! The queue page once loaded: the panel to label the current item with, the
//! list, and the wiring between them: saving through the outbox, undo (kept in
//! this browser across reloads) and the keyboard.

use forma_core::labels::LabelQueue;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::also::AlsoCovered;
use super::keys::{key_action, typing_in, KeyAction};
use super::list::QueueList;
use super::panel::{CodePicker, Shortcuts, Vocabulary};
use super::state::{QueueState, SaveStep, Saved, SavedHere};
use crate::auth::use_auth;
use crate::drafts::{self, DraftKey};
use crate::outbox::{new_label_id, use_label_outbox, RETRY};

fn now_text() -> String {
    web_sys::js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

fn scroll_to_current() {
    request_animation_frame(|| {
        let current = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector("[data-testid=queue-item][data-current=true]")
                    .ok()
            })
            .flatten();
        if let Some(element) = current {
            element.scroll_into_view_with_bool(false);
        }
    });
}

#[component]
pub fn QueueView(queue: LabelQueue, athlete: Option<String>) -> impl IntoView {
    let auth = use_auth();
    let outbox = use_label_outbox();
    let navigate = use_navigate();
    let more = queue.more;
    let mut athletes: Vec<(String, String)> = queue
        .items
        .iter()
        .map(|i| (i.athlete_id.to_string(), i.athlete_name.clone()))
        .collect();
    athletes.sort();
    athletes.dedup();
    // The labels saved here before, newest last, for undo after a reload.
    let email = auth
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.user.email.clone()))
        .unwrap_or_default();
    let undo_key = StoredValue::new(DraftKey::label_undo(&email));
    let mut initial = QueueState::new(queue.items);
    initial.saved = drafts::load::<Vec<SavedHere>>(&undo_key.get_value())
        .map(|d| d.value)
        .unwrap_or_default();
    let state = RwSignal::new(initial);
    let keep_undo = move || {
        let saved = state.with_untracked(|s| s.saved.clone());
        if saved.is_empty() {
            drafts::clear(&undo_key.get_value());
        } else {
            drafts::store(&undo_key.get_value(), &saved);
        }
    };
    let message = RwSignal::new(None::<(bool, String)>);
    let note_field = NodeRef::<leptos::html::Input>::new();

    let save = move || {
        let (email, name) = auth
            .user
            .with_untracked(|u| {
                u.as_ref()
                    .map(|u| (u.user.email.clone(), u.user.display_name.clone()))
            })
            .unwrap_or_default();
        let mut result = Err(String::new());
        state.update(|s| result = s.save(new_label_id(), &email, &name, &now_text()));
        match result {
            Ok(SaveStep::Confirm(_)) => message.set(None),
            Ok(SaveStep::Saved(saved)) => {
                let Saved {
                    athlete,
                    new,
                    label,
                    also,
                } = *saved;
                let also_words = match also.len() {
                    0 => String::new(),
                    1 => " It also labels 1 other item.".to_owned(),
                    n => format!(" It also labels {n} other items."),
                };
                message.set(Some((
                    false,
                    format!(
                        "Saved {} for {} on {}.{also_words}",
                        label.code.name(),
                        athlete,
                        label.span()
                    ),
                )));
                outbox.save(athlete, new);
                keep_undo();
                scroll_to_current();
            }
            Err(why) => message.set(Some((true, why))),
        }
    };
    let undo = move || {
        let mut undone = None;
        state.update(|s| undone = s.undo());
        match undone {
            Some((saved, label)) => {
                // A label the server has is taken back there (the outbox sends the
                // take-back); one still waiting is simply not sent.
                outbox.undo(saved.athlete.clone(), &saved.label_id);
                keep_undo();
                let what = label.map_or_else(String::new, |l| {
                    format!(" {} on {}", l.code.name(), l.span())
                });
                message.set(Some((
                    false,
                    format!("Took back{what} for {}.", saved.athlete),
                )));
                scroll_to_current();
            }
            None => message.set(Some((true, "Nothing to undo on this page.".to_owned()))),
        }
    };
    let focus_note = move || {
        if let Some(input) = note_field.get_untracked() {
            let _ = input.focus();
        }
    };
    let leave_note = move || {
        if let Some(input) = note_field.get_untracked() {
            let _ = input.blur();
        }
    };
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let key = event.key();
        let tag = typing_in(&event).unwrap_or_default();
        if matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT") {
            match key.as_str() {
                "Enter" => {
                    event.prevent_default();
                    leave_note();
                    save();
                }
                "Escape" => leave_note(),
                _ => {}
            }
            return;
        }
        if matches!(tag.as_str(), "BUTTON" | "A") && key == "Enter" {
            return;
        }
        if event.alt_key() {
            return;
        }
        let Some(action) = key_action(&key, event.ctrl_key() || event.meta_key()) else {
            return;
        };
        event.prevent_default();
        match action {
            KeyAction::Next => {
                state.update(|s| s.move_by(1));
                scroll_to_current();
            }
            KeyAction::Previous => {
                state.update(|s| s.move_by(-1));
                scroll_to_current();
            }
            KeyAction::Pick(code) => state.update(|s| s.code = Some(code)),
            KeyAction::Note => focus_note(),
            KeyAction::Save => save(),
            KeyAction::Undo => undo(),
            KeyAction::Clear => {
                state.update(|s| {
                    // Esc first cancels a confirmation, then clears the choice.
                    if s.confirming.take().is_none() {
                        s.code = None;
                        s.note.clear();
                    }
                });
                message.set(None);
            }
        }
    });
    on_cleanup(move || keys.remove());

    let current = move || {
        state.with(|s| {
            s.current().map(|item| {
                format!(
                    "{} · {} · {}",
                    item.athlete_name,
                    item.span(),
                    item.kind.title()
                )
            })
        })
    };
    let waiting = move || {
        let n = outbox.waiting.get();
        if n == 0 && outbox.refused.with(Option::is_some) {
            // Beside a refusal, "every label is saved" would not be true.
            "Nothing is waiting to be sent; the label above was not saved.".to_owned()
        } else if n == 0 {
            "Every label is saved on the server.".to_owned()
        } else {
            format!(
                "{n} label{} waiting to be sent: kept in this browser, sent when the server answers (tried every {} s).",
                if n == 1 { "" } else { "s" },
                RETRY.as_secs()
            )
        }
    };
    let athlete_choice = athlete.clone().unwrap_or_default();
    let choose_athlete = move |event: leptos::ev::Event| {
        let chosen = event_target_value(&event);
        let path = if chosen.is_empty() {
            "/labels".to_owned()
        } else {
            format!("/labels?athlete={chosen}")
        };
        navigate(&path, Default::default());
    };
    view! {
        <div class="queue-layout">
            <aside class="card queue-panel" data-testid="queue-panel">
                <h2>"Label this item"</h2>
                <p class="queue-now" data-testid="queue-current">
                    {move || current().unwrap_or_else(|| "Nothing needs a label.".to_owned())}
                </p>
                <Shortcuts/>
                <CodePicker state/>
                <label class="field">
                    "Note (press n; required for Other)"
                    <input
                        type="text"
                        maxlength="500"
                        node_ref=note_field
                        data-testid="queue-note"
                        prop:value=move || state.with(|s| s.note.clone())
                        on:input=move |event| {
                            let value = event_target_value(&event);
                            state.update(|s| s.note = value);
                        }
                    />
                </label>
                <AlsoCovered state save=save/>
                <div class="actions">
                    <button class="button" data-testid="queue-save" on:click=move |_| save()>"Save (Enter)"</button>
                    <button class="button secondary" data-testid="queue-undo" on:click=move |_| undo()>"Undo (u)"</button>
                </div>
                {move || {
                    message
                        .get()
                        .map(|(problem, text)| {
                            view! {
                                <p
                                    class=if problem { "form-error" } else { "form-note" }
                                    role="status"
                                    data-testid="queue-message"
                                >
                                    {text}
                                </p>
                            }
                        })
                }}
                {move || outbox.refused.get().map(|r| view! { <p class="form-error" role="alert">{r}</p> })}
                <p
                    class="queue-waiting"
                    data-testid="queue-waiting"
                    data-waiting=move || outbox.waiting.get().to_string()
                    role="status"
                >
                    {waiting}
                </p>
                <Vocabulary/>
            </aside>
            <section class="queue-main">
                <div class="queue-tools">
                    <p class="queue-count" data-testid="queue-count">
                        {move || {
                            let (total, open) = state.with(|s| (s.items.len(), s.unlabelled()));
                            let mut text = format!("{total} items, {open} without a label");
                            if more > 0 {
                                text.push_str(&format!(" ({more} more not shown)"));
                            }
                            text
                        }}
                    </p>
                    <label class="switch">
                        "Athlete "
                        <select data-testid="queue-athlete" prop:value=athlete_choice.clone() on:change=choose_athlete>
                            <option value="">"All athletes"</option>
                            {athletes
                                .into_iter()
                                .map(|(id, name)| {
                                    let selected = id == athlete_choice;
                                    view! { <option value=id selected=selected>{name}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                </div>
                <QueueList state/>
            </section>
        </div>
    }
}

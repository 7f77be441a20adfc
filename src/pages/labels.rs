//! `/labels`: the label queue. The sessions, days and ranges of days that most need
//! a label come first (see `forma_core::labels::athlete_queue`); a coach works down
//! the list with the keyboard alone: move with j/k or the arrows, pick a code with
//! its number, add a note, save with Enter, undo with u or Ctrl+Z. Every label goes
//! through the outbox, so labelling goes on while the server is unreachable.

use forma_core::api::Role;
use forma_core::labels::{
    also_labelled, Label, LabelCode, LabelFormat, LabelQueue, NewLabel, QueueItem,
    VOCABULARY_VERSION,
};
use forma_core::types::AthleteId;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiFailure};
use crate::auth::{sign_in_href, use_auth};
use crate::components::label_form::author_words;
use crate::components::page_header::PageHeader;
use crate::components::sign_in_required::{current_path, SignInRequired};
use crate::drafts::{self, DraftKey};
use crate::outbox::{new_label_id, use_label_outbox, RETRY};
use serde::{Deserialize, Serialize};

/// A label saved on this page, for undo. Kept in this browser, so undo works
/// after a reload too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedHere {
    /// The key of the item it was saved for.
    pub item_key: String,
    pub athlete: AthleteId,
    pub label_id: String,
}

/// How many saved labels undo can take back, newest first.
pub const UNDO_DEPTH: usize = 50;

/// The queue as the page works on it: the items, the one under the cursor, the
/// code and note being given, the item whose save waits for a confirmation, and
/// the labels saved here (newest last).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueState {
    pub items: Vec<QueueItem>,
    pub cursor: usize,
    pub code: Option<LabelCode>,
    pub note: String,
    /// The item a save was asked for whose label also covers other items.
    pub confirming: Option<usize>,
    pub saved: Vec<SavedHere>,
}

/// What [`QueueState::save`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveStep {
    /// The label also covers these other items: saving again confirms.
    Confirm(Vec<usize>),
    /// Saved.
    Saved(Box<Saved>),
}

/// A label saved on the queue: what to send, the label, and the other items it
/// also labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub athlete: AthleteId,
    pub new: NewLabel,
    pub label: Label,
    pub also: Vec<usize>,
}

impl QueueState {
    pub fn new(items: Vec<QueueItem>) -> QueueState {
        QueueState {
            items,
            ..QueueState::default()
        }
    }

    /// The items other than the current one that its label would also cover.
    pub fn also_covered(&self) -> Vec<usize> {
        also_labelled(&self.items, self.cursor)
    }

    pub fn current(&self) -> Option<&QueueItem> {
        self.items.get(self.cursor)
    }

    /// Moves the cursor by `delta` items, staying in the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.items.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.confirming = None;
    }

    /// Points at item `index`, keeping the code and note being given.
    pub fn go_to(&mut self, index: usize) {
        if index < self.items.len() {
            if index != self.cursor {
                self.confirming = None;
            }
            self.cursor = index;
        }
    }

    /// Labels the item under the cursor with the chosen code and note. When the
    /// label also covers other items (a range over day and session items), the
    /// first call only asks for a confirmation ([`SaveStep::Confirm`]) and the
    /// second saves. Saving shows the label on every item it covers at once,
    /// remembers it for undo, clears the code and note and moves to the next item.
    ///
    /// # Errors
    /// In words: no item, no code chosen, or a label the server would refuse (such
    /// as `other` without a note).
    pub fn save(
        &mut self,
        id: String,
        author: &str,
        author_name: &str,
        now: &str,
    ) -> Result<SaveStep, String> {
        let item = self
            .current()
            .ok_or_else(|| "The queue is empty: nothing to label.".to_owned())?;
        let code = self
            .code
            .ok_or_else(|| "Pick a code first: press its number, 1 to 9 or 0.".to_owned())?;
        let note = Some(self.note.trim().to_owned()).filter(|n| !n.is_empty());
        let new = item.new_label(id, code, note);
        let athlete = item.athlete_id.clone();
        let label = new
            .clone()
            .into_label(athlete.clone(), author, author_name, now)
            .map_err(|e| match e.field {
                "note" => "Add a note (press n): the code Other needs one.".to_owned(),
                _ => e.to_string(),
            })?;
        let index = self.cursor;
        let also = self.also_covered();
        if !also.is_empty() && self.confirming != Some(index) {
            self.confirming = Some(index);
            return Ok(SaveStep::Confirm(also));
        }
        self.confirming = None;
        for i in std::iter::once(index).chain(also.iter().copied()) {
            self.items[i].labels.push(label.clone());
        }
        self.saved.push(SavedHere {
            item_key: self.items[index].key.clone(),
            athlete: athlete.clone(),
            label_id: label.id.clone(),
        });
        if self.saved.len() > UNDO_DEPTH {
            self.saved.remove(0);
        }
        self.code = None;
        self.note.clear();
        self.move_by(1);
        Ok(SaveStep::Saved(Box::new(Saved {
            athlete,
            new,
            label,
            also,
        })))
    }

    /// Takes back the last label saved here (on this page or before a reload):
    /// removes it from every item it shows on and moves the cursor to the item it
    /// was saved for. Returns it, or `None` when nothing was saved here.
    pub fn undo(&mut self) -> Option<(SavedHere, Option<Label>)> {
        let last = self.saved.pop()?;
        let mut removed = None;
        for item in &mut self.items {
            if let Some(at) = item.labels.iter().position(|l| l.id == last.label_id) {
                removed = Some(item.labels.remove(at));
            }
        }
        if let Some(index) = self.items.iter().position(|i| i.key == last.item_key) {
            self.go_to(index);
        }
        self.confirming = None;
        Some((last, removed))
    }

    /// How many items have no label yet.
    pub fn unlabelled(&self) -> usize {
        self.items.iter().filter(|i| i.labels.is_empty()).count()
    }
}

/// What a key press on the queue does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Next,
    Previous,
    Pick(LabelCode),
    Note,
    Save,
    Undo,
    Clear,
}

/// The action of a key pressed outside the note field (`ctrl` for Ctrl or ⌘).
pub fn key_action(key: &str, ctrl: bool) -> Option<KeyAction> {
    if ctrl {
        return matches!(key, "z" | "Z").then_some(KeyAction::Undo);
    }
    match key {
        "j" | "ArrowDown" => Some(KeyAction::Next),
        "k" | "ArrowUp" => Some(KeyAction::Previous),
        "n" | "/" => Some(KeyAction::Note),
        "Enter" => Some(KeyAction::Save),
        "u" => Some(KeyAction::Undo),
        "Escape" => Some(KeyAction::Clear),
        _ => {
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => LabelCode::from_shortcut(c).map(KeyAction::Pick),
                _ => None,
            }
        }
    }
}

/// The shortcuts, as the page lists them.
pub const SHORTCUTS: [(&str, &str); 7] = [
    ("j / ↓", "next"),
    ("k / ↑", "previous"),
    ("1 … 9, 0", "code"),
    ("n", "note (Enter saves, Esc leaves it)"),
    ("Enter", "save"),
    ("u / Ctrl+Z", "undo the last label"),
    ("Esc", "clear"),
];

async fn load(athlete: Option<String>) -> Result<Option<LabelQueue>, ApiFailure> {
    let Some(team) = api::teams().await?.into_iter().next() else {
        return Ok(None);
    };
    api::label_queue(&team.id, athlete.as_deref())
        .await
        .map(Some)
}

#[component]
pub fn LabelsPage() -> impl IntoView {
    let auth = use_auth();
    let here = current_path();
    let query = use_query_map();
    let athlete = move || query.with(|q| q.get("athlete").filter(|a| !a.is_empty()));
    let queue = LocalResource::new(move || {
        let athlete = athlete();
        let staff = auth.role().is_some_and(|role| role != Role::Athlete);
        let load = auth.when_signed_in(move || load(athlete));
        async move {
            if staff {
                load.await
            } else {
                Ok(None)
            }
        }
    });
    view! {
        <PageHeader title="Labels" summary="The sessions and days that most need a label, ready for the keyboard."/>
        <Transition fallback=|| view! { <p class="loading">"Loading the label queue…"</p> }>
            {move || {
                if !auth.checked.get() {
                    return Some(view! { <p class="loading">"Checking your sign-in…"</p> }.into_any());
                }
                match auth.role() {
                    None => {
                        return Some(
                            view! {
                                <section class="card empty-state" data-testid="labels-empty">
                                    <p>"Sign in as a coach to label your athletes' sessions and days."</p>
                                    <A href=sign_in_href(&here.get_untracked()) attr:class="button">"Sign in"</A>
                                </section>
                            }
                                .into_any(),
                        );
                    }
                    Some(Role::Athlete) => {
                        return Some(
                            view! {
                                <section class="card empty-state" data-testid="labels-athlete">
                                    <p>"Your coach labels your days here. The labels about you are on your page."</p>
                                </section>
                            }
                                .into_any(),
                        );
                    }
                    Some(_) => {}
                }
                queue
                    .get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            auth.session_lost(&failure);
                            view! { <SignInRequired what="the label queue"/> }.into_any()
                        }
                        Err(failure) => {
                            view! {
                                <p class="card error" role="alert">
                                    {failure.to_string()}
                                    " Reload the page to try again."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <p class="card empty-state">
                                    "You coach no team yet, so there is nothing to label."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(Some(queue)) => view! { <QueueView queue athlete=athlete()/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

fn now_text() -> String {
    web_sys::js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

/// Whether a key press happened in a field that takes text.
fn typing_in(event: &web_sys::KeyboardEvent) -> Option<String> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    Some(element.tag_name().to_ascii_uppercase())
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
fn QueueView(queue: LabelQueue, athlete: Option<String>) -> impl IntoView {
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

    let list = move || {
        let (items, cursor, covered) =
            state.with(|s| (s.items.clone(), s.cursor, s.also_covered()));
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let current = index == cursor;
                let also = covered.contains(&index);
                let labels = item
                    .labels
                    .iter()
                    .map(|label| {
                        let waiting = outbox.is_waiting(&label.id);
                        view! {
                            <li class="queue-label" data-testid="queue-label" data-code=label.code.as_str()>
                                <strong>{label.code.name()}</strong>
                                {label.note.clone().map(|n| format!(" “{n}”"))}
                                {format!(" · by {}", author_words(label))}
                                {waiting.then(|| view! { <span class="badge label-state">"waiting to be sent"</span> })}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <li
                        class="queue-item"
                        class:queue-current=current
                        class:queue-done=!item.labels.is_empty()
                        class:queue-also=also
                        data-also=also.to_string()
                        data-testid="queue-item"
                        data-key=item.key.clone()
                        data-current=current.to_string()
                        aria-current=current.then_some("true")
                        on:click=move |_| state.update(|s| s.go_to(index))
                    >
                        <div class="queue-head">
                            <span class="queue-athlete">{item.athlete_name.clone()}</span>
                            <span class="queue-span">{item.span()}</span>
                            <span class="badge queue-kind">{item.kind.title()}</span>
                        </div>
                        <p class="queue-reason">{item.reason.clone()}</p>
                        <ul class="queue-labels">{labels}</ul>
                    </li>
                }
            })
            .collect_view()
    };

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
    let codes = LabelCode::ALL
        .into_iter()
        .map(|code| {
            view! {
                <li>
                    <button
                        type="button"
                        class="code-option"
                        data-testid="code-option"
                        data-code=code.as_str()
                        title=code.definition()
                        aria-pressed=move || state.with(|s| (s.code == Some(code)).to_string())
                        on:mousedown=|event| event.prevent_default()
                        on:click=move |_| state.update(|s| s.code = Some(code))
                    >
                        <kbd>{code.shortcut().to_string()}</kbd>
                        <span class="code-name">{code.name()}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    let waiting = move || {
        let n = outbox.waiting.get();
        if n == 0 {
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
                <section class="shortcuts" data-testid="shortcuts" aria-label="Keyboard shortcuts">
                    <h3>"Keyboard"</h3>
                    <ul>
                        {SHORTCUTS
                            .iter()
                            .map(|(keys, what)| view! { <li><kbd>{*keys}</kbd>" "{*what}</li> })
                            .collect_view()}
                    </ul>
                </section>
                <ol class="code-picker" aria-label="Codes">{codes}</ol>
                <p class="code-definition" data-testid="code-definition">
                    {move || {
                        state
                            .with(|s| s.code)
                            .map_or_else(
                                || "Pick a code with its number key; its meaning shows here.".to_owned(),
                                |code| format!("{}: {}", code.name(), code.definition()),
                            )
                    }}
                </p>
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
                <details class="vocabulary">
                    <summary>{format!("What the codes mean ({VOCABULARY_VERSION})")}</summary>
                    <dl>
                        {LabelCode::ALL
                            .into_iter()
                            .map(|code| {
                                view! {
                                    <dt>{format!("{} {}", code.shortcut(), code.name())}</dt>
                                    <dd>{code.definition()}</dd>
                                }
                            })
                            .collect_view()}
                    </dl>
                </details>
                <p class="queue-export">
                    "Export every label: "
                    <a href=api::labels_export_url(LabelFormat::Csv) download data-testid="export-csv">"CSV"</a>
                    " · "
                    <a href=api::labels_export_url(LabelFormat::Jsonl) download data-testid="export-jsonl">"JSON Lines"</a>
                </p>
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
                <ol class="queue" data-testid="queue">{list}</ol>
            </section>
        </div>
    }
}

/// The other items the current item's label would also cover, with why each is
/// in the queue; after a first save, the question whether to label them all.
#[component]
fn AlsoCovered(state: RwSignal<QueueState>, save: impl Fn() + 'static) -> impl IntoView {
    let save = StoredValue::new_local(save);
    let also = Memo::new(move |_| {
        state.with(|s| {
            s.also_covered()
                .into_iter()
                .filter_map(|i| s.items.get(i))
                .map(|item| {
                    (
                        item.key.clone(),
                        format!("{} · {}", item.kind.title(), item.span()),
                        item.reason.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let confirming = move || state.with(|s| s.confirming.is_some());
    let count = move || also.with(Vec::len);
    view! {
        <Show when=move || also.with(|a| !a.is_empty())>
            <section
                class="also-covered"
                class:confirming=confirming
                data-testid="also-covered"
                data-confirming=move || confirming().to_string()
                role=move || if confirming() { "alert" } else { "status" }
            >
                <h3>
                    {move || match count() {
                        1 => "This label also labels 1 other item".to_owned(),
                        n => format!("This label also labels {n} other items"),
                    }}
                </h3>
                <ul>
                    {move || {
                        also.get()
                            .into_iter()
                            .map(|(key, what, reason)| {
                                view! {
                                    <li data-testid="also-item" data-key=key>
                                        <strong>{what}</strong>
                                        <span class="also-reason">{reason}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                {
                    move || {
                        confirming()
                            .then(|| {
                                view! {
                                    <p class="also-question">
                                        {format!(
                                            "Label all {} items with this code? Enter saves, Esc goes back.",
                                            count() + 1,
                                        )}
                                    </p>
                                    <div class="actions">
                                        <button class="button" data-testid="queue-confirm" on:click=move |_| save.with_value(|save| save())>
                                            {format!("Label all {}", count() + 1)}
                                        </button>
                                        <button
                                            class="button secondary"
                                            data-testid="queue-cancel"
                                            on:click=move |_| state.update(|s| s.confirming = None)
                                        >
                                            "Go back (Esc)"
                                        </button>
                                    </div>
                                }
                            })
                    }
                }
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use forma_core::labels::QueueKind;

    fn item(key: &str, day: &str) -> QueueItem {
        QueueItem {
            key: key.to_owned(),
            athlete_id: "p05".parse().expect("id"),
            athlete_name: "Participant P05".to_owned(),
            kind: QueueKind::UnusualLoad,
            date: forma_core::types::parse_date(day).expect("date"),
            end_date: None,
            session_id: None,
            reason: String::new(),
            priority: 50.0,
            labels: Vec::new(),
        }
    }

    fn queue() -> QueueState {
        QueueState::new(vec![
            item("a", "2020-01-01"),
            item("b", "2020-01-02"),
            item("c", "2020-01-03"),
        ])
    }

    #[test]
    fn keys_map_to_actions_and_numbers_to_codes() {
        assert_eq!(key_action("j", false), Some(KeyAction::Next));
        assert_eq!(key_action("ArrowUp", false), Some(KeyAction::Previous));
        assert_eq!(
            key_action("1", false),
            Some(KeyAction::Pick(LabelCode::Fatigue))
        );
        assert_eq!(
            key_action("0", false),
            Some(KeyAction::Pick(LabelCode::Other))
        );
        assert_eq!(key_action("z", true), Some(KeyAction::Undo));
        assert_eq!(key_action("u", false), Some(KeyAction::Undo));
        assert_eq!(key_action("x", false), None);
        assert_eq!(key_action("j", true), None);
        assert_eq!(key_action("F1", false), None);
    }

    #[test]
    fn saving_labels_the_current_item_moves_on_and_undo_takes_it_back() {
        let mut state = queue();
        state.move_by(-1);
        assert_eq!(state.cursor, 0);
        assert!(
            state.save("label-0001".into(), "c@x", "C", "t").is_err(),
            "no code yet"
        );

        state.code = Some(LabelCode::Travel);
        let Ok(SaveStep::Saved(saved)) =
            state.save("label-0001".into(), "c@x", "C", "2020-01-05T00:00:00Z")
        else {
            panic!("saved at once: the label covers no other item");
        };
        let Saved {
            athlete,
            new,
            label,
            also,
        } = *saved;
        assert!(also.is_empty());
        assert_eq!(
            (athlete.as_str(), new.date.as_str(), new.code.as_str()),
            ("p05", "2020-01-01", "travel")
        );
        assert_eq!(label.author_name, "C");
        assert_eq!(state.cursor, 1, "moves to the next item");
        assert_eq!(state.items[0].labels.len(), 1);
        assert_eq!((state.code, state.note.as_str()), (None, ""));
        assert_eq!(state.unlabelled(), 2);

        state.code = Some(LabelCode::Other);
        let refused = state
            .save("label-0002".into(), "c@x", "C", "t")
            .expect_err("needs a note");
        assert!(refused.contains("note"), "{refused}");
        state.note = "moved house".into();
        state
            .save("label-0002".into(), "c@x", "C", "t")
            .expect("saved");
        state.move_by(5);
        assert_eq!(state.cursor, 2, "stays in the list");

        let (undone, removed) = state.undo().expect("undo");
        assert_eq!(undone.label_id, "label-0002");
        assert_eq!(removed.map(|l| l.code), Some(LabelCode::Other));
        assert_eq!(state.cursor, 1, "back on the item");
        assert!(state.items[1].labels.is_empty());
        state.undo().expect("undo");
        assert!(state.undo().is_none());
        assert_eq!(state.unlabelled(), 3);
    }

    fn range(key: &str, from: &str, to: &str) -> QueueItem {
        QueueItem {
            end_date: Some(forma_core::types::parse_date(to).expect("date")),
            kind: QueueKind::LowLoad,
            ..item(key, from)
        }
    }

    #[test]
    fn a_range_label_asks_before_it_also_labels_other_items_and_undo_takes_it_from_all() {
        let mut state = QueueState::new(vec![
            range("r", "2020-01-01", "2020-01-07"),
            item("a", "2020-01-02"),
            item("b", "2020-01-09"),
            item("c", "2020-01-05"),
        ]);
        assert_eq!(state.also_covered(), [1, 3]);
        state.code = Some(LabelCode::Travel);
        let first = state
            .save("label-0001".into(), "c@x", "C", "t")
            .expect("asks");
        assert_eq!(first, SaveStep::Confirm(vec![1, 3]));
        assert_eq!(state.confirming, Some(0));
        assert!(
            state.items.iter().all(|i| i.labels.is_empty()),
            "nothing saved yet"
        );
        // Moving away drops the question; coming back asks again.
        state.move_by(1);
        state.move_by(-1);
        assert_eq!(state.confirming, None);
        assert!(matches!(
            state.save("label-0001".into(), "c@x", "C", "t"),
            Ok(SaveStep::Confirm(_))
        ));
        let Ok(SaveStep::Saved(saved)) = state.save("label-0001".into(), "c@x", "C", "t") else {
            panic!("the second save saves");
        };
        assert_eq!(saved.also, [1, 3]);
        let labelled: Vec<_> = state.items.iter().map(|i| i.labels.len()).collect();
        assert_eq!(labelled, [1, 1, 0, 1]);

        // After a reload the server's queue shows the label on the same items and
        // the undo list comes from the browser's storage.
        let saved = state.saved.clone();
        let mut reloaded = QueueState::new(state.items.clone());
        reloaded.items.reverse();
        reloaded.saved = saved;
        let (undone, removed) = reloaded.undo().expect("undo after a reload");
        assert_eq!(undone.label_id, "label-0001");
        assert_eq!(removed.map(|l| l.code), Some(LabelCode::Travel));
        assert!(reloaded.items.iter().all(|i| i.labels.is_empty()));
        assert_eq!(reloaded.items[reloaded.cursor].key, "r", "back on its item");
    }
}

//! Labels on the athlete page: the athlete's labels with their authors (both
//! coaches' when two labelled the same day), and, for their coaches, the form that
//! labels a day, a range of days (a travel week) or one session. Saving goes through
//! the outbox, so a label made while the server is unreachable is kept and sent later.

use forma_core::api::{Role, SessionRecord};
use forma_core::labels::{Label, LabelCode, NewLabel, VOCABULARY_VERSION};
use forma_core::types::AthleteId;
use leptos::prelude::*;

use crate::api;
use crate::auth::use_auth;
use crate::charts::window::number;
use crate::outbox::{new_label_id, use_label_outbox};

/// What a label from the form covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Day,
    Range,
    Session,
}

impl Target {
    const ALL: [Target; 3] = [Target::Day, Target::Range, Target::Session];

    fn label(self) -> &'static str {
        match self {
            Target::Day => "A day",
            Target::Range => "A range of days",
            Target::Session => "A session",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Target::Day => "day",
            Target::Range => "range",
            Target::Session => "session",
        }
    }
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelDraft {
    pub date: String,
    pub end_date: String,
    pub session_id: String,
    pub code: String,
    pub note: String,
}

impl LabelDraft {
    /// The label the form would save: only the fields of the chosen target, and for
    /// a session its own day.
    pub fn to_new_label(&self, id: String, target: Target, sessions: &[SessionRecord]) -> NewLabel {
        let session = sessions.iter().find(|s| s.id == self.session_id);
        let date = match (target, session) {
            (Target::Session, Some(session)) => session.session.date.to_string(),
            _ => self.date.clone(),
        };
        NewLabel {
            id,
            date,
            end_date: (target == Target::Range).then(|| self.end_date.clone()),
            session_id: (target == Target::Session).then(|| self.session_id.clone()),
            code: self.code.clone(),
            note: Some(self.note.clone()),
        }
    }
}

/// A label in one line: code, days, note and author.
pub fn label_words(label: &Label) -> String {
    let mut words = format!("{} · {}", label.code.name(), label.span());
    if label.session_id.is_some() {
        words.push_str(" (session)");
    }
    if let Some(note) = &label.note {
        words.push_str(&format!(" · “{note}”"));
    }
    words
}

/// The author of a label as the app names them.
pub fn author_words(label: &Label) -> String {
    if label.author_name.is_empty() {
        label.author.clone()
    } else {
        label.author_name.clone()
    }
}

fn session_words(record: &SessionRecord) -> String {
    let s = &record.session;
    let mut words = s.date.to_string();
    if let Some(sport) = &s.sport {
        words.push_str(&format!(" · {sport}"));
    }
    if let Some(minutes) = s.duration_min {
        words.push_str(&format!(" · {} min", number(Some(minutes), 0)));
    }
    if let Some(rpe) = s.rpe {
        words.push_str(&format!(" · RPE {}", number(Some(rpe), 0)));
    }
    words.push_str(&format!(" · load {:.0}", s.load));
    words
}

/// The athlete page's labels card.
#[component]
pub fn LabelPanel(
    athlete: AthleteId,
    sessions: Vec<SessionRecord>,
    last_day: Option<String>,
) -> impl IntoView {
    let auth = use_auth();
    let outbox = use_label_outbox();
    let is_coach = move || auth.role() == Some(Role::Coach);
    let me = move || {
        auth.user
            .with(|u| u.as_ref().map(|u| u.user.email.clone()))
            .unwrap_or_default()
    };
    let id_for_load = athlete.to_string();
    let stored = LocalResource::new(move || {
        outbox.version.track();
        let id = id_for_load.clone();
        async move { api::labels(&id).await }
    });
    let athlete_for_list = athlete.clone();
    let list = move || {
        let stored: Vec<Label> = stored.get().and_then(Result::ok).unwrap_or_default();
        let mine = me();
        let name = auth
            .user
            .with(|u| u.as_ref().map(|u| u.user.display_name.clone()))
            .unwrap_or_default();
        let waiting: Vec<Label> = outbox
            .waiting_for(&athlete_for_list)
            .into_iter()
            .filter(|new| !stored.iter().any(|l| l.id == new.id))
            .filter_map(|new| {
                new.into_label(athlete_for_list.clone(), &mine, &name, "")
                    .ok()
            })
            .collect();
        let count = stored.len() + waiting.len();
        let rows = stored
            .into_iter()
            .map(|l| (l, false))
            .chain(waiting.into_iter().map(|l| (l, true)))
            .map(|(label, unsent)| {
                let own = is_coach() && label.author == mine;
                let taking_back = !unsent && outbox.is_waiting(&label.id);
                let state = if unsent {
                    Some("waiting to be sent")
                } else if taking_back {
                    Some("being taken back")
                } else {
                    None
                };
                let athlete = athlete_for_list.clone();
                let id = label.id.clone();
                view! {
                    <li class="label-item" data-testid="label-item" data-code=label.code.as_str()>
                        <span class="label-code">{label.code.name()}</span>
                        <span class="label-text">{label_words(&label)}</span>
                        <span class="label-author">{format!("by {}", author_words(&label))}</span>
                        {state.map(|s| view! { <span class="badge label-state">{s}</span> })}
                        {(own && !taking_back)
                            .then(|| {
                                view! {
                                    <button
                                        class="button small"
                                        data-testid="label-undo"
                                        on:click=move |_| {
                                            outbox.undo(athlete.clone(), &id);
                                        }
                                    >
                                        "Undo"
                                    </button>
                                }
                            })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{format!("Labels ({count})")}</h3>
            {if count == 0 {
                view! { <p class="note" data-testid="no-labels">"No labels yet."</p> }.into_any()
            } else {
                view! { <ul class="label-list" data-testid="label-list">{rows}</ul> }.into_any()
            }}
        }
    };
    let form = move || {
        is_coach().then(|| {
            view! {
                <LabelForm athlete=athlete.clone() sessions=sessions.clone() last_day=last_day.clone()/>
            }
        })
    };
    view! {
        <section class="card label-panel" data-testid="label-panel">
            <h2>"What happened"</h2>
            <p class="note">
                {format!(
                    "Coaches label days, ranges of days and sessions in Forma's vocabulary ({VOCABULARY_VERSION}). Illness and injury labels teach the risk model; an intentional deload silences the low-load alert; days with a device or data issue are shaded in the load chart and left out of the model."
                )}
            </p>
            {form}
            {list}
        </section>
    }
}

#[component]
fn LabelForm(
    athlete: AthleteId,
    sessions: Vec<SessionRecord>,
    last_day: Option<String>,
) -> impl IntoView {
    let outbox = use_label_outbox();
    let target = RwSignal::new(Target::Day);
    let day = last_day.unwrap_or_default();
    let draft = RwSignal::new(LabelDraft {
        date: day.clone(),
        end_date: day,
        session_id: sessions.last().map(|s| s.id.clone()).unwrap_or_default(),
        ..LabelDraft::default()
    });
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let sessions_for_save = sessions.clone();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let label = draft.get_untracked().to_new_label(
            new_label_id(),
            target.get_untracked(),
            &sessions_for_save,
        );
        match label.check() {
            Ok(checked) => {
                error.set(None);
                saved.set(Some(format!(
                    "Saved {} for {}.",
                    checked.code.name(),
                    match checked.end_date {
                        Some(end) => format!("{} to {end}", checked.date),
                        None => checked.date.to_string(),
                    }
                )));
                outbox.save(athlete.clone(), label);
                draft.update(|d| d.note.clear());
            }
            Err(problem) => {
                saved.set(None);
                error.set(Some(problem.to_string()));
            }
        }
    };
    let field = move |update: fn(&mut LabelDraft, String)| {
        move |event: leptos::ev::Event| {
            let value = event_target_value(&event);
            draft.update(|d| update(d, value));
        }
    };
    let definition = move || {
        draft
            .with(|d| d.code.parse::<LabelCode>().ok())
            .map(|code| code.definition())
            .unwrap_or("Choose a code to see what it means.")
    };
    let session_options = sessions
        .iter()
        .rev()
        .take(200)
        .map(|record| view! { <option value=record.id.clone()>{session_words(record)}</option> })
        .collect_view();
    view! {
        <form class="label-form" data-testid="label-form" on:submit=save>
            <fieldset class="label-target">
                <legend>"Label"</legend>
                {Target::ALL
                    .into_iter()
                    .map(|choice| {
                        view! {
                            <label class="label-choice">
                                <input
                                    type="radio"
                                    name="label-target"
                                    value=choice.key()
                                    data-testid=format!("label-target-{}", choice.key())
                                    prop:checked=move || target.get() == choice
                                    on:change=move |_| target.set(choice)
                                />
                                {choice.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="label-fields">
                <Show when=move || target.get() != Target::Session>
                    <label class="field">
                        {move || if target.get() == Target::Range { "First day" } else { "Day" }}
                        <input
                            type="date"
                            data-testid="label-date"
                            prop:value=move || draft.with(|d| d.date.clone())
                            on:input=field(|d, v| d.date = v)
                        />
                    </label>
                </Show>
                <Show when=move || target.get() == Target::Range>
                    <label class="field">
                        "Last day"
                        <input
                            type="date"
                            data-testid="label-end-date"
                            prop:value=move || draft.with(|d| d.end_date.clone())
                            on:input=field(|d, v| d.end_date = v)
                        />
                    </label>
                </Show>
                <Show when=move || target.get() == Target::Session>
                    <label class="field">
                        "Session"
                        <select
                            data-testid="label-session"
                            prop:value=move || draft.with(|d| d.session_id.clone())
                            on:change=field(|d, v| d.session_id = v)
                        >
                            {session_options.clone()}
                        </select>
                    </label>
                </Show>
                <label class="field">
                    "Code"
                    <select
                        data-testid="label-code"
                        prop:value=move || draft.with(|d| d.code.clone())
                        on:change=field(|d, v| d.code = v)
                    >
                        <option value="">"Choose a code…"</option>
                        {LabelCode::ALL
                            .into_iter()
                            .map(|code| {
                                view! {
                                    <option value=code.as_str()>
                                        {format!("{} {}", code.shortcut(), code.name())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <p class="label-definition" data-testid="label-definition">{definition}</p>
            <label class="field">
                "Note (required for Other)"
                <textarea
                    rows="2"
                    maxlength="500"
                    data-testid="label-note"
                    prop:value=move || draft.with(|d| d.note.clone())
                    on:input=field(|d, v| d.note = v)
                ></textarea>
            </label>
            <div class="actions">
                <button type="submit" class="button" data-testid="label-save">"Save label"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="label-error">{e}</p> })}
            {move || saved.get().map(|m| view! { <p class="form-note" role="status" data-testid="label-saved">{m}</p> })}
        </form>
    }
}

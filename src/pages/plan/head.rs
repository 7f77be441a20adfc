//! The head of the plan editor: whose plan, unsaved edits brought back from an
//! earlier visit, which model gives the risk, the presets and the plan's length.

use std::sync::Arc;

use forma_core::plan::{apply_preset, Plan, Preset};
use forma_core::types::Session;
use leptos::prelude::*;

use super::editor::Editing;
use crate::drafts::{self, DraftKey};

#[component]
pub fn PlanHead(
    editing: Editing,
    /// The athlete's name.
    name: String,
    /// The active model's version, if there is one.
    model: Option<String>,
    /// What to say beside its risk when it does not beat its baselines.
    caveat: Option<&'static str>,
    /// The athlete's recorded sessions, which "Copy last week" reads.
    history: Arc<Vec<Session>>,
    draft_key: StoredValue<DraftKey>,
) -> impl IntoView {
    let Editing {
        plan,
        baseline,
        note,
        saved_note,
        restored,
        ..
    } = editing;
    let edit = move |change: &dyn Fn(&mut Plan)| editing.edit(change);
    let preset = move |which: Preset| {
        let history = history.clone();
        move |_| edit(&|p: &mut Plan| *p = apply_preset(p, which, &history))
    };
    let set_days = move |n: usize| {
        edit(&|p: &mut Plan| p.days.resize(n, Vec::new()));
    };
    let discard_draft = move |_| {
        plan.set(baseline.get_untracked());
        note.set(saved_note.get_untracked());
        restored.set(None);
        drafts::clear(&draft_key.get_value());
    };
    let has_model = model;
    view! {
        <section class="card plan-head">
            <h2 data-testid="plan-athlete">{name}</h2>
            {move || {
                restored.get().map(|at| view! {
                    <p class="banner banner-warning draft-restored" role="status" data-testid="plan-restored">
                        {format!("Your unsaved edits from {at} are back, with the note. They are not saved yet. ")}
                        <button class="button small secondary" data-testid="plan-discard" on:click=discard_draft>
                            "Discard them"
                        </button>
                    </p>
                })
            }}
            <p class="note" data-testid="plan-head-model">
                {match has_model {
                    Some(v) => format!("Risk from the active model {v}, run in this browser. The shaded band is the spread of the forest's trees."),
                    None => "No active model: the plan shows load, ratio and form; risk appears once a model is active.".to_owned(),
                }}
            </p>
            {caveat.map(|c| view! { <p class="note caveat" data-testid="plan-model-caveat">{c}</p> })}
            <div class="actions" role="group" aria-label="Presets">
                <button class="button secondary" data-testid="preset-deload" on:click=preset(Preset::Deload)>
                    "Deload week (−30%)"
                </button>
                <button class="button secondary" data-testid="preset-progression" on:click=preset(Preset::Progression)>
                    "Progression (+10%)"
                </button>
                <button class="button secondary" data-testid="preset-copy" on:click=preset(Preset::CopyLastWeek)>
                    "Copy last week"
                </button>
                <button
                    class="button secondary"
                    data-testid="plan-reset"
                    on:click=move |_| edit(&|p: &mut Plan| *p = baseline.get_untracked())
                >
                    "Undo all edits"
                </button>
                <label class="inline">
                    "Days "
                    <select
                        data-testid="plan-days"
                        on:change=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                set_days(n);
                            }
                        }
                        prop:value=move || plan.with(|p| p.days.len().to_string())
                    >
                        {[7usize, 14, 21, 28]
                            .into_iter()
                            .map(|n| view! { <option value=n.to_string()>{n}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
        </section>
    }
}

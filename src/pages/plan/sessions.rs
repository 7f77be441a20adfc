//! The plan's sessions: the grid of days, and for coaches the performance tests
//! and saving the plan with a note to the athlete.

use forma_core::api::NewPlan;
use forma_core::plan::Plan;
use forma_core::types::AthleteId;
use leptos::prelude::*;

use super::editor::Editing;
use super::grid::DayCard;
use super::tests_form::TestsForm;
use crate::api;
use crate::auth::use_auth;
use crate::drafts::DraftKeeper;
use forma_core::plan::PerformanceTest;

#[component]
pub fn PlanSessions(
    editing: Editing,
    athlete: AthleteId,
    /// Coaches and admins save plans and record tests; an athlete only tries.
    may_save: bool,
    tests: RwSignal<Vec<PerformanceTest>>,
    /// The unsaved edits kept in this browser.
    draft: DraftKeeper,
) -> impl IntoView {
    let auth = use_auth();
    let Editing {
        plan,
        baseline,
        note,
        saved_note,
        restored,
        problems,
        day_count,
        ..
    } = editing;
    let edit = move |change: &dyn Fn(&mut Plan)| editing.edit(change);
    let validation = move || editing.validation();
    let message = RwSignal::new(None::<String>);
    let save_id = athlete.clone();
    let save = Action::new_unsync(move |(): &()| {
        let id = save_id.clone();
        draft.now();
        let request = NewPlan {
            plan: plan.get_untracked(),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        async move {
            match api::save_plan(id.as_str(), &request).await {
                Ok(saved) => {
                    baseline.set(saved.plan.clone());
                    saved_note.set(saved.note.clone().unwrap_or_default());
                    restored.set(None);
                    draft.now();
                    message.set(Some(format!(
                        "Saved. The athlete sees this plan and its explanation on their page: {}",
                        saved.explanation
                    )));
                }
                Err(failure) if failure.is_server_401() => {
                    message.set(Some(
                        "Your session has expired, so the plan is not saved. Your edits and note are kept in this browser: sign in again and they are back on this page.".to_owned(),
                    ));
                    auth.session_lost(&failure);
                }
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    let athlete_id = athlete;
    view! {
        <section class="card" data-testid="plan-grid-card">
            <h2>"Sessions"</h2>
            <p class="note">"Load is RPE × minutes unless you type a load. Empty days are rest."</p>
            <div class="plan-grid" data-testid="plan-grid">
                <For
                    each=move || 0..plan.with(|p| p.days.len())
                    key=|i| *i
                    children=move |day| view! { <DayCard day days=day_count plan problems edit/> }
                />
            </div>
            {may_save.then(|| view! { <TestsForm athlete=athlete_id.to_string() tests/> })}
            {may_save
                .then(|| {
                    view! {
                        <div class="plan-save">
                            <label>
                                "Note to the athlete"
                                <textarea
                                    data-testid="plan-note"
                                    prop:value=note
                                    on:input=move |ev| note.set(event_target_value(&ev))
                                ></textarea>
                            </label>
                            <button
                                class="button"
                                data-testid="plan-save"
                                aria-describedby="plan-invalid"
                                disabled=move || save.pending().get() || validation().is_some()
                                on:click=move |_| {
                                    save.dispatch(());
                                }
                            >
                                {move || if save.pending().get() { "Saving…" } else { "Save plan" }}
                            </button>
                            <p class="form-error" id="plan-invalid" role="status" data-testid="plan-invalid">
                                {move || validation().map(|why| format!("Save is off until every value is accepted. {why}"))}
                            </p>
                        </div>
                    }
                })}
            <Show when=move || message.get().is_some()>
                <p class="form-note" role="status" data-testid="plan-message">
                    {move || message.get().unwrap_or_default()}
                </p>
            </Show>
        </section>
    }
}

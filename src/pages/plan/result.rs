//! What the plan does: the explanation, the performance fit, the summary against
//! the plan before the edits, the chart (drawn in the edit's own frame, and
//! timed), the policy's day and the day-by-day table (a frame behind).

use std::sync::Arc;

use forma_core::banister::{fit_words, BanisterFit};
use forma_core::plan::{self, PerformanceTest, Projection};
use forma_core::types::Session;
use leptos::html::Canvas;
use leptos::prelude::*;

use super::editor::Editing;
use super::policy_day::PolicyByDay;
use super::summary::PlanSummary;
use super::table::ProjectionTable;
use super::timing::EditTimes;
use crate::charts::legend::ChartLegend;
use crate::charts::plan::{draw_plan, plan_legend};
use crate::charts::shown::draw_when_shown;

#[component]
pub fn PlanResult(
    editing: Editing,
    /// The athlete's recorded sessions, which the explanation compares with.
    history: Arc<Vec<Session>>,
    tests: RwSignal<Vec<PerformanceTest>>,
    fit: Memo<Option<BanisterFit>>,
    /// The day the coach chose for the policy's whole recommendation.
    chosen: RwSignal<usize>,
    /// The day shown: the chosen one, within the plan.
    shown_day: Memo<usize>,
) -> impl IntoView {
    let Editing {
        plan,
        projected_plan,
        projection,
        baseline_projection,
        timing,
        ..
    } = editing;
    let canvas = NodeRef::<Canvas>::new();
    let draw_error = RwSignal::new(None::<String>);
    draw_when_shown(canvas, move |element| {
        // An edit that leaves the projection as it was (a renamed sport) ends
        // here too.
        plan.track();
        projection.with(|edited| {
            baseline_projection.with(|before| {
                draw_error.set(draw_plan(element, edited, before).err());
            })
        });
        timing.edit_drawn();
    });
    // After the chart's effect, so that the edit's own frame is measured first.
    let (settled, settled_before) = frame_behind(editing);
    let validation = move || editing.validation();
    let fit_words = move || fit_words(fit.get().as_ref(), tests.with(Vec::len));
    view! {
        <section class="card plan-result" data-testid="plan-result">
            <h2>"What this plan does"</h2>
            <p data-testid="plan-explanation">
                {move || projected_plan.with(|p| projection.with(|pr| plan::explain(p, pr, &history)))}
            </p>
            <Show when=move || validation().is_some()>
                <p class="form-error" data-testid="projection-held">
                    "The figures are of the plan before the value that is not accepted; correct it to see its effect."
                </p>
            </Show>
            <p class="note" data-testid="performance-fit">{fit_words}</p>
            <PlanSummary projection baseline_projection/>
            <ChartLegend items=Signal::stored(plan_legend()) name="legend-plan".to_owned()/>
            <canvas
                node_ref=canvas
                class="chart-canvas plan-canvas"
                role="img"
                aria-label="Planned load, ratio and risk against the plan before the edits"
                data-testid="canvas-plan"
            ></canvas>
            <Show when=move || draw_error.get().is_some()>
                <p class="error">{move || draw_error.get().unwrap_or_default()}</p>
            </Show>
            <EditTimes timing>
                "; fingerprint "
                <code data-testid="projection-fingerprint">{move || projection.with(plan::fingerprint)}</code>
            </EditTimes>
            <PolicyByDay projection=settled.into() baseline_projection=settled_before.into() chosen shown_day/>
            <ProjectionTable projection=settled.into() baseline_projection=settled_before.into()/>
        </section>
    }
}

/// The projections one frame behind the edit, for the page's heaviest parts to
/// lay out and paint (the day-by-day table and the chosen day's whole
/// recommendation): they follow at the next animation frame, so the summary,
/// the explanation and the chart come in the edit's own frame. An effect,
/// because the browser's frame clock is outside the reactive system.
fn frame_behind(editing: Editing) -> (RwSignal<Projection>, RwSignal<Projection>) {
    let Editing {
        plan,
        projection,
        baseline_projection,
        timing,
        ..
    } = editing;
    let settled = RwSignal::new(projection.get_untracked());
    let settled_before = RwSignal::new(baseline_projection.get_untracked());
    let frame_pending = StoredValue::new(false);
    Effect::new(move |_| {
        plan.track();
        projection.track();
        baseline_projection.track();
        if frame_pending.get_value() {
            return;
        }
        frame_pending.set_value(true);
        // The page may be gone by the next frame: every read and write tries.
        request_animation_frame(move || {
            frame_pending.try_set_value(false);
            if let (Some(edited), Some(before)) = (
                projection.try_get_untracked(),
                baseline_projection.try_get_untracked(),
            ) {
                settled.try_set(edited);
                settled_before.try_set(before);
            }
            timing.frame_behind_given();
        });
    });
    (settled, settled_before)
}

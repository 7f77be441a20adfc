//! `/plan`: the coach picks an athlete; `/athletes/:id/plan`: the what-if plan.
//! The next 7 to 28 days as a grid of planned sessions; every edit is projected in
//! the browser with forma-core and the active model (fetched once), drawn against
//! the plan as it was before the edits, with no request to the server.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use forma_core::api::{AthletePlan, AthleteProfile, AthleteStatus, NewPlan};
use forma_core::model::ModelArtifact;
use forma_core::plan::{
    self, apply_preset, copy_day, move_session, PerformanceTest, Plan, PlanError, PlannedSession,
    Preset, Projection, Scenario, SessionField, Summary, WarningOptions,
};
use forma_core::types::{Event, Session, WellnessEntry};
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use serde::{Deserialize, Serialize};

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::charts::legend::ChartLegend;
use crate::charts::plan::{draw_plan, plan_legend};
use crate::charts::window::number;
use crate::components::page_header::PageHeader;
use crate::components::recommendation::{confidence_badge, RecommendationDetails};
use crate::components::sign_in_required::SignInRequired;
use crate::drafts::{self, DraftKey};

/// `/plan`: the team's athletes, each linking to their plan.
#[component]
pub fn PlanPage() -> impl IntoView {
    let auth = use_auth();
    let team = LocalResource::new(move || {
        auth.when_signed_in(|| async {
            let Some(team) = api::teams().await?.into_iter().next() else {
                return Ok(Vec::new());
            };
            api::team_athletes(&team.id).await
        })
    });
    view! {
        <PageHeader
            title="Plan"
            summary="Choose an athlete to edit the next weeks and see load, form and risk respond as you type."
        />
        <Transition fallback=|| view! { <p class="loading">"Loading the team…"</p> }>
            {move || {
                team.get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            view! { <SignInRequired what="plans"/> }.into_any()
                        }
                        Err(failure) => {
                            view! { <p class="card error" role="alert">{failure.to_string()}</p> }
                                .into_any()
                        }
                        Ok(athletes) => view! { <AthletePicker athletes/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn AthletePicker(athletes: Vec<AthleteStatus>) -> impl IntoView {
    view! {
        <ul class="card picker" data-testid="plan-athletes">
            {athletes
                .into_iter()
                .map(|a| {
                    let href = format!("/athletes/{}/plan", a.athlete.id.as_str());
                    view! {
                        <li>
                            <A href=href>{a.athlete.name.clone()}</A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Unsaved edits kept in this browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PlanDraft {
    plan: Plan,
    note: String,
}

/// Everything the editor needs, fetched once.
#[derive(Clone)]
struct PlanData {
    profile: AthleteProfile,
    sessions: Arc<Vec<Session>>,
    wellness: Arc<Vec<WellnessEntry>>,
    events: Arc<Vec<Event>>,
    plan: AthletePlan,
    model: Option<Arc<ModelArtifact>>,
    tests: Vec<PerformanceTest>,
}

async fn load(id: String) -> Result<PlanData, ApiFailure> {
    let profile = api::athlete(&id).await?;
    let sessions = api::sessions(&id).await?;
    let wellness = api::wellness(&id).await?;
    let events = api::events(&id).await?;
    let plan = api::athlete_plan(&id).await?;
    let model = api::active_model(Some(&profile.team_id)).await?;
    let tests = api::performance_tests(&id).await?;
    Ok(PlanData {
        tests,
        profile,
        sessions: Arc::new(sessions.into_iter().map(|r| r.session).collect()),
        wellness: Arc::new(wellness),
        events: Arc::new(events),
        plan,
        model: model.map(Arc::new),
    })
}

/// `/athletes/:id/plan`.
#[component]
pub fn AthletePlanPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = LocalResource::new(move || {
        let id = id();
        auth.when_signed_in(move || load(id))
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the plan…"</p> }>
            {move || {
                if !auth.checked.get() {
                    return Some(view! { <p class="loading">"Checking your sign-in…"</p> }.into_any());
                }
                data.get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            auth.session_lost(&failure);
                            view! { <SignInRequired what="this plan"/> }.into_any()
                        }
                        Err(failure) if failure.is_not_found() => {
                            view! {
                                <p class="card error" data-testid="not-allowed">
                                    "There is no such athlete, or your account may not see them."
                                </p>
                            }
                                .into_any()
                        }
                        Err(failure) => {
                            view! { <p class="card error" role="alert">{failure.to_string()}</p> }
                                .into_any()
                        }
                        Ok(data) => view! { <PlanEditor data/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// Lays the page out now, as the next frame would.
fn lay_out() {
    let _ = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .map(|b| b.offset_height());
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The 95th percentile (nearest rank) of `times`.
pub fn p95(times: &[f64]) -> Option<f64> {
    if times.is_empty() {
        return None;
    }
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((0.95 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        None
    } else {
        text.parse().ok()
    }
}

/// The plan the editor starts from: the saved plan when it starts on the next
/// day or later, else the last recorded week repeated for two weeks.
fn starting_plan(data: &PlanData) -> Plan {
    let next = data.plan.next_day;
    match &data.plan.saved {
        Some(saved) if saved.plan.start >= next => saved.plan.clone(),
        _ => apply_preset(&Plan::empty(next, 14), Preset::CopyLastWeek, &data.sessions),
    }
}

fn signed(x: f64, digits: usize) -> String {
    if x.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        "±0".to_owned()
    } else {
        format!("{x:+.digits$}")
    }
}

#[component]
fn PlanEditor(data: PlanData) -> impl IntoView {
    let auth = use_auth();
    let may_save = auth
        .role()
        .is_some_and(|r| r != forma_core::api::Role::Athlete);
    let athlete_id = data.profile.id.clone();
    let initial = starting_plan(&data);
    let saved_note = data
        .plan
        .saved
        .as_ref()
        .and_then(|s| s.note.clone())
        .unwrap_or_default();
    // Edits not saved when the session ended, the page was reloaded or left: kept
    // in this browser under the user and athlete, and brought back here.
    let email = auth
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.user.email.clone()))
        .unwrap_or_default();
    let draft_key = StoredValue::new(DraftKey::plan(&email, athlete_id.as_str()));
    let draft = drafts::load::<PlanDraft>(&draft_key.get_value())
        .filter(|d| d.value.plan.start == initial.start);
    let restored = RwSignal::new(draft.as_ref().map(|d| drafts::kept_at(&d.saved_at)));
    let (first_plan, first_note) = match draft {
        Some(d) => (d.value.plan, d.value.note),
        None => (initial.clone(), saved_note.clone()),
    };
    let plan = RwSignal::new(first_plan);
    let baseline = RwSignal::new(initial);
    let saved_note = RwSignal::new(saved_note);
    // Every value the plan does not accept (RPE 11, minutes below 0), each at its
    // session and field.
    let problems = Memo::new(move |_| plan.with(Plan::problems));
    // What is projected: the plan as typed while every value is accepted, else
    // the last such plan, so an impossible value never reaches a figure.
    let projected_plan = Memo::new(move |previous: Option<&Plan>| {
        if problems.with(Vec::is_empty) {
            plan.get()
        } else {
            previous
                .cloned()
                .unwrap_or_else(|| plan.with(without_problems))
        }
    });
    let started = StoredValue::new(None::<f64>);
    let timings = StoredValue::new(Vec::<f64>::new());
    let last_ms = RwSignal::new(None::<f64>);
    let p95_ms = RwSignal::new(None::<f64>);
    // The same from the edit to the whole page painted, the table and the
    // chosen day's recommendation (a frame behind) included.
    let page_started = StoredValue::new(None::<f64>);
    let page_timings = StoredValue::new(Vec::<f64>::new());
    let page_ms = RwSignal::new(None::<f64>);
    let page_p95_ms = RwSignal::new(None::<f64>);
    let note = RwSignal::new(first_note);
    let message = RwSignal::new(None::<String>);
    // The draft follows the edits a moment after the last one (not in the
    // edit's own frame, which is timed); it goes once they are saved or undone.
    let draft = drafts::keep(draft_key.get_value(), move || {
        let (p, n) = (plan.get(), note.get());
        (p != baseline.get() || n != saved_note.get()).then_some(PlanDraft { plan: p, note: n })
    });

    let model = data.model.clone();
    // Everything that does not depend on the plan (the history before its start,
    // the wellness and its readiness, injuries, data-quality findings) is
    // prepared once; each edit projects only what the plan changes.
    let start = plan.with_untracked(|p| p.start);
    let base = plan::PlanBase::new(
        &athlete_id,
        &data.sessions,
        &data.wellness,
        &data.events,
        &plan::history_findings(&athlete_id, &data.sessions, &data.wellness, start),
        start,
    );
    // The performance model reads only the past: fitted when the tests change,
    // used by every edit.
    let tests = RwSignal::new(data.tests.clone());
    let fit = {
        let sessions = data.sessions.clone();
        let id = athlete_id.clone();
        Memo::new(move |_| tests.with(|t| plan::fit_performance(&id, &sessions, t)))
    };
    // The plan day whose whole recommendation is shown (the first by default).
    let detail_day = RwSignal::new(0usize);
    let project = Arc::new(
        move |p: &Plan,
              params: Option<&forma_core::banister::BanisterParams>,
              detail: Option<usize>|
              -> Projection {
            base.project(&Scenario {
                plan: p,
                model: model.as_deref(),
                warnings: WarningOptions::default(),
                performance: params,
                detail_day: detail.map(|i| p.date(i.min(p.days.len().saturating_sub(1)))),
            })
        },
    );
    let projection = {
        let project = project.clone();
        Memo::new(move |_| {
            let detail = detail_day.get();
            fit.with(|f| {
                projected_plan.with(|p| project(p, f.as_ref().map(|f| &f.params), Some(detail)))
            })
        })
    };
    let baseline_projection = {
        let project = project.clone();
        Memo::new(move |_| {
            fit.with(|f| baseline.with(|p| project(p, f.as_ref().map(|f| &f.params), None)))
        })
    };
    let day_count = Memo::new(move |_| plan.with(|p| p.days.len()));
    // A plan made shorter than the chosen day: its last day is the one shown.
    Effect::new(move |_| {
        let n = day_count.get();
        if detail_day.get_untracked() >= n {
            detail_day.set(n.saturating_sub(1));
        }
    });
    let edit = move |change: &dyn Fn(&mut Plan)| {
        started.set_value(Some(now_ms()));
        page_started.set_value(started.get_value());
        plan.update(|p| change(p));
    };

    let canvas = NodeRef::<Canvas>::new();
    let draw_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        // Every edit ends here, one that leaves the projection as it was too (a
        // renamed sport), so its time is never carried to a later change.
        plan.track();
        projection.with(|edited| {
            baseline_projection.with(|before| {
                if let Some(element) = canvas.get() {
                    draw_error.set(draw_plan(&element, edited, before).err());
                }
            })
        });
        if let Some(t0) = started.get_value() {
            started.set_value(None);
            // The numbers, the tables and the policy card update in effects of
            // their own, run as microtasks. After them the browser runs either
            // the zero timeout or, when a frame is due, its animation frame
            // first: whichever comes first ends the update, once the page is
            // laid out again (forced here, as the frame would).
            // Not reactive state: the callbacks may outlive this run of the
            // effect (a second edit within the frame), or the page.
            let done = Rc::new(Cell::new(false));
            let finish = move || {
                if done.replace(true) {
                    return;
                }
                lay_out();
                let ms = now_ms() - t0;
                if timings.try_update_value(|t| t.push(ms)).is_some() {
                    last_ms.try_set(Some(ms));
                    p95_ms.try_set(timings.try_with_value(|t| p95(t)).flatten());
                }
            };
            request_animation_frame(finish.clone());
            set_timeout(finish, std::time::Duration::ZERO);
        }
    });

    // The day-by-day table and the chosen day's whole recommendation are the
    // page's heaviest parts to lay out and paint; they follow the edit one frame
    // behind (at the next animation frame), so the summary, the explanation and
    // the chart come in the edit's own frame.
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
            if let Some(t0) = page_started.try_get_value().flatten() {
                page_started.try_set_value(None);
                // After this frame's effects, layout and paint.
                set_timeout(
                    move || {
                        lay_out();
                        let ms = now_ms() - t0;
                        if page_timings.try_update_value(|t| t.push(ms)).is_some() {
                            page_ms.try_set(Some(ms));
                            page_p95_ms.try_set(page_timings.try_with_value(|t| p95(t)).flatten());
                        }
                    },
                    std::time::Duration::ZERO,
                );
            }
        });
    });

    let history = data.sessions.clone();
    let preset = move |which: Preset| {
        let history = history.clone();
        move |_| edit(&|p: &mut Plan| *p = apply_preset(p, which, &history))
    };
    let set_days = move |n: usize| {
        edit(&|p: &mut Plan| p.days.resize(n, Vec::new()));
    };
    let save_id = athlete_id.clone();
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
    let discard_draft = move |_| {
        plan.set(baseline.get_untracked());
        note.set(saved_note.get_untracked());
        restored.set(None);
        drafts::clear(&draft_key.get_value());
    };
    let validation = move || {
        plan.with(|p| problems.with(|all| (!all.is_empty()).then(|| problems_words(p, all))))
    };
    let name = data.profile.name.clone();
    let has_model = data.model.as_ref().map(|m| m.version_id.clone());
    let history_for_explain = data.sessions.clone();
    let fit_words = move || {
        match fit.get() {
        Some(f) => format!(
            "Performance is projected with Banister's fitness-fatigue model fitted to {} tests (R² {:.2}; fitness time constant {:.0} days, fatigue {:.0} days).",
            f.tests, f.r_squared, f.params.tau1, f.params.tau2
        ),
        None if tests.with(Vec::len) >= 6 => format!(
            "The {} performance tests could not be fitted with Banister's model (all on days before the first load, or no solution within its bounds).",
            tests.with(Vec::len)
        ),
        None => format!(
            "Record at least 6 performance tests to project performance with Banister's model ({} so far).",
            tests.with(Vec::len)
        ),
    }
    };

    view! {
        <PageHeader
            title="Plan"
            summary="Edit the next weeks; load, ratio, form and risk follow every keystroke, computed in this browser."
        />
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

        <section class="card plan-result" data-testid="plan-result">
            <h2>"What this plan does"</h2>
            <p data-testid="plan-explanation">
                {move || projected_plan.with(|p| projection.with(|pr| plan::explain(p, pr, &history_for_explain)))}
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
            <p class="note timing">
                "Last edit: summary, explanation and chart in "
                <span data-testid="update-ms">{move || last_ms.get().map(|v| format!("{v:.1}")).unwrap_or_default()}</span>
                " ms (95th percentile "
                <span data-testid="update-p95">{move || p95_ms.get().map(|v| format!("{v:.1}")).unwrap_or_default()}</span>
                " ms), the whole page with the table in "
                <span data-testid="page-ms">{move || page_ms.get().map(|v| format!("{v:.1}")).unwrap_or_default()}</span>
                " ms (95th percentile "
                <span data-testid="page-p95">{move || page_p95_ms.get().map(|v| format!("{v:.1}")).unwrap_or_default()}</span>
                " ms) over "
                <span data-testid="update-count">
                    {move || {
                        last_ms.track();
                        timings.with_value(Vec::len).to_string()
                    }}
                </span>
                " edits"
                <span hidden data-testid="page-count">
                    {move || {
                        page_ms.track();
                        page_timings.with_value(Vec::len).to_string()
                    }}
                </span>
                "; fingerprint "
                <code data-testid="projection-fingerprint">{move || projection.with(plan::fingerprint)}</code>
            </p>
            <PolicyByDay projection=settled.into() baseline_projection=settled_before.into() chosen=detail_day/>
            <ProjectionTable projection=settled.into() baseline_projection=settled_before.into()/>
        </section>

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
        <pre hidden data-testid="plan-json">{move || plan.with(|p| serde_json::to_string(p).unwrap_or_default())}</pre>
    }
}

/// The whole plan's mean ratio, mean risk and end form, against before the edits.
#[component]
fn PlanSummary(
    projection: Memo<Projection>,
    baseline_projection: Memo<Projection>,
) -> impl IntoView {
    let edited = Memo::new(move |_| projection.with(Projection::summary));
    let before = Memo::new(move |_| baseline_projection.with(Projection::summary));
    let cell = move |testid: &'static str,
                     f: fn(&Summary) -> Option<f64>,
                     digits: usize,
                     pct: bool| {
        let show = move |v: Option<f64>| match (v, pct) {
            (Some(v), true) => format!("{:.1}%", v * 100.0),
            (v, _) => number(v, digits),
        };
        view! {
            <td data-testid=testid data-value=move || edited.with(|s| f(s).map(|v| v.to_string()).unwrap_or_default())>
                {move || show(edited.with(f))}
            </td>
            <td data-testid=format!("{testid}-before") data-value=move || before.with(|s| f(s).map(|v| v.to_string()).unwrap_or_default())>
                {move || show(before.with(f))}
            </td>
        }
    };
    view! {
        <div class="table-scroll">
            <table class="data-table plan-summary">
                <thead>
                    <tr>
                        <th scope="col">""</th>
                        <th scope="col">"This plan"</th>
                        <th scope="col">"Before the edits"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr><th scope="row">"Total load"</th>{cell("summary-load", |s| Some(s.total_load), 0, false)}</tr>
                    <tr><th scope="row">"Mean acute:chronic ratio"</th>{cell("summary-ratio", |s| s.mean_ratio, 2, false)}</tr>
                    <tr><th scope="row">"Form on the last day"</th>{cell("summary-form", |s| s.last_form, 1, false)}</tr>
                    <tr><th scope="row">"Mean risk"</th>{cell("summary-risk", |s| s.mean_risk, 1, true)}</tr>
                    <tr><th scope="row">"Performance on the last day"</th>{cell("summary-performance", |s| s.last_performance, 1, false)}</tr>
                    <tr><th scope="row">"Days the policy would ease off"</th>{cell("summary-caution", |s| Some(s.caution_days as f64), 0, false)}</tr>
                    <tr><th scope="row">"Days left to the coach (manual review)"</th>{cell("summary-review", |s| Some(s.review_days as f64), 0, false)}</tr>
                </tbody>
            </table>
        </div>
    }
}

/// The recommendation the policy would give on a chosen day of the plan (the
/// first by default), in full, against the plan before the edits.
#[component]
fn PolicyByDay(
    projection: Signal<Projection>,
    baseline_projection: Signal<Projection>,
    chosen: RwSignal<usize>,
) -> impl IntoView {
    let detail = move || projection.with(|p| p.detail.clone());
    let count = Memo::new(move |_| projection.with(|p| p.days.len()));
    let option = move |i: usize| {
        let text = Memo::new(move |_| {
            projection.with(|p| {
                p.days
                    .get(i)
                    .map(|d| {
                        format!(
                            "{} {}: {}",
                            d.date.strftime("%a"),
                            d.date,
                            d.policy.action.label().to_lowercase()
                        )
                    })
                    .unwrap_or_default()
            })
        });
        view! { <option value=i.to_string() selected=move || chosen.get() == i>{move || text.get()}</option> }
    };
    let options = move || view! { <For each=move || 0..count.get() key=|i| *i children=option/> };
    view! {
        <section class="plan-policy" data-testid="plan-policy">
            <div class="rec-head">
                <h3>"What the policy would recommend"</h3>
                {move || detail().map(|r| confidence_badge(&r))}
            </div>
            <p class="note">
                "As if the plan were followed up to the day before: the same guardrails, rules and model as today's recommendation, reading the plan's load for the day and its week."
            </p>
            <label class="inline">
                "On "
                <select
                    data-testid="policy-day"
                    prop:value=move || chosen.get().to_string()
                    on:change=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            chosen.set(i);
                        }
                    }
                >
                    {options}
                </select>
            </label>
            {move || {
                let r = detail()?;
                let before = baseline_projection.with(|b| {
                    b.days.iter().find(|b| b.date == r.date).map(|b| b.policy.action)
                });
                let changed = before.filter(|b| *b != r.action).map(|b| {
                    view! {
                        <p class="note" data-testid="policy-before">
                            {format!("Before the edits: {}.", b.label().to_lowercase())}
                        </p>
                    }
                });
                Some(view! {
                    {changed}
                    <RecommendationDetails recommendation=r/>
                })
            }}
        </section>
    }
}

/// One row of the day-by-day table, as text.
#[derive(Debug, Clone, PartialEq, Default)]
struct RowText {
    warned: bool,
    day: String,
    load: String,
    load_change: String,
    ratio: String,
    ratio_change: String,
    uncoupled: String,
    ewma: String,
    fitness: String,
    fatigue: String,
    form: String,
    form_change: String,
    monotony: String,
    strain: String,
    risk: String,
    risk_change: String,
    performance: String,
    policy: String,
    policy_was: String,
    warnings: String,
}

/// One projected day with its difference from the plan before the edits
/// ([`plan::compare`]; "new" where that plan had no such day).
fn row_text(d: &plan::ProjectedDay, diff: Option<&plan::DayDiff>) -> RowText {
    let change = |f: &dyn Fn(&plan::DayDiff) -> Option<String>| {
        diff.map_or_else(|| "new".to_owned(), |x| f(x).unwrap_or_default())
    };
    RowText {
        warned: !d.warnings.is_empty(),
        day: format!("{} {}", d.date.strftime("%a"), d.date),
        load: format!("{:.0}", d.load),
        load_change: change(&|x| Some(signed(x.load, 0))),
        ratio: number(d.acwr_coupled, 2),
        ratio_change: change(&|x| x.acwr_coupled.map(|v| signed(v, 2))),
        uncoupled: number(d.acwr_uncoupled, 2),
        ewma: number(d.acwr_ewma, 2),
        fitness: format!("{:.1}", d.ctl),
        fatigue: format!("{:.1}", d.atl),
        form: format!("{:.1}", d.tsb),
        form_change: change(&|x| Some(signed(x.tsb, 1))),
        monotony: number(d.monotony, 2),
        strain: number(d.strain, 0),
        risk: d.risk.map_or_else(
            || "n/a".to_owned(),
            |r| {
                format!(
                    "{:.1}% ({:.0}–{:.0})",
                    r.p * 100.0,
                    r.low * 100.0,
                    r.high * 100.0
                )
            },
        ),
        risk_change: diff
            .and_then(|x| x.risk)
            .map(|r| signed(r * 100.0, 1))
            .unwrap_or_default(),
        performance: number(d.performance, 1),
        policy: format!(
            "{} ({:.0}%)",
            d.policy.action.label(),
            d.policy.confidence * 100.0
        ),
        policy_was: diff
            .and_then(|x| x.policy_was)
            .map(|a| format!("was {}", a.label().to_lowercase()))
            .unwrap_or_default(),
        warnings: d.warnings.join(" "),
    }
}

/// The day-by-day table. Each row is its own memo: an edit rewrites the text
/// of the rows it changed (the days from the edited one on), not the table.
#[component]
fn ProjectionTable(
    projection: Signal<Projection>,
    baseline_projection: Signal<Projection>,
) -> impl IntoView {
    let count = Memo::new(move |_| projection.with(|p| p.days.len()));
    let diffs =
        Memo::new(move |_| projection.with(|e| baseline_projection.with(|b| plan::compare(b, e))));
    let row = move |i: usize| {
        let text = Memo::new(move |_| {
            projection.with(|p| {
                diffs.with(|x| {
                    p.days
                        .get(i)
                        .map(|d| row_text(d, x.get(i).and_then(Option::as_ref)))
                        .unwrap_or_default()
                })
            })
        });
        let cell = move |f: fn(&RowText) -> &String| move || text.with(|r| f(r).clone());
        view! {
            <tr class=move || if text.with(|r| r.warned) { "warned" } else { "" }>
                <th scope="row">{cell(|r| &r.day)}</th>
                <td>{cell(|r| &r.load)} <small>{cell(|r| &r.load_change)}</small></td>
                <td>{cell(|r| &r.ratio)} <small>{cell(|r| &r.ratio_change)}</small></td>
                <td>{cell(|r| &r.uncoupled)}</td>
                <td>{cell(|r| &r.ewma)}</td>
                <td>{cell(|r| &r.fitness)}</td>
                <td>{cell(|r| &r.fatigue)}</td>
                <td>{cell(|r| &r.form)} <small>{cell(|r| &r.form_change)}</small></td>
                <td>{cell(|r| &r.monotony)}</td>
                <td>{cell(|r| &r.strain)}</td>
                <td>{cell(|r| &r.risk)} <small>{cell(|r| &r.risk_change)}</small></td>
                <td>{cell(|r| &r.performance)}</td>
                <td data-testid="day-policy">{cell(|r| &r.policy)} <small>{cell(|r| &r.policy_was)}</small></td>
                <td class="warnings">{cell(|r| &r.warnings)}</td>
            </tr>
        }
    };
    let rows = view! { <For each=move || 0..count.get() key=|i| *i children=row/> };
    view! {
        <details class="chart-table" open>
            <summary>"Day by day (changes against before the edits in small print)"</summary>
            <div class="table-scroll">
                <table class="data-table plan-table" data-testid="projection-table">
                    <thead>
                        <tr>
                            <th scope="col">"Day"</th>
                            <th scope="col">"Load"</th>
                            <th scope="col">"Ratio (coupled)"</th>
                            <th scope="col">"Uncoupled"</th>
                            <th scope="col">"EWMA"</th>
                            <th scope="col">"Fitness"</th>
                            <th scope="col">"Fatigue"</th>
                            <th scope="col">"Form"</th>
                            <th scope="col">"Monotony"</th>
                            <th scope="col">"Strain"</th>
                            <th scope="col">"Risk (tree spread)"</th>
                            <th scope="col">"Performance"</th>
                            <th scope="col">"Policy (confidence)"</th>
                            <th scope="col">"Warnings"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

#[component]
fn DayCard(
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

/// The plan without its values in error, for the rare plan that starts with
/// one (a plan typed is held at its last accepted state instead).
fn without_problems(plan: &Plan) -> Plan {
    let mut clean = plan.clone();
    for problem in plan.problems() {
        if let Some((d, k, field)) = problem.at {
            if let Some(s) = clean.days.get_mut(d).and_then(|d| d.get_mut(k)) {
                field.set(s, None);
            }
        }
    }
    clean
}

/// The values in error in words, with their day: "RPE 11 on Tue 2024-03-05 (give
/// a number from 0 to 10)".
fn problems_words(plan: &Plan, problems: &[PlanError]) -> String {
    let words: Vec<String> = problems
        .iter()
        .map(|problem| match problem.at {
            Some((d, k, field)) => {
                let date = plan.date(d);
                let bound = field.bound();
                let value = plan
                    .days
                    .get(d)
                    .and_then(|day| day.get(k))
                    .and_then(|s| field.value(s))
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                format!(
                    "{} {value} on {} {date} (give {})",
                    field.label(),
                    date.strftime("%a"),
                    bound.accepted
                )
            }
            None => problem.message.clone(),
        })
        .collect();
    format!("Not accepted: {}.", words.join("; "))
}

/// The athlete's performance tests and a form to record one (coaches).
#[component]
fn TestsForm(athlete: String, tests: RwSignal<Vec<PerformanceTest>>) -> impl IntoView {
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

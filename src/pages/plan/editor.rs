//! The plan editor's state: the plan as typed and before the edits, what of it
//! is projected, both projections (in the browser, from a [`plan::PlanBase`]
//! built once), the performance fit and the day whose recommendation is shown;
//! the parts of the page read and change it through [`Editing`].

use std::sync::Arc;

use forma_core::banister::BanisterParams;
use forma_core::plan::{self, Plan, PlanError, Projection, Scenario, WarningOptions};
use leptos::prelude::*;

use super::data::{PlanData, PlanDraft};
use super::head::PlanHead;
use super::result::PlanResult;
use super::sessions::PlanSessions;
use super::timing::{use_edit_timing, EditTiming};
use crate::auth::use_auth;
use crate::components::page_header::PageHeader;
use crate::drafts::{self, DraftKey};

/// What the editor's parts share; every field is a handle, so it is `Copy`.
#[derive(Clone, Copy)]
pub struct Editing {
    /// The plan as typed.
    pub plan: RwSignal<Plan>,
    /// The plan before the edits: the saved one, or the one the editor started
    /// from.
    pub baseline: RwSignal<Plan>,
    /// The note to the athlete as typed, and as saved.
    pub note: RwSignal<String>,
    pub saved_note: RwSignal<String>,
    /// When the unsaved edits of an earlier visit, brought back, were kept.
    pub restored: RwSignal<Option<String>>,
    /// Every value the plan does not accept (RPE 11, minutes below 0), each at
    /// its session and field.
    pub problems: Memo<Vec<PlanError>>,
    /// The plan as typed while every value is accepted, else the last such plan,
    /// so an impossible value never reaches a figure.
    pub projected_plan: Memo<Plan>,
    pub projection: Memo<Projection>,
    pub baseline_projection: Memo<Projection>,
    pub day_count: Memo<usize>,
    pub timing: EditTiming,
}

impl Editing {
    /// Changes the plan; the change is timed until it is on the page.
    pub fn edit(&self, change: &dyn Fn(&mut Plan)) {
        self.timing.start();
        self.plan.update(|p| change(p));
    }

    /// The values not accepted, in words, or `None` when every value is.
    pub fn validation(&self) -> Option<String> {
        self.plan.with(|p| {
            self.problems
                .with(|all| (!all.is_empty()).then(|| p.problems_words(all)))
        })
    }
}

#[component]
pub fn PlanEditor(data: PlanData) -> impl IntoView {
    let auth = use_auth();
    let may_save = auth
        .role()
        .is_some_and(|r| r != forma_core::api::Role::Athlete);
    let athlete_id = data.profile.id.clone();
    let initial = data.starting_plan();
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
    let note = RwSignal::new(first_note);
    let problems = Memo::new(move |_| plan.with(Plan::problems));
    let projected_plan = Memo::new(move |previous: Option<&Plan>| {
        if problems.with(Vec::is_empty) {
            plan.get()
        } else {
            previous
                .cloned()
                .unwrap_or_else(|| plan.with(Plan::without_problems))
        }
    });
    // The draft follows the edits a moment after the last one (not in the
    // edit's own frame, which is timed); it goes once they are saved or undone.
    let keeper = drafts::keep(draft_key.get_value(), move || {
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
        &data.labels,
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
    let day_count = Memo::new(move |_| plan.with(|p| p.days.len()));
    // The plan day whose whole recommendation is shown: the one the coach chose
    // (the first by default), or the plan's last day once the plan is made
    // shorter than that, until another day is chosen.
    let chosen = RwSignal::new(0usize);
    let shown = Memo::new(move |previous: Option<&(usize, usize)>| {
        let (choice, last) = (chosen.get(), day_count.get().saturating_sub(1));
        match previous {
            Some(&(was, shown)) if was == choice => (choice, shown.min(last)),
            _ => (choice, choice.min(last)),
        }
    });
    let shown_day = Memo::new(move |_| shown.get().1);
    let project = Arc::new(
        move |p: &Plan, params: Option<&BanisterParams>, detail: Option<usize>| -> Projection {
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
            let detail = shown_day.get();
            fit.with(|f| {
                projected_plan.with(|p| project(p, f.as_ref().map(|f| &f.params), Some(detail)))
            })
        })
    };
    let baseline_projection = Memo::new(move |_| {
        fit.with(|f| baseline.with(|p| project(p, f.as_ref().map(|f| &f.params), None)))
    });
    let editing = Editing {
        plan,
        baseline,
        note,
        saved_note,
        restored,
        problems,
        projected_plan,
        projection,
        baseline_projection,
        day_count,
        timing: use_edit_timing(),
    };

    view! {
        <PageHeader
            title="Plan"
            summary="Edit the next weeks; load, ratio, form and risk follow every keystroke, computed in this browser."
        />
        <PlanHead
            editing
            name=data.profile.name.clone()
            model=data.model.as_ref().map(|m| m.version_id.clone())
            caveat=forma_core::policy::model_caveat(data.model.as_ref().map(|m| m.card.beats_baselines()))
            history=data.sessions.clone()
            draft_key
        />
        <PlanResult
            editing
            history=data.sessions.clone()
            tests
            fit
            chosen
            shown_day
        />
        <PlanSessions editing athlete=athlete_id may_save tests draft=keeper/>
        <pre hidden data-testid="plan-json">{move || plan.with(|p| serde_json::to_string(p).unwrap_or_default())}</pre>
    }
}

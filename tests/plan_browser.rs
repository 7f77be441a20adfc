//! The what-if projection in headless Chromium (`cargo xtask test`): the same
//! projection as forma-core's native `tests/plan_parity.rs`, bit for bit, and how
//! long an edit takes on an athlete with two years of history and a 28-day plan,
//! from the changed plan to a redrawn chart.

#![cfg(target_arch = "wasm32")]

#[path = "../crates/forma-core/tests/support/plan_case.rs"]
mod plan_case;

use forma_core::model::ModelArtifact;
use forma_core::plan::{
    fingerprint, history_findings, project, PlanBase, Projection, ProjectionInput, Scenario,
    WarningOptions,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MODEL: &str = include_str!("../crates/forma-core/tests/fixtures/plan-model.json");
const FINGERPRINT: &str = include_str!("../crates/forma-core/tests/fixtures/plan-projection.txt");

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn canvas() -> web_sys::HtmlCanvasElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("document");
    let element = document
        .create_element("canvas")
        .expect("canvas")
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .expect("a canvas");
    element
        .set_attribute("style", "width: 1200px; height: 360px")
        .expect("style");
    document
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element
}

#[wasm_bindgen_test]
fn the_browser_projects_the_plan_exactly_as_the_server_does_and_within_a_frame() {
    let model = ModelArtifact::from_json(MODEL).expect("the fixture model reads");
    let (athlete, sessions, wellness) = (
        plan_case::athlete(),
        plan_case::sessions(),
        plan_case::wellness(),
    );
    let mut plan = plan_case::plan();
    let events = plan_case::events();
    let labels = plan_case::labels();
    let findings = history_findings(&athlete, &sessions, &wellness, plan.start);
    let run = |plan: &forma_core::plan::Plan| -> Projection {
        project(&ProjectionInput {
            athlete: &athlete,
            sessions: &sessions,
            wellness: &wellness,
            plan,
            model: Some(&model),
            warnings: WarningOptions::default(),
            performance: None,
            events: &events,
            labels: &labels,
            quality_findings: &findings,
            detail_day: Some(plan.date(10)),
        })
    };
    // As the Plan page does: the plan-independent part prepared once.
    let base = PlanBase::new(
        &athlete, &sessions, &wellness, &events, &labels, &findings, plan.start,
    );
    let edit = |plan: &forma_core::plan::Plan| -> Projection {
        base.project(&Scenario {
            plan,
            model: Some(&model),
            warnings: WarningOptions::default(),
            performance: None,
            detail_day: Some(plan.date(10)),
        })
    };
    let baseline = run(&plan);
    assert_eq!(
        fingerprint(&baseline),
        FINGERPRINT.trim(),
        "browser and native projections differ"
    );

    // Edits as a coach makes them: one session's minutes at a time, then the
    // projection and the chart.
    let target = canvas();
    let mut times = Vec::new();
    let mut parts = Vec::new();
    for i in 0..60 {
        let day = i % plan.days.len();
        let t0 = now();
        if let Some(s) = plan.days[day].first_mut() {
            s.minutes = Some(30.0 + f64::from(i as u32));
        } else {
            plan.days[day].push(forma_core::plan::PlannedSession {
                minutes: Some(30.0),
                rpe: Some(4.0),
                ..Default::default()
            });
        }
        let edited = edit(&plan);
        let t1 = now();
        forma_web::charts::plan::draw_plan(&target, &edited, &baseline).expect("drawn");
        let t2 = now();
        times.push(t2 - t0);
        parts.push((t1 - t0, t2 - t1));
    }
    assert_eq!(
        edit(&plan),
        run(&plan),
        "the prepared base projects as the one-shot does"
    );
    times.sort_by(f64::total_cmp);
    let p95 = times[(0.95 * times.len() as f64).ceil() as usize - 1];
    let median = times[times.len() / 2];
    console_log!(
        "plan edit (2 years of history, 28-day plan, projection with model and policy + chart): median {median:.1} ms, p95 {p95:.1} ms, max {:.1} ms over {} edits",
        times[times.len() - 1],
        times.len()
    );
    let mut projection: Vec<f64> = parts.iter().map(|p| p.0).collect();
    let mut chart: Vec<f64> = parts.iter().map(|p| p.1).collect();
    projection.sort_by(f64::total_cmp);
    chart.sort_by(f64::total_cmp);
    console_log!(
        "of which the projection: median {:.1} ms, p95 {:.1} ms; the chart: median {:.1} ms, p95 {:.1} ms; slowest edits {:?}",
        projection[projection.len() / 2],
        projection[(0.95 * projection.len() as f64).ceil() as usize - 1],
        chart[chart.len() / 2],
        chart[(0.95 * chart.len() as f64).ceil() as usize - 1],
        &times[times.len() - 4..]
    );
    assert_ne!(
        fingerprint(&edit(&plan)),
        fingerprint(&baseline),
        "sixty edits of the minutes left the projection as it was"
    );
}

//! How long an edit of the plan takes to show, measured on the page itself: from
//! the edit to the summary, explanation and chart laid out (the edit's own frame),
//! and to the whole page painted, with the table and the chosen day's
//! recommendation that follow a frame behind. The page prints both (the last and
//! the 95th percentile, and how many edits), which the end-to-end tests and
//! `cargo xtask bench` read by their `data-testid`s.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

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

/// One measure: started by an edit, stopped once, with every time it took.
#[derive(Clone, Copy)]
struct Clock {
    started: StoredValue<Option<f64>>,
    times: StoredValue<Vec<f64>>,
    last: RwSignal<Option<f64>>,
    p95: RwSignal<Option<f64>>,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            started: StoredValue::new(None),
            times: StoredValue::new(Vec::new()),
            last: RwSignal::new(None),
            p95: RwSignal::new(None),
        }
    }

    /// When the running measure started; it is stopped by whoever takes it.
    /// Every read and write tries: the page may be gone by then.
    fn take(&self) -> Option<f64> {
        let started = self.started.try_get_value().flatten();
        if started.is_some() {
            self.started.try_set_value(None);
        }
        started
    }

    /// Records the time since `t0`, once the page is laid out.
    fn record(&self, t0: f64) {
        lay_out();
        let ms = now_ms() - t0;
        if self.times.try_update_value(|t| t.push(ms)).is_some() {
            self.last.try_set(Some(ms));
            self.p95
                .try_set(self.times.try_with_value(|t| p95(t)).flatten());
        }
    }

    fn shown(self, value: fn(&Clock) -> RwSignal<Option<f64>>) -> impl Fn() -> String {
        move || {
            value(&self)
                .get()
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default()
        }
    }

    fn count(self) -> impl Fn() -> String {
        move || {
            self.last.track();
            self.times.with_value(Vec::len).to_string()
        }
    }
}

/// The edit timings of one Plan page ([`use_edit_timing`]).
#[derive(Clone, Copy)]
pub struct EditTiming {
    edit: Clock,
    page: Clock,
}

/// Starts measuring the Plan page's edits.
pub fn use_edit_timing() -> EditTiming {
    EditTiming {
        edit: Clock::new(),
        page: Clock::new(),
    }
}

impl EditTiming {
    /// An edit is made.
    pub fn start(&self) {
        let now = Some(now_ms());
        self.edit.started.set_value(now);
        self.page.started.set_value(now);
    }

    /// The edit's own frame is drawn (the chart last). Every edit ends here, one
    /// that leaves the projection as it was too, so its time is never carried to
    /// a later change.
    pub fn edit_drawn(&self) {
        let Some(t0) = self.edit.take() else {
            return;
        };
        let edit = self.edit;
        // The numbers and the policy card update in effects of their own, run
        // as microtasks. After them the browser runs either the zero timeout or,
        // when a frame is due, its animation frame first: whichever comes first
        // ends the measure, once the page is laid out again (forced, as the frame
        // would). Not reactive state: the callbacks may outlive this edit (a
        // second edit within the frame), or the page.
        let done = Rc::new(Cell::new(false));
        let finish = move || {
            if !done.replace(true) {
                edit.record(t0);
            }
        };
        request_animation_frame(finish.clone());
        set_timeout(finish, std::time::Duration::ZERO);
    }

    /// The parts a frame behind are given the edit (in that frame's callback):
    /// the measure ends after the frame's effects, layout and paint.
    pub fn frame_behind_given(&self) {
        if let Some(t0) = self.page.take() {
            let page = self.page;
            set_timeout(move || page.record(t0), std::time::Duration::ZERO);
        }
    }
}

/// The timings in words: the last edit's and the 95th percentile of both, and
/// how many edits; `children` follow in the same line.
#[component]
pub fn EditTimes(timing: EditTiming, children: Children) -> impl IntoView {
    let EditTiming { edit, page } = timing;
    // Before the first edit there is nothing to report; the figures' elements
    // stay in the page (hidden) for the tests and the bench that read them.
    let none_yet = move || {
        edit.last.track();
        edit.times.with_value(Vec::is_empty)
    };
    view! {
        <p class="note timing">
            <span hidden=move || !none_yet()>
                "Each edit is timed here, from the keystroke to the summary, explanation and chart shown and to the whole page painted."
            </span>
            <span hidden=none_yet>
            "Last edit: summary, explanation and chart in "
            <span data-testid="update-ms">{edit.shown(|c| c.last)}</span>
            " ms (95th percentile "
            <span data-testid="update-p95">{edit.shown(|c| c.p95)}</span>
            " ms), the whole page with the table in "
            <span data-testid="page-ms">{page.shown(|c| c.last)}</span>
            " ms (95th percentile "
            <span data-testid="page-p95">{page.shown(|c| c.p95)}</span>
            " ms) over "
            <span data-testid="update-count">{edit.count()}</span>
            " edits"
            </span>
            <span hidden data-testid="page-count">{page.count()}</span>
            {children()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_95th_percentile_is_the_nearest_rank() {
        assert_eq!(p95(&[]), None);
        assert_eq!(p95(&[4.0]), Some(4.0));
        let twenty: Vec<f64> = (1..=20).rev().map(f64::from).collect();
        // Rank ceil(0.95 x 20) = 19 of the sorted times.
        assert_eq!(p95(&twenty), Some(19.0));
        let twenty_one: Vec<f64> = (1..=21).map(f64::from).collect();
        assert_eq!(p95(&twenty_one), Some(20.0));
    }
}

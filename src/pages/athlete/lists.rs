//! The athlete's sessions and wellness entries as lists, newest first, the
//! first rows at once and the rest on request.

use forma_core::api::SessionRecord;
use forma_core::types::WellnessEntry;
use leptos::prelude::*;

use crate::charts::window::number;

/// Rows a list shows before "Show all": years of history would otherwise put
/// thousands of rows on the page before anyone asks for them.
const LIST_ROWS: usize = 60;

#[component]
pub fn Lists(sessions: Vec<SessionRecord>, wellness: Vec<WellnessEntry>) -> impl IntoView {
    let session_count = sessions.len();
    let wellness_count = wellness.len();
    let show_all = RwSignal::new(false);
    let limit = move || {
        if show_all.get() {
            usize::MAX
        } else {
            LIST_ROWS
        }
    };
    let more = move || {
        (!show_all.get() && session_count.max(wellness_count) > LIST_ROWS).then(|| {
            view! {
                <button class="button show-all" data-testid="show-all" on:click=move |_| show_all.set(true)>
                    {format!("Show all {} sessions and {} wellness entries", session_count, wellness_count)}
                </button>
            }
        })
    };
    view! {
        {more}
        <div class="lists">
            <section class="card">
                <h2>{format!("Sessions ({session_count})")}</h2>
                <div class="table-scroll">
                    <table class="data-table" data-testid="sessions-list">
                        <thead>
                            <tr>
                                <th scope="col">"Day"</th>
                                <th scope="col">"Sport"</th>
                                <th scope="col">"Minutes"</th>
                                <th scope="col">"RPE"</th>
                                <th scope="col">"Load"</th>
                                <th scope="col">"Source"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || sessions
                                .iter()
                                .rev()
                                .take(limit())
                                .cloned()
                                .map(|record| {
                                    let s = record.session;
                                    view! {
                                        <tr>
                                            <th scope="row">{s.date.to_string()}</th>
                                            <td>{s.sport.unwrap_or_default()}</td>
                                            <td>{number(s.duration_min, 0)}</td>
                                            <td>{number(s.rpe, 0)}</td>
                                            <td>{format!("{:.0}", s.load)}</td>
                                            <td>{s.source.unwrap_or_default()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
            <section class="card">
                <h2>{format!("Wellness entries ({wellness_count})")}</h2>
                <div class="table-scroll">
                    <table class="data-table" data-testid="wellness-list">
                        <thead>
                            <tr>
                                <th scope="col">"Day"</th>
                                <th scope="col">"Sleep (h)"</th>
                                <th scope="col">"Quality"</th>
                                <th scope="col">"Fatigue"</th>
                                <th scope="col">"Soreness"</th>
                                <th scope="col">"Stress"</th>
                                <th scope="col">"Mood"</th>
                                <th scope="col">"Readiness"</th>
                                <th scope="col">"Resting HR"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {move || wellness
                                .iter()
                                .rev()
                                .take(limit())
                                .map(|w| {
                                    view! {
                                        <tr>
                                            <th scope="row">{w.date.to_string()}</th>
                                            <td>{number(w.sleep_h, 1)}</td>
                                            <td>{number(w.sleep_quality, 0)}</td>
                                            <td>{number(w.fatigue, 0)}</td>
                                            <td>{number(w.soreness, 0)}</td>
                                            <td>{number(w.stress, 0)}</td>
                                            <td>{number(w.mood, 0)}</td>
                                            <td>{number(w.readiness, 0)}</td>
                                            <td>{number(w.resting_hr, 0)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        </div>
    }
}

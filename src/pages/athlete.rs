//! `/athletes/:id`: one athlete's full picture: load, fitness-fatigue-form and
//! readiness charts over a chosen range, data-quality findings in words, and the
//! lists of sessions and wellness. An athlete lands here on their own page; a direct
//! link to an athlete the account may not see shows a not-allowed message.

use std::sync::Arc;

use forma_core::api::{AthleteProfile, SeriesResponse, SessionRecord};
use forma_core::quality::{QualityReport, Severity};
use forma_core::types::WellnessEntry;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::charts::draw;
use crate::charts::window::{self, number, DateRange, PmcVariantChoice, RatioForm};
use crate::components::chart_panel::ChartPanel;
use crate::components::label_form::LabelPanel;
use crate::components::sign_in_required::SignInRequired;
use crate::components::today::AthleteToday;

/// Everything the page shows, fetched together.
#[derive(Clone)]
struct AthleteData {
    profile: AthleteProfile,
    series: Arc<SeriesResponse>,
    quality: Option<QualityReport>,
    sessions: Vec<SessionRecord>,
    wellness: Vec<WellnessEntry>,
}

async fn load(id: String) -> Result<AthleteData, ApiFailure> {
    let profile = api::athlete(&id).await?;
    let series = Arc::new(api::series(&id).await?);
    let quality = api::quality(&id).await?;
    let sessions = api::sessions(&id).await?;
    let wellness = api::wellness(&id).await?;
    Ok(AthleteData {
        profile,
        series,
        quality,
        sessions,
        wellness,
    })
}

#[component]
pub fn AthletePage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let page = LocalResource::new(move || {
        let id = id();
        auth.when_signed_in(move || load(id))
    });
    view! {
        <Transition fallback=|| view! { <p class="loading" data-testid="loading">"Loading the athlete…"</p> }>
            {move || {
                if !auth.checked.get() {
                    return Some(view! { <p class="loading">"Checking your sign-in…"</p> }.into_any());
                }
                page.get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            auth.session_lost(&failure);
                            view! { <SignInRequired what="this athlete"/> }.into_any()
                        }
                        Err(failure) if failure.is_not_found() => {
                            view! {
                                <section class="card not-allowed" data-testid="not-allowed">
                                    <h1>"You cannot see this page"</h1>
                                    <p>
                                        {format!(
                                            "There is no athlete {} that your account may see. Coaches see the athletes of their teams; athletes see only themselves.",
                                            id(),
                                        )}
                                    </p>
                                </section>
                            }
                                .into_any()
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
                        Ok(data) => view! { <AthleteView data/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn AthleteView(data: AthleteData) -> impl IntoView {
    let AthleteData {
        profile,
        series,
        quality,
        sessions,
        wellness,
    } = data;
    let range = RwSignal::new(DateRange::TwelveWeeks);
    let form = RwSignal::new(RatioForm::Coupled);
    let variant = RwSignal::new(PmcVariantChoice::TrainingPeaks);
    let len = series.dates.len();
    let header = view! {
        <div class="page-header">
            <h1 data-testid="athlete-name">{profile.name.clone()}</h1>
            <p class="page-summary">
                {format!("Athlete {} · team {} · local time {}", profile.id, profile.team_id, profile.time_zone)}
            </p>
        </div>
    };
    if len == 0 {
        return view! {
            {header}
            <section class="card empty-state" data-testid="no-data">
                <p>
                    "Nothing is recorded for this athlete yet. Import their sessions and wellness, or ask them to log today's check-in, and the charts appear here."
                </p>
            </section>
        }
            .into_any();
    }
    let window = move || range.get().indices(len);
    view! {
        {header}
        <AthleteToday athlete=profile.id.to_string()/>
        <div class="range-switch" role="group" aria-label="Date range" data-testid="range-switch">
            {DateRange::ALL
                .into_iter()
                .map(|choice| {
                    view! {
                        <button
                            class="segment"
                            aria-pressed=move || (range.get() == choice).to_string()
                            on:click=move |_| range.set(choice)
                        >
                            {choice.label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <div class="chart-grid">
            <LoadPanel series=series.clone() window=Arc::new(window) form quality=quality.clone()/>
            <PmcPanel series=series.clone() window=Arc::new(window) variant/>
            <ReadinessPanel series=series.clone() window=Arc::new(window)/>
        </div>
        <LabelPanel athlete=profile.id.clone() sessions=sessions.clone() last_day=series.dates.last().map(|d| d.to_string())/>
        <Lists sessions wellness/>
    }
    .into_any()
}

type Window = Arc<dyn Fn() -> std::ops::Range<usize> + Send + Sync>;

#[component]
fn LoadPanel(
    series: Arc<SeriesResponse>,
    window: Window,
    form: RwSignal<RatioForm>,
    quality: Option<QualityReport>,
) -> impl IntoView {
    let (s1, s2, s3, s4) = (
        series.clone(),
        series.clone(),
        series.clone(),
        series.clone(),
    );
    let (w1, w2, w3, w4) = (
        window.clone(),
        window.clone(),
        window.clone(),
        window.clone(),
    );
    let draw: crate::components::chart_panel::DrawFn = Arc::new(move |canvas, highlight| {
        draw::draw_load(canvas, &s1, w1(), form.get(), highlight)
    });
    let readout = Arc::new(move |day: Option<usize>| {
        let range = w2();
        let i = window::day_index(range, day);
        let columns = form.get().columns(&s2);
        format!(
            "{}: load {:.0}, acute {}, chronic {}, ratio {}{}",
            s2.dates[i],
            s2.load[i],
            number(columns.acute[i], 0),
            number(columns.chronic[i], 0),
            number(columns.ratio[i], 2),
            if s2.observed[i] {
                ""
            } else {
                " (nothing recorded this day)"
            },
        )
    });
    let summary = Arc::new(move || window::load_summary(&s3, w3(), form.get()));
    let days = Arc::new(move || w4().len());
    let controls = view! {
        <label class="switch">
            "Ratio "
            <select
                data-testid="ratio-form"
                on:change=move |event| {
                    let chosen = event_target_value(&event);
                    if let Some(choice) = RatioForm::ALL.into_iter().find(|f| f.label() == chosen) {
                        form.set(choice);
                    }
                }
            >
                {RatioForm::ALL
                    .into_iter()
                    .map(|choice| view! { <option value=choice.label()>{choice.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    };
    let findings = quality.map(|report| report.findings).unwrap_or_default();
    let notes = view! {
        <div class="findings" data-testid="quality-findings">
            <h3>"Data quality"</h3>
            {if findings.is_empty() {
                view! { <p class="finding finding-ok">"No problems found in this athlete's data."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {findings
                            .into_iter()
                            .map(|finding| {
                                let (class, word) = match finding.severity {
                                    Severity::Error => ("finding finding-error", "Error"),
                                    Severity::Warning => ("finding finding-warning", "Warning"),
                                    Severity::Note => ("finding finding-note", "Note"),
                                };
                                view! {
                                    <li class=class>
                                        <strong>{word}": "</strong>
                                        {finding.message}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </div>
    };
    let table = move || {
        let columns = form.get().columns(&s4);
        let range = window();
        view! {
            <table class="data-table" data-testid="table-load">
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        <th scope="col">"Load"</th>
                        <th scope="col">"Acute"</th>
                        <th scope="col">"Chronic"</th>
                        <th scope="col">{format!("Ratio ({})", form.get().label())}</th>
                        <th scope="col">"Recorded"</th>
                    </tr>
                </thead>
                <tbody>
                    {range
                        .rev()
                        .map(|i| {
                            view! {
                                <tr data-date=s4.dates[i].to_string()>
                                    <th scope="row">{s4.dates[i].to_string()}</th>
                                    <td>{format!("{:.0}", s4.load[i])}</td>
                                    <td>{number(columns.acute[i], 1)}</td>
                                    <td>{number(columns.chronic[i], 1)}</td>
                                    <td>{number(columns.ratio[i], 2)}</td>
                                    <td>{if s4.observed[i] { "yes" } else { "nothing" }}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <ChartPanel
            title="Load and acute:chronic ratio"
            name="load"
            days
            draw
            readout
            summary
            controls=Box::new(move || controls.into_any())
            notes=Box::new(move || notes.into_any())
            table=Arc::new(table)
        />
    }
}

#[component]
fn PmcPanel(
    series: Arc<SeriesResponse>,
    window: Window,
    variant: RwSignal<PmcVariantChoice>,
) -> impl IntoView {
    let (s1, s2, s3, s4) = (
        series.clone(),
        series.clone(),
        series.clone(),
        series.clone(),
    );
    let (w1, w2, w3, w4) = (
        window.clone(),
        window.clone(),
        window.clone(),
        window.clone(),
    );
    let draw: crate::components::chart_panel::DrawFn = Arc::new(move |canvas, highlight| {
        draw::draw_pmc(canvas, &s1, w1(), variant.get(), highlight)
    });
    let readout = Arc::new(move |day: Option<usize>| {
        let range = w2();
        let i = window::day_index(range, day);
        match s2.pmc.iter().find(|p| p.variant == variant.get().key()) {
            Some(pmc) => format!(
                "{}: fitness {:.1}, fatigue {:.1}, form {:.1}",
                s2.dates[i], pmc.ctl[i], pmc.atl[i], pmc.tsb[i]
            ),
            None => String::new(),
        }
    });
    let summary = Arc::new(move || window::pmc_summary(&s3, w3(), variant.get()));
    let days = Arc::new(move || window().len());
    let controls = view! {
        <label class="switch">
            "Arithmetic "
            <select
                data-testid="pmc-variant"
                on:change=move |event| {
                    let chosen = event_target_value(&event);
                    if let Some(choice) = PmcVariantChoice::ALL.into_iter().find(|v| v.label() == chosen) {
                        variant.set(choice);
                    }
                }
            >
                {PmcVariantChoice::ALL
                    .into_iter()
                    .map(|choice| view! { <option value=choice.label()>{choice.label()}</option> })
                    .collect_view()}
            </select>
        </label>
    };
    let table = move || {
        let range = w4();
        let pmc = s4
            .pmc
            .iter()
            .find(|p| p.variant == variant.get().key())
            .cloned()
            .unwrap_or_default();
        view! {
            <table class="data-table" data-testid="table-pmc">
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        <th scope="col">"Fitness (CTL)"</th>
                        <th scope="col">"Fatigue (ATL)"</th>
                        <th scope="col">"Form (TSB)"</th>
                    </tr>
                </thead>
                <tbody>
                    {range
                        .rev()
                        .filter(|i| *i < pmc.ctl.len())
                        .map(|i| {
                            view! {
                                <tr data-date=s4.dates[i].to_string()>
                                    <th scope="row">{s4.dates[i].to_string()}</th>
                                    <td>{format!("{:.1}", pmc.ctl[i])}</td>
                                    <td>{format!("{:.1}", pmc.atl[i])}</td>
                                    <td>{format!("{:.1}", pmc.tsb[i])}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <ChartPanel
            title="Fitness, fatigue and form"
            name="pmc"
            days
            draw
            readout
            summary
            controls=Box::new(move || controls.into_any())
            table=Arc::new(table)
        />
    }
}

#[component]
fn ReadinessPanel(series: Arc<SeriesResponse>, window: Window) -> impl IntoView {
    let (s1, s2, s3, s4) = (
        series.clone(),
        series.clone(),
        series.clone(),
        series.clone(),
    );
    let (w1, w2, w3, w4) = (
        window.clone(),
        window.clone(),
        window.clone(),
        window.clone(),
    );
    let draw: crate::components::chart_panel::DrawFn =
        Arc::new(move |canvas, highlight| draw::draw_readiness(canvas, &s1, w1(), highlight));
    let readout = Arc::new(move |day: Option<usize>| {
        let range = w2();
        let i = window::day_index(range, day);
        format!(
            "{}: sleep {} h, readiness {}, fatigue {}, mood {}, soreness {}, resting HR {}",
            s2.dates[i],
            number(s2.sleep_h[i], 1),
            number(s2.readiness[i], 0),
            number(s2.fatigue[i], 0),
            number(s2.mood[i], 0),
            number(s2.soreness[i], 0),
            number(s2.resting_hr[i], 0),
        )
    });
    let summary = Arc::new(move || window::readiness_summary(&s3, w3()));
    let days = Arc::new(move || window().len());
    let table = move || {
        let range = w4();
        view! {
            <table class="data-table" data-testid="table-readiness">
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        <th scope="col">"Sleep (h)"</th>
                        <th scope="col">"Readiness"</th>
                        <th scope="col">"Fatigue"</th>
                        <th scope="col">"Mood"</th>
                        <th scope="col">"Soreness"</th>
                        <th scope="col">"Resting HR"</th>
                        <th scope="col">"HRV (ms)"</th>
                    </tr>
                </thead>
                <tbody>
                    {range
                        .rev()
                        .map(|i| {
                            view! {
                                <tr data-date=s4.dates[i].to_string()>
                                    <th scope="row">{s4.dates[i].to_string()}</th>
                                    <td>{number(s4.sleep_h[i], 1)}</td>
                                    <td>{number(s4.readiness[i], 0)}</td>
                                    <td>{number(s4.fatigue[i], 0)}</td>
                                    <td>{number(s4.mood[i], 0)}</td>
                                    <td>{number(s4.soreness[i], 0)}</td>
                                    <td>{number(s4.resting_hr[i], 0)}</td>
                                    <td>{number(s4.hrv_rmssd_ms[i], 0)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <ChartPanel
            title="Readiness: sleep, wellness and HRV"
            name="readiness"
            days
            draw
            readout
            summary
            table=Arc::new(table)
        />
    }
}

/// Rows a list shows before "Show all": years of history would otherwise put
/// thousands of rows on the page before anyone asks for them.
const LIST_ROWS: usize = 60;

#[component]
fn Lists(sessions: Vec<SessionRecord>, wellness: Vec<WellnessEntry>) -> impl IntoView {
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

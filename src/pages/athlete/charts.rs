//! The athlete page's three charts, each in a [`ChartPanel`]: load with its
//! acute:chronic ratio (and the data-quality findings beside it), fitness,
//! fatigue and form, and readiness. Each draws the days of the chosen range.

use std::ops::Range;
use std::sync::Arc;

use forma_core::api::SeriesResponse;
use forma_core::quality::{QualityReport, Severity};
use leptos::prelude::*;

use crate::charts::draw;
use crate::charts::window::{self, number, PmcVariantChoice, RatioForm};
use crate::components::chart_panel::{ChartPanel, DrawFn};

/// The athlete's whole series, shared by the panels without copying it.
pub type Series = StoredValue<Arc<SeriesResponse>>;

#[component]
pub fn LoadPanel(
    series: Series,
    window: Memo<Range<usize>>,
    form: RwSignal<RatioForm>,
    quality: Option<QualityReport>,
) -> impl IntoView {
    let draw: DrawFn = Arc::new(move |canvas, highlight| {
        draw::draw_load(
            canvas,
            &series.get_value(),
            window.get(),
            form.get(),
            highlight,
        )
    });
    let readout = Arc::new(move |day: Option<usize>| {
        let s = series.get_value();
        let range = window.get();
        let i = window::day_index(range, day);
        let columns = form.get().columns(&s);
        format!(
            "{}: load {:.0}, acute {}, chronic {}, ratio {}{}",
            s.dates[i],
            s.load[i],
            number(columns.acute[i], 0),
            number(columns.chronic[i], 0),
            number(columns.ratio[i], 2),
            if s.observed[i] {
                ""
            } else {
                " (nothing recorded this day)"
            },
        )
    });
    let summary =
        Arc::new(move || window::load_summary(&series.get_value(), window.get(), form.get()));
    let days = Arc::new(move || window.get().len());
    let controls = view! {
        <Switch label="Ratio " testid="ratio-form" choices=&RatioForm::ALL chosen=form name=RatioForm::label/>
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
        let s = series.get_value();
        let columns = form.get().columns(&s);
        let range = window.get();
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
                                <tr data-date=s.dates[i].to_string()>
                                    <th scope="row">{s.dates[i].to_string()}</th>
                                    <td>{format!("{:.0}", s.load[i])}</td>
                                    <td>{number(columns.acute[i], 1)}</td>
                                    <td>{number(columns.chronic[i], 1)}</td>
                                    <td>{number(columns.ratio[i], 2)}</td>
                                    <td>{if s.observed[i] { "yes" } else { "nothing" }}</td>
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
pub fn PmcPanel(
    series: Series,
    window: Memo<Range<usize>>,
    variant: RwSignal<PmcVariantChoice>,
) -> impl IntoView {
    let draw: DrawFn = Arc::new(move |canvas, highlight| {
        draw::draw_pmc(
            canvas,
            &series.get_value(),
            window.get(),
            variant.get(),
            highlight,
        )
    });
    let readout = Arc::new(move |day: Option<usize>| {
        let s = series.get_value();
        let range = window.get();
        let i = window::day_index(range, day);
        match variant.get().series(&s) {
            Some(pmc) => format!(
                "{}: fitness {:.1}, fatigue {:.1}, form {:.1}",
                s.dates[i], pmc.ctl[i], pmc.atl[i], pmc.tsb[i]
            ),
            None => String::new(),
        }
    });
    let summary =
        Arc::new(move || window::pmc_summary(&series.get_value(), window.get(), variant.get()));
    let days = Arc::new(move || window.get().len());
    let controls = view! {
        <Switch
            label="Arithmetic "
            testid="pmc-variant"
            choices=&PmcVariantChoice::ALL
            chosen=variant
            name=PmcVariantChoice::label
        />
    };
    let table = move || {
        let s = series.get_value();
        let range = window.get();
        let pmc = variant.get().series(&s).cloned().unwrap_or_default();
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
                                <tr data-date=s.dates[i].to_string()>
                                    <th scope="row">{s.dates[i].to_string()}</th>
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
pub fn ReadinessPanel(series: Series, window: Memo<Range<usize>>) -> impl IntoView {
    let draw: DrawFn = Arc::new(move |canvas, highlight| {
        draw::draw_readiness(canvas, &series.get_value(), window.get(), highlight)
    });
    let readout = Arc::new(move |day: Option<usize>| {
        let s = series.get_value();
        let range = window.get();
        let i = window::day_index(range, day);
        format!(
            "{}: sleep {} h, readiness {}, fatigue {}, mood {}, soreness {}, resting HR {}",
            s.dates[i],
            number(s.sleep_h[i], 1),
            number(s.readiness[i], 0),
            number(s.fatigue[i], 0),
            number(s.mood[i], 0),
            number(s.soreness[i], 0),
            number(s.resting_hr[i], 0),
        )
    });
    let summary = Arc::new(move || window::readiness_summary(&series.get_value(), window.get()));
    let days = Arc::new(move || window.get().len());
    let table = move || {
        let s = series.get_value();
        let range = window.get();
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
                                <tr data-date=s.dates[i].to_string()>
                                    <th scope="row">{s.dates[i].to_string()}</th>
                                    <td>{number(s.sleep_h[i], 1)}</td>
                                    <td>{number(s.readiness[i], 0)}</td>
                                    <td>{number(s.fatigue[i], 0)}</td>
                                    <td>{number(s.mood[i], 0)}</td>
                                    <td>{number(s.soreness[i], 0)}</td>
                                    <td>{number(s.resting_hr[i], 0)}</td>
                                    <td>{number(s.hrv_rmssd_ms[i], 0)}</td>
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

/// A chart's switch: a select over `choices`, each shown by its `name`, that
/// sets `chosen`.
#[component]
fn Switch<T>(
    label: &'static str,
    testid: &'static str,
    choices: &'static [T],
    chosen: RwSignal<T>,
    name: fn(T) -> &'static str,
) -> impl IntoView
where
    T: Copy + Send + Sync + 'static,
{
    view! {
        <label class="switch">
            {label}
            <select
                data-testid=testid
                on:change=move |event| {
                    let picked = event_target_value(&event);
                    if let Some(choice) = choices.iter().copied().find(|c| name(*c) == picked) {
                        chosen.set(choice);
                    }
                }
            >
                {choices
                    .iter()
                    .map(|choice| view! { <option value=name(*choice)>{name(*choice)}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

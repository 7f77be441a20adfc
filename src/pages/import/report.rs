//! What each file's preview or import answered: the counts in words, the athletes,
//! the dates, the first rows, and every rejected row with its file, line, column,
//! value and reason.

use forma_core::api::{ImportPreview, ImportReport, RejectedRow};
use forma_core::import_preview::FileKind;
use leptos::prelude::*;

use super::state::{import_words, preview_words, Outcome, Phase};

#[component]
pub fn Outcomes(phase: RwSignal<Phase>, skip_bad: RwSignal<bool>) -> impl IntoView {
    move || {
        let (preview, outcomes) = match phase.get() {
            Phase::Previewed(outcomes) => (true, outcomes),
            Phase::Imported(outcomes) => (false, outcomes),
            _ => return None,
        };
        let skip = skip_bad.get_untracked();
        let heading = if preview {
            "Preview: nothing is stored yet"
        } else {
            "Import report"
        };
        let test_id = if preview {
            "import-preview-result"
        } else {
            "import-report"
        };
        Some(view! {
            <section class="import-results" data-testid=test_id>
                <h2>{heading}</h2>
                {outcomes
                    .into_iter()
                    .map(|outcome| view! { <FileOutcome outcome preview skip/> })
                    .collect_view()}
            </section>
        })
    }
}

#[component]
fn FileOutcome(outcome: Outcome, preview: bool, skip: bool) -> impl IntoView {
    let Outcome { name, kind, result } = outcome;
    let body = match result {
        Err(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
        // A PMData export always stores its readable rows and lists the others.
        Ok(report) => {
            let skip = skip || kind == FileKind::Pmdata;
            view! { <ReportView report preview skip/> }.into_any()
        }
    };
    view! {
        <article class="card import-file" data-testid="import-file">
            <h3>{name} <span class="form-note">{format!(" {}", kind.label())}</span></h3>
            {body}
        </article>
    }
}

fn ids(ids: &[forma_core::types::AthleteId]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.iter()
            .map(|id| id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[component]
fn ReportView(report: ImportReport, preview: bool, skip: bool) -> impl IntoView {
    let words = if preview {
        preview_words(&report, skip)
    } else {
        import_words(&report)
    };
    let new_athletes = (!preview && !report.new_athletes.is_empty())
        .then(|| format!("New athletes: {}.", ids(&report.new_athletes)));
    view! {
        <p class="import-outcome" data-testid="import-outcome">{words}</p>
        {new_athletes.map(|text| view! { <p>{text}</p> })}
        {report.preview.map(|shown| view! { <PreviewFacts shown/> })}
        <Rejected rows=report.rejected/>
    }
}

#[component]
fn PreviewFacts(shown: ImportPreview) -> impl IntoView {
    let dates = match (&shown.first_date, &shown.last_date) {
        (Some(first), Some(last)) if first == last => first.clone(),
        (Some(first), Some(last)) => format!("{first} to {last}"),
        _ => "none".to_owned(),
    };
    let header = shown
        .columns
        .iter()
        .map(|c| view! { <th scope="col">{c.clone()}</th> })
        .collect_view();
    let shown_rows = shown.rows.len();
    let rows = shown
        .rows
        .into_iter()
        .map(|row| {
            let line = row.line.map(|l| l.to_string()).unwrap_or_default();
            let cells = row
                .cells
                .into_iter()
                .map(|c| view! { <td>{c}</td> })
                .collect_view();
            view! { <tr><th scope="row">{line}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <dl class="facts" data-testid="import-facts">
            <dt>"Rows read"</dt>
            <dd>{format!("{} ({} good)", shown.rows_read, shown.rows_good)}</dd>
            <dt>"Dates"</dt>
            <dd>{dates}</dd>
            <dt>"Athletes known"</dt>
            <dd>{ids(&shown.athletes_known)}</dd>
            <dt>"Athletes new"</dt>
            <dd data-testid="import-new-athletes">{ids(&shown.athletes_new)}</dd>
        </dl>
        {(shown_rows > 0).then(|| view! {
            <p class="form-note">{format!("The first {shown_rows} rows as Forma reads them:")}</p>
            <div class="table-scroll">
                <table class="data-table" data-testid="import-rows">
                    <thead><tr><th scope="col">"line"</th>{header}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
    }
}

/// How many rejected rows are drawn at first: a file whose every row is bad can
/// have 100,000 of them, more than a page stays quick with.
const REJECTED_SHOWN: usize = 200;

#[component]
fn Rejected(rows: Vec<RejectedRow>) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        let count = rows.len();
        let all = RwSignal::new(false);
        let rows = StoredValue::new(rows);
        let body = move || {
            let limit = if all.get() { count } else { REJECTED_SHOWN };
            rows.with_value(|rows| {
                rows.iter()
                    .take(limit)
                    .cloned()
                    .map(|r| {
                        view! {
                            <tr>
                                <td data-label="File">{r.file}</td>
                                <td data-label="Line">{r.row.map(|l| l.to_string()).unwrap_or_else(|| "whole file".to_owned())}</td>
                                <td data-label="Column">{r.column.unwrap_or_default()}</td>
                                <td data-label="Value"><code>{r.value.unwrap_or_default()}</code></td>
                                <td data-label="Reason" class="reason">{r.reason}</td>
                            </tr>
                        }
                    })
                    .collect_view()
            })
        };
        let more = move || {
            (count > REJECTED_SHOWN && !all.get()).then(|| {
                view! {
                    <button class="button small secondary" on:click=move |_| all.set(true)>
                        {format!("Show all {count} rejected rows")}
                    </button>
                }
            })
        };
        view! {
            <h4 class="import-rejected-title">{format!("{count} rejected")}</h4>
            <div class="table-scroll">
                <table class="data-table import-rejected" data-testid="import-rejected">
                    <thead>
                        <tr>
                            <th scope="col">"File"</th>
                            <th scope="col">"Line"</th>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {more}
        }
    })
}

//! The Import page's form: the files (picked or dropped), where they go, the
//! preview and the import, sent one file at a time so the page shows how far it is.

use forma_core::api::TeamSummary;
use forma_core::import_preview::{kind_of, FileKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

use super::report::Outcomes;
use super::state::{query, size_words, Outcome, Phase, Picked, Target};
use crate::api;
use crate::auth::percent_encode;
use crate::team_choice::{use_team_choice, wanted_team};

type Files = StoredValue<Vec<(u32, web_sys::File)>, LocalStorage>;

/// The browser's time zone, the default for the athletes an import creates.
fn browser_time_zone() -> String {
    use web_sys::js_sys::{Array, Intl, Object, Reflect};
    let options = Intl::DateTimeFormat::new(&Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
        .unwrap_or_else(|| "Europe/Oslo".to_owned())
}

/// Adds the files of `list`, guessing each one's kind from its name and header.
fn add_files(list: web_sys::FileList, picked: RwSignal<Vec<Picked>>, files: Files) {
    for index in 0..list.length() {
        let Some(file) = list.get(index) else {
            continue;
        };
        let id = files.with_value(|f| f.last().map_or(0, |(id, _)| id + 1));
        let name = file.name();
        picked.update(|p| {
            p.push(Picked {
                id,
                name: name.clone(),
                bytes: file.size(),
                kind: kind_of(&name, ""),
            })
        });
        files.update_value(|f| f.push((id, file.clone())));
        if kind_of(&name, "").is_none() {
            spawn_local(async move {
                let head = match file.slice_with_i32_and_i32(0, 4096) {
                    Ok(blob) => wasm_bindgen_futures::JsFuture::from(blob.text())
                        .await
                        .ok()
                        .and_then(|text| text.as_string()),
                    Err(_) => None,
                };
                let kind = head.and_then(|head| kind_of(&name, &head));
                picked.update(|p| {
                    if let Some(item) = p.iter_mut().find(|item| item.id == id) {
                        item.kind = kind;
                    }
                });
            });
        }
    }
}

#[component]
pub fn ImportForm(teams: Vec<TeamSummary>, team: TeamSummary) -> impl IntoView {
    let choice = use_team_choice();
    let wanted = wanted_team();
    let navigate = use_navigate();
    let team_id = RwSignal::new(team.id.clone());
    let team_ids: Vec<String> = teams.iter().map(|t| t.id.clone()).collect();
    // The header's chooser moves the page to another team; the files stay picked.
    Effect::new(move |_| {
        if let Some(id) = wanted.get() {
            if team_ids.contains(&id) {
                team_id.set(id);
            }
        }
    });
    let athlete = RwSignal::new(None::<String>);
    let time_zone = RwSignal::new(browser_time_zone());
    let skip_bad = RwSignal::new(false);
    let picked = RwSignal::new(Vec::<Picked>::new());
    let files: Files = StoredValue::new_local(Vec::new());
    let phase = RwSignal::new(Phase::Choosing);
    let problem = RwSignal::new(None::<String>);
    let athletes = LocalResource::new(move || {
        let team = team_id.get();
        async move { api::team_athletes(&team).await.unwrap_or_default() }
    });
    let has = move |wanted: fn(FileKind) -> bool| {
        picked.with(|p| p.iter().any(|f| f.kind.is_some_and(wanted)))
    };
    // Whatever changes after a preview makes it stale: preview again.
    Effect::new(move |first: Option<()>| {
        picked.track();
        team_id.track();
        athlete.track();
        time_zone.track();
        skip_bad.track();
        let done = matches!(
            phase.get_untracked(),
            Phase::Previewed(_) | Phase::Imported(_)
        );
        if first.is_some() && done {
            phase.set(Phase::Choosing);
        }
    });
    let busy = move || matches!(phase.get(), Phase::Working { .. });

    let run = move |preview: bool| {
        problem.set(None);
        let list = picked.get_untracked();
        if list.is_empty() {
            problem.set(Some("Pick or drop one or more files first.".to_owned()));
            return;
        }
        if let Some(unknown) = list.iter().find(|f| f.kind.is_none()) {
            problem.set(Some(format!(
                "Say what {} holds: Forma could not tell from its name or header.",
                unknown.name
            )));
            return;
        }
        let target = Target {
            team: team_id.get_untracked(),
            athlete: athlete.get_untracked(),
            time_zone: time_zone.get_untracked(),
            skip_bad: skip_bad.get_untracked(),
        };
        let mut jobs = Vec::new();
        for item in &list {
            let kind = item.kind.unwrap_or(FileKind::Sessions);
            let q = match query(kind, &target, preview) {
                Ok(q) => q,
                Err(message) => {
                    problem.set(Some(message));
                    return;
                }
            };
            let Some(file) = files.with_value(|f| {
                f.iter()
                    .find(|(id, _)| *id == item.id)
                    .map(|(_, file)| file.clone())
            }) else {
                continue;
            };
            jobs.push((item.name.clone(), kind, q, file));
        }
        let total = jobs.len();
        spawn_local(async move {
            let mut outcomes = Vec::with_capacity(total);
            for (done, (name, kind, q, file)) in jobs.into_iter().enumerate() {
                phase.set(Phase::Working {
                    preview,
                    done,
                    total,
                    current: name.clone(),
                });
                let result = api::import_file(kind, &q, &file).await;
                let result =
                    result
                        .map_err(|failure| failure.to_string())
                        .and_then(|mut reports| {
                            reports
                                .pop()
                                .ok_or_else(|| "The server answered with no report.".to_owned())
                        });
                outcomes.push(Outcome { name, kind, result });
            }
            phase.set(if preview {
                Phase::Previewed(outcomes)
            } else {
                Phase::Imported(outcomes)
            });
        });
    };

    let team_field = if teams.len() > 1 {
        let options = teams
            .iter()
            .map(|t| {
                let id = t.id.clone();
                let selected = move || team_id.get() == id;
                view! { <option value=t.id.clone() selected=selected>{t.name.clone()}</option> }
            })
            .collect_view();
        view! {
            <label class="field">
                "Team"
                <select data-testid="import-team" on:change=move |event| {
                    let id = event_target_value(&event);
                    choice.set(&id);
                    team_id.set(id.clone());
                    navigate(
                        &format!("/import?team={}", percent_encode(&id)),
                        leptos_router::NavigateOptions { replace: true, ..Default::default() },
                    );
                }>{options}</select>
            </label>
        }
        .into_any()
    } else {
        view! {
            <p class="field">"Team" <span class="form-note">{team.name.clone()}</span></p>
        }
        .into_any()
    };

    view! {
        <section class="card import-form" aria-busy=move || busy().to_string()>
            <label
                class="drop-zone"
                data-testid="import-drop"
                on:dragover=move |event: web_sys::DragEvent| event.prevent_default()
                on:drop=move |event: web_sys::DragEvent| {
                    event.prevent_default();
                    if let Some(list) = event.data_transfer().and_then(|d| d.files()) {
                        add_files(list, picked, files);
                    }
                }
            >
                <strong>"Drop files here, or choose them"</strong>
                <span class="form-note">
                    "Canonical sessions, wellness or injury CSV files; FIT, TCX or GPX activity files; a PMData export as a zip of its participant folders. Up to 64 MB each."
                </span>
                <input
                    type="file"
                    multiple
                    accept=".csv,.fit,.tcx,.gpx,.zip,text/csv"
                    data-testid="import-files"
                    on:change=move |event| {
                        let input = event
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                        if let Some(input) = input {
                            if let Some(list) = input.files() {
                                add_files(list, picked, files);
                            }
                            // The same file can be chosen again after it is removed.
                            input.set_value("");
                        }
                    }
                />
            </label>
            <PickedList picked files/>
            <div class="import-fields">
                {team_field}
                <Show when=move || has(|k| k == FileKind::Activity)>
                    <label class="field">
                        "Athlete of the activity files"
                        <select data-testid="import-athlete-choice" on:change=move |event| {
                            let id = event_target_value(&event);
                            athlete.set((!id.is_empty()).then_some(id));
                        }>
                            <option value="">"Choose the athlete"</option>
                            {move || athletes.get().unwrap_or_default().into_iter().map(|a| {
                                let id = a.athlete.id.to_string();
                                let selected = athlete.get().as_deref() == Some(id.as_str());
                                view! { <option value=id.clone() selected=selected>{format!("{} ({id})", a.athlete.name)}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                </Show>
                <Show when=move || has(FileKind::is_csv)>
                    <label class="field">
                        "Time zone of new athletes"
                        <input
                            type="text"
                            data-testid="import-time-zone"
                            prop:value=time_zone
                            on:change=move |event| time_zone.set(event_target_value(&event).trim().to_owned())
                        />
                        <span class="form-note">"Their dates are local dates there, e.g. Europe/Oslo."</span>
                    </label>
                </Show>
                <Show when=move || has(|k| k != FileKind::Pmdata)>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="import-skip-bad"
                        prop:checked=skip_bad
                        on:change=move |event| skip_bad.set(event_target_checked(&event))
                    />
                    " Skip bad rows (store the rest and list them)"
                </label>
                </Show>
            </div>
            {move || problem.get().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            <div class="actions">
                <button
                    class="button"
                    data-testid="import-preview"
                    disabled=move || busy() || picked.with(Vec::is_empty)
                    on:click=move |_| run(true)
                >
                    {move || if matches!(phase.get(), Phase::Imported(_)) { "Preview again" } else { "Preview" }}
                </button>
                {move || phase.with(|p| match p {
                    // Offered when something would be stored (or refused whole, which the report says).
                    Phase::Previewed(outcomes) => outcomes.iter().any(|o| {
                        o.result.as_ref().is_ok_and(|r| r.added + r.updated + r.unchanged > 0)
                    }),
                    _ => false,
                }).then(|| view! {
                    <button class="button" data-testid="import-confirm" on:click=move |_| run(false)>
                        "Import"
                    </button>
                })}
            </div>
            <Progress phase/>
        </section>
        <Outcomes phase skip_bad/>
    }
}

#[component]
fn PickedList(picked: RwSignal<Vec<Picked>>, files: Files) -> impl IntoView {
    move || {
        let list = picked.get();
        (!list.is_empty()).then(|| {
            let rows = list
                .into_iter()
                .map(|item| {
                    let id = item.id;
                    let options = FileKind::ALL
                        .into_iter()
                        .map(|kind| {
                            view! {
                                <option value=kind.route() selected=item.kind == Some(kind)>{kind.label()}</option>
                            }
                        })
                        .collect_view();
                    view! {
                        <li class="picked-file">
                            <span class="picked-name">{item.name.clone()}</span>
                            <span class="form-note">{size_words(item.bytes)}</span>
                            <select
                                aria-label=format!("What {} holds", item.name)
                                on:change=move |event| {
                                    let kind = FileKind::from_route(&event_target_value(&event));
                                    picked.update(|p| {
                                        if let Some(f) = p.iter_mut().find(|f| f.id == id) {
                                            f.kind = kind;
                                        }
                                    });
                                }
                            >
                                <option value="" selected=item.kind.is_none()>"What is it?"</option>
                                {options}
                            </select>
                            <button
                                class="button small secondary"
                                on:click=move |_| {
                                    picked.update(|p| p.retain(|f| f.id != id));
                                    files.update_value(|f| f.retain(|(i, _)| *i != id));
                                }
                            >
                                "Remove"
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="picked-files" data-testid="import-picked">{rows}</ul> }
        })
    }
}

#[component]
fn Progress(phase: RwSignal<Phase>) -> impl IntoView {
    move || match phase.get() {
        Phase::Working {
            preview,
            done,
            total,
            current,
        } => Some(view! {
            <div class="import-progress" role="status" data-testid="import-progress">
                <progress max=total.to_string() value=done.to_string()></progress>
                <span>
                    {format!(
                        "{} {current}: file {} of {total}…",
                        if preview { "Checking" } else { "Importing" },
                        done + 1
                    )}
                </span>
            </div>
        }),
        _ => None,
    }
}

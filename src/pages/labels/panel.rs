//! The fixed parts of the queue's panel: the keyboard shortcuts, the code
//! picker with the chosen code's meaning, the vocabulary and the export links.

use forma_core::labels::{LabelCode, LabelFormat, VOCABULARY_VERSION};
use leptos::prelude::*;

use super::keys::SHORTCUTS;
use super::state::QueueState;
use crate::api;

#[component]
pub fn Shortcuts() -> impl IntoView {
    view! {
        <section class="shortcuts" data-testid="shortcuts" aria-label="Keyboard shortcuts">
            <h3>"Keyboard"</h3>
            <ul>
                {SHORTCUTS
                    .iter()
                    .map(|(keys, what)| view! { <li><kbd>{*keys}</kbd>" "{*what}</li> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// A button per code (the mouse's way to pick one; the keyboard's is the number)
/// and what the chosen code means.
#[component]
pub fn CodePicker(state: RwSignal<QueueState>) -> impl IntoView {
    let codes = LabelCode::ALL
        .into_iter()
        .map(|code| {
            view! {
                <li>
                    <button
                        type="button"
                        class="code-option"
                        data-testid="code-option"
                        data-code=code.as_str()
                        title=code.definition()
                        aria-pressed=move || state.with(|s| (s.code == Some(code)).to_string())
                        on:mousedown=|event| event.prevent_default()
                        on:click=move |_| state.update(|s| s.code = Some(code))
                    >
                        <kbd>{code.shortcut().to_string()}</kbd>
                        <span class="code-name">{code.name()}</span>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="code-picker" aria-label="Codes">{codes}</ol>
        <p class="code-definition" data-testid="code-definition">
            {move || {
                state
                    .with(|s| s.code)
                    .map_or_else(
                        || "Pick a code with its number key; its meaning shows here.".to_owned(),
                        |code| format!("{}: {}", code.name(), code.definition()),
                    )
            }}
        </p>
    }
}

/// Every code with its definition, and the whole label file to download.
#[component]
pub fn Vocabulary() -> impl IntoView {
    view! {
        <details class="vocabulary">
            <summary>{format!("What the codes mean ({VOCABULARY_VERSION})")}</summary>
            <dl>
                {LabelCode::ALL
                    .into_iter()
                    .map(|code| {
                        view! {
                            <dt>{format!("{} {}", code.shortcut(), code.name())}</dt>
                            <dd>{code.definition()}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
        </details>
        <p class="queue-export">
            "Export every label: "
            <a href=api::labels_export_url(LabelFormat::Csv) download data-testid="export-csv">"CSV"</a>
            " · "
            <a href=api::labels_export_url(LabelFormat::Jsonl) download data-testid="export-jsonl">"JSON Lines"</a>
        </p>
    }
}

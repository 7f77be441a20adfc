//! The queue itself: every item with why it is there and its labels, the
//! current one marked, and those its label would also cover.

use leptos::prelude::*;

use super::state::QueueState;
use crate::components::label_form::author_words;
use crate::outbox::use_label_outbox;

/// The queue's items; a click makes an item the current one.
#[component]
pub fn QueueList(state: RwSignal<QueueState>) -> impl IntoView {
    let outbox = use_label_outbox();
    let list = move || {
        let (items, cursor, covered) =
            state.with(|s| (s.items.clone(), s.cursor, s.also_covered()));
        items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let current = index == cursor;
                let also = covered.contains(&index);
                let labels = item
                    .labels
                    .iter()
                    .map(|label| {
                        let waiting = outbox.is_waiting(&label.id);
                        view! {
                            <li class="queue-label" data-testid="queue-label" data-code=label.code.as_str()>
                                <strong>{label.code.name()}</strong>
                                {label.note.clone().map(|n| format!(" “{n}”"))}
                                {format!(" · by {}", author_words(label))}
                                {waiting.then(|| view! { <span class="badge label-state">"waiting to be sent"</span> })}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <li
                        class="queue-item"
                        class:queue-current=current
                        class:queue-done=!item.labels.is_empty()
                        class:queue-also=also
                        data-also=also.to_string()
                        data-testid="queue-item"
                        data-key=item.key.clone()
                        data-current=current.to_string()
                        aria-current=current.then_some("true")
                        on:click=move |_| state.update(|s| s.go_to(index))
                    >
                        <div class="queue-head">
                            <span class="queue-athlete">{item.athlete_name.clone()}</span>
                            <span class="queue-span">{item.span()}</span>
                            <span class="badge queue-kind">{item.kind.title()}</span>
                        </div>
                        <p class="queue-reason">{item.reason.clone()}</p>
                        <ul class="queue-labels">{labels}</ul>
                    </li>
                }
            })
            .collect_view()
    };

    view! { <ol class="queue" data-testid="queue">{list}</ol> }
}

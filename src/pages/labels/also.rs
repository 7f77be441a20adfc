//! What the current item's label would also cover, and the question whether to
//! label them all.

use leptos::prelude::*;

use super::state::QueueState;

/// The other items the current item's label would also cover, with why each is
/// in the queue; after a first save, the question whether to label them all.
#[component]
pub fn AlsoCovered(state: RwSignal<QueueState>, save: impl Fn() + 'static) -> impl IntoView {
    let save = StoredValue::new_local(save);
    let also = Memo::new(move |_| {
        state.with(|s| {
            s.also_covered()
                .into_iter()
                .filter_map(|i| s.items.get(i))
                .map(|item| {
                    (
                        item.key.clone(),
                        format!("{} · {}", item.kind.title(), item.span()),
                        item.reason.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let confirming = move || state.with(|s| s.confirming.is_some());
    let count = move || also.with(Vec::len);
    view! {
        <Show when=move || also.with(|a| !a.is_empty())>
            <section
                class="also-covered"
                class:confirming=confirming
                data-testid="also-covered"
                data-confirming=move || confirming().to_string()
                role=move || if confirming() { "alert" } else { "status" }
            >
                <h3>
                    {move || match count() {
                        1 => "This label also labels 1 other item".to_owned(),
                        n => format!("This label also labels {n} other items"),
                    }}
                </h3>
                <ul>
                    {move || {
                        also.get()
                            .into_iter()
                            .map(|(key, what, reason)| {
                                view! {
                                    <li data-testid="also-item" data-key=key>
                                        <strong>{what}</strong>
                                        <span class="also-reason">{reason}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                {
                    move || {
                        confirming()
                            .then(|| {
                                view! {
                                    <p class="also-question">
                                        {format!(
                                            "Label all {} items with this code? Enter saves, Esc goes back.",
                                            count() + 1,
                                        )}
                                    </p>
                                    <div class="actions">
                                        <button class="button" data-testid="queue-confirm" on:click=move |_| save.with_value(|save| save())>
                                            {format!("Label all {}", count() + 1)}
                                        </button>
                                        <button
                                            class="button secondary"
                                            data-testid="queue-cancel"
                                            on:click=move |_| state.update(|s| s.confirming = None)
                                        >
                                            "Go back (Esc)"
                                        </button>
                                    </div>
                                }
                            })
                    }
                }
            </section>
        </Show>
    }
}

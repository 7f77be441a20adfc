//! Today's recommendation for a coach: the details, accept and override (with
//! the warnings an override that contradicts the flags must be confirmed
//! against), change and undo a decision, and the decision history.

use forma_core::api::{NewDecision, RecommendationHistoryItem, RecommendationView};
use forma_core::labels::LabelCode;
use forma_core::policy::{override_warnings, Action as PolicyAction};
use leptos::prelude::*;

use super::{confidence_badge, decision_words, millis, percent, RecommendationDetails};
use crate::api;

#[component]
pub(super) fn ForCoach(
    athlete: String,
    view: RecommendationView,
    history: Vec<RecommendationHistoryItem>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let RecommendationView {
        id: rec_id,
        recommendation: r,
        decision,
        decided_on,
        ..
    } = view;
    let action = r.action;
    let badge = confidence_badge(&r);
    let decided = decision.is_some();
    // With a decision standing, changing it is a second step.
    let controls_open = RwSignal::new(!decided);
    let override_open = RwSignal::new(false);
    let chosen = RwSignal::new(None::<PolicyAction>);
    let code = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let for_warnings = r.clone();
    let warnings = Memo::new(move |_| match chosen.get() {
        Some(instead) => {
            override_warnings(&for_warnings, instead, code.get().parse::<LabelCode>().ok())
        }
        None => Vec::new(),
    });
    let send = {
        let athlete = athlete.clone();
        let rec_id = rec_id.clone();
        Action::new_unsync(move |decision: &String| {
            let overriding = decision == "override";
            let request = NewDecision {
                recommendation_id: rec_id.clone(),
                decision: decision.clone(),
                action: overriding.then(|| chosen.get_untracked()).flatten(),
                reason_code: overriding
                    .then(|| code.get_untracked())
                    .filter(|c| !c.is_empty()),
                note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
                // The warnings are on the form beside the button that sends this.
                confirmed: overriding && !warnings.get_untracked().is_empty(),
            };
            let athlete = athlete.clone();
            async move {
                match api::decide(&athlete, &request).await {
                    Ok(_) => {
                        message.set(None);
                        reload.update(|n| *n += 1);
                    }
                    Err(failure) => message.set(Some(failure.to_string())),
                }
            }
        })
    };
    let undo = {
        let athlete = athlete.clone();
        Action::new_unsync(move |decision: &String| {
            let athlete = athlete.clone();
            let decision = decision.clone();
            async move {
                match api::undo_decision(&athlete, &decision).await {
                    Ok(()) => {
                        message.set(None);
                        reload.update(|n| *n += 1);
                    }
                    Err(failure) => message.set(Some(failure.to_string())),
                }
            }
        })
    };
    let standing = decision.clone().map(|d| {
        let changed = decided_on.as_ref().map(|on| {
            if on.action == action {
                "New data came in after this decision; Forma's suggestion is the same.".to_owned()
            } else {
                format!(
                    "Forma's suggestion changed after this decision: it was {} when decided, it is {} now (new data).",
                    on.action.label().to_lowercase(),
                    action.label().to_lowercase()
                )
            }
        });
        let undo_until = d.undo_until.as_deref().and_then(millis);
        let can_undo = undo_until.is_some_and(|until| until > web_sys::js_sys::Date::now());
        let decision_id = d.id.clone();
        view! {
            <div class="decision-lead" data-testid="rec-decision-lead">
                <p class="rec-action" data-testid="rec-standing-action">{d.action.label()}</p>
                <p class="decided" data-testid="rec-decision">{decision_words(&d)}</p>
                {d.note.clone().map(|n| view! { <p class="note">{format!("“{n}”")}</p> })}
                {changed.map(|c| view! { <p class="note" data-testid="rec-changed-since">{c}</p> })}
                <div class="actions">
                    <button
                        class="button secondary"
                        data-testid="rec-change"
                        aria-expanded=move || controls_open.get().to_string()
                        on:click=move |_| controls_open.update(|o| *o = !*o)
                    >
                        "Change decision"
                    </button>
                    {can_undo.then(|| view! {
                        <button
                            class="button secondary"
                            data-testid="rec-undo"
                            disabled=move || undo.pending().get()
                            on:click=move |_| { undo.dispatch(decision_id.clone()); }
                        >
                            "Undo"
                        </button>
                    })}
                </div>
            </div>
        }
    });
    let suggestion_heading = if decided {
        "Forma suggested"
    } else {
        "Today's recommendation"
    };
    view! {
        <section class="card recommendation" data-testid="recommendation" data-decided=decided.to_string()>
            {decided.then(|| view! { <h2>"Today's decision"</h2> })}
            {standing}
            <div class="rec-head">
                {if decided {
                    view! { <h3>{suggestion_heading}</h3> }.into_any()
                } else {
                    view! { <h2>{suggestion_heading}</h2> }.into_any()
                }}
                {badge}
            </div>
            <div class=if decided { "suggestion secondary" } else { "suggestion" }>
                <RecommendationDetails recommendation=r/>
            </div>
            <Show when=move || controls_open.get()>
                <div class="actions">
                    <button
                        class="button"
                        data-testid="rec-accept"
                        disabled=move || send.pending().get()
                        on:click=move |_| {
                            send.dispatch("accept".to_owned());
                        }
                    >
                        {if decided { "Accept Forma's suggestion" } else { "Accept" }}
                    </button>
                    <button
                        class="button secondary"
                        data-testid="rec-override-open"
                        aria-expanded=move || override_open.get().to_string()
                        on:click=move |_| override_open.update(|o| *o = !*o)
                    >
                        "Override…"
                    </button>
                </div>
            </Show>
            <Show when=move || controls_open.get() && override_open.get()>
                <form
                    class="override"
                    data-testid="rec-override-form"
                    on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        send.dispatch("override".to_owned());
                    }
                >
                    <label>
                        "Instead"
                        <select
                            data-testid="rec-override-action"
                            required
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                chosen.set(PolicyAction::ALL.into_iter().find(|a| a.label() == v));
                            }
                        >
                            <option value="">"Choose an action"</option>
                            {PolicyAction::ALL
                                .into_iter()
                                .filter(|a| *a != action)
                                .map(|a| view! { <option value=a.label()>{a.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "Reason"
                        <select data-testid="rec-override-reason" required on:change=move |ev| code.set(event_target_value(&ev))>
                            <option value="">"Choose a reason"</option>
                            {LabelCode::ALL
                                .into_iter()
                                .map(|c| view! { <option value=c.as_str() title=c.definition()>{c.name()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <p class="note">
                        {move || {
                            LabelCode::ALL
                                .iter()
                                .find(|c| c.as_str() == code.get())
                                .map(|c| c.definition().to_owned())
                                .unwrap_or_default()
                        }}
                    </p>
                    <label>
                        "Note"
                        <textarea data-testid="rec-override-note" prop:value=note on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </label>
                    <Show when=move || !warnings.get().is_empty()>
                        <div class="banner banner-warning" role="alert" data-testid="rec-override-warnings">
                            <p><strong>"Please confirm: this override goes against the day's flags."</strong></p>
                            <ul>
                                {move || warnings.get().into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                            </ul>
                        </div>
                    </Show>
                    <button type="submit" class="button" data-testid="rec-override-save" disabled=move || send.pending().get()>
                        {move || if warnings.get().is_empty() { "Save override" } else { "Confirm override" }}
                    </button>
                </form>
            </Show>
            <Show when=move || message.get().is_some()>
                <p class="form-error" role="alert" data-testid="rec-error">{move || message.get().unwrap_or_default()}</p>
            </Show>
            <details class="history" data-testid="rec-history">
                <summary>{format!("Decision history ({})", history.iter().filter(|h| !h.decisions.is_empty()).count())}</summary>
                <ul>
                    {history
                        .into_iter()
                        .filter(|h| !h.decisions.is_empty())
                        .map(|h| {
                            view! {
                                <li>
                                    <strong>{h.date.to_string()}</strong>
                                    {format!(" Forma recommended {} ({}). ", h.action.label().to_lowercase(), percent(h.confidence))}
                                    {h.decisions.iter().map(|d| {
                                        let note = d.note.clone().map(|n| format!(" “{n}”")).unwrap_or_default();
                                        view! { <span data-testid="rec-history-decision">{decision_words(d)}{note}" "</span> }
                                    }).collect_view()}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        </section>
    }
}

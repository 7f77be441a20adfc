//! Today's recommendation on an athlete's page. For a coach: the action and what
//! it changes, the confidence and what it rests on, the reasons, the rules that
//! fired, what would change the decision, the policy and model versions, accept
//! and override controls, and the decision history. For the athlete: the same
//! decision in plain words addressed to them, and the coach's change when there
//! is one.

use forma_core::api::{DecisionRecord, NewDecision, RecommendationHistoryItem, RecommendationView};
use forma_core::labels::LabelCode;
use forma_core::policy::{override_warnings, Action as PolicyAction, Adjustment, Recommendation};
use leptos::prelude::*;

use crate::api;

/// What the action changes, in words (`None` when it changes nothing).
pub fn adjustment_words(action: PolicyAction, a: &Adjustment) -> Option<String> {
    let mut parts = Vec::new();
    if (a.today_load_factor - 1.0).abs() > 1e-9 {
        parts.push(match a.today_load {
            Some(load) => format!(
                "today's planned load × {:.2} ({load:.0} AU)",
                a.today_load_factor
            ),
            None => format!("today's planned load × {:.2}", a.today_load_factor),
        });
    }
    if (a.next_7_days_load_factor - 1.0).abs() > 1e-9 {
        parts.push(match a.next_7_days_load {
            Some(load) => format!(
                "the next 7 days' load × {:.2} ({load:.0} AU)",
                a.next_7_days_load_factor
            ),
            None => format!("the next 7 days' load × {:.2}", a.next_7_days_load_factor),
        });
    }
    if a.extra_rest_days > 0 {
        parts.push(format!(
            "{} extra rest day{}",
            a.extra_rest_days,
            if a.extra_rest_days == 1 { "" } else { "s" }
        ));
    }
    if a.swap_hard_session {
        parts.push("today's hard session moves later in the week".to_owned());
    }
    (!parts.is_empty() && action != PolicyAction::ManualReview).then(|| parts.join("; "))
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn reason_name(code: &str) -> String {
    LabelCode::ALL
        .iter()
        .find(|c| c.as_str() == code)
        .map_or_else(|| code.to_owned(), |c| c.name().to_owned())
}

/// A decision in words, dated by the day it is for (the team's day), with when
/// it was made after it.
pub fn decision_words(d: &DecisionRecord) -> String {
    let when = d
        .created_at
        .get(..16)
        .unwrap_or(&d.created_at)
        .replace('T', " ");
    let day = d
        .date
        .map(|day| format!(" for {}", day.strftime("%a %-d %b %Y")))
        .unwrap_or_default();
    let undone = if d.undone { " Undone." } else { "" };
    match d.decision.as_str() {
        "accept" => format!("{} accepted it{day} (on {when} UTC).{undone}", d.author),
        _ => format!(
            "{} overrode it with {}{}{day} (on {when} UTC).{undone}",
            d.author,
            d.action.label().to_lowercase(),
            d.reason_code
                .as_deref()
                .map(|c| format!(", reason: {}", reason_name(c)))
                .unwrap_or_default()
        ),
    }
}

/// Milliseconds since the epoch of an RFC 3339 time, by the browser's clock.
fn millis(time: &str) -> Option<f64> {
    let ms = web_sys::js_sys::Date::parse(time);
    ms.is_finite().then_some(ms)
}

/// Today's recommendation for `athlete`; `own` when the athlete reads it.
#[component]
pub fn RecommendationCard(athlete: String, own: bool) -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let id = athlete.clone();
    let data = LocalResource::new(move || {
        reload.track();
        let id = id.clone();
        async move {
            let today = api::recommendation(&id).await?;
            let history = if own {
                Vec::new()
            } else {
                api::recommendation_history(&id).await?
            };
            Ok::<_, api::ApiFailure>((today, history))
        }
    });
    move || {
        let athlete = athlete.clone();
        data.get().map(|answer| match answer {
            Err(failure) => view! {
                <p class="card error" role="alert">{format!("Today's recommendation cannot be shown: {failure}")}</p>
            }
            .into_any(),
            Ok((view, _)) if own => view! { <ForAthlete view/> }.into_any(),
            Ok((view, history)) => view! { <ForCoach athlete view history reload/> }.into_any(),
        })
    }
}

#[component]
fn ForAthlete(view: RecommendationView) -> impl IntoView {
    let r = view.recommendation;
    let (headline, changed) = match &view.decision {
        Some(d) if d.decision == "override" => (d.action.athlete_label(), true),
        _ => (r.action.athlete_label(), false),
    };
    let coach_note = view.decision.clone().filter(|d| d.decision == "override");
    view! {
        <section class="card recommendation" data-testid="recommendation">
            <h2>"Today"</h2>
            <p class="rec-action" data-testid="rec-action">{headline}</p>
            {coach_note.map(|d| view! {
                <p class="coach-change" data-testid="rec-coach-change">
                    {format!(
                        "Your coach changed today's suggestion (it was: {}). ",
                        r.action.athlete_label().to_lowercase()
                    )}
                    {d.note.clone().map(|n| format!("“{n}” — {}", d.author))}
                </p>
            })}
            {(!changed).then(|| view! { <p data-testid="rec-athlete-summary">{r.athlete_summary.clone()}</p> })}
            {r.risk_reading.clone().map(|reading| view! {
                <dl class="risk-reading" data-testid="rec-risk-reading">
                    <dt>"Usually"</dt>
                    <dd>{reading.standing_words.athlete}</dd>
                    <dt>"Today"</dt>
                    <dd>{reading.change_words.athlete}</dd>
                </dl>
            })}
            <ul class="reasons">
                {forma_core::policy::athlete::reasons(&r)
                    .into_iter()
                    .map(|reason| view! { <li>{reason.athlete.clone()}</li> })
                    .collect_view()}
            </ul>
            {r.fallback.is_some().then(|| view! {
                <p class="note">"This suggestion comes from Forma's rules; the risk model could not be used today."</p>
            })}
        </section>
    }
}

/// The recommendation's confidence, with what it rests on in its title.
pub fn confidence_badge(r: &Recommendation) -> impl IntoView {
    let basis = serde_json::to_value(r.confidence_basis)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default();
    let caveat = forma_core::policy::model_caveat(r.model_beats_baselines);
    let short = forma_core::policy::model_caveat_short(r.model_beats_baselines);
    view! {
        <span
            class="badge"
            class:badge-warning=short.is_some()
            data-testid="rec-confidence"
            title=format!(
                "Confidence from {basis}; data completeness {}{}",
                percent(r.completeness),
                caveat.map(|c| format!(". {c}")).unwrap_or_default()
            )
        >
            {format!("confidence {}", percent(r.confidence))}
            {short.map(|s| format!(" · {s}"))}
        </span>
    }
}

/// A recommendation as a coach reads it: the action and what it changes, what
/// was withheld, the summary, the model's risk, why (the rules that fired and the
/// reasons with their direction), what would change it, and the versions.
#[component]
pub fn RecommendationDetails(recommendation: Recommendation) -> impl IntoView {
    let Recommendation {
        action,
        adjustment,
        withheld,
        risk,
        reasons,
        fired,
        what_would_change,
        policy_version,
        model_version,
        fallback,
        coach_summary,
        figures,
        date,
        risk_reading,
        ..
    } = recommendation;
    let figures_line = figures.map(|f| {
        format!(
            "Figures for the {}: load ratio (coupled 7:28) {}, 7-day average {} and 28-day average {} load units a day.",
            f.when(date),
            f.ratio.map_or_else(|| "–".to_owned(), |r| if r.is_finite() { format!("{r:.2}") } else { "undefined".to_owned() }),
            f.acute.map_or_else(|| "–".to_owned(), |a| format!("{a:.0}")),
            f.chronic.map_or_else(|| "–".to_owned(), |c| format!("{c:.0}")),
        )
    });
    view! {
            <p class="rec-action" data-testid="rec-action">{action.label()}</p>
        {adjustment_words(action, &adjustment).map(|w| view! { <p data-testid="rec-adjustment">{w}</p> })}
        {withheld.map(|w| view! {
            <p class="note">{format!("Withheld: {}. The data or the confidence could not carry an automatic change.", w.label().to_lowercase())}</p>
        })}
        <p class="note" data-testid="rec-summary">{coach_summary}</p>
        {figures_line.map(|line| view! { <p class="note" data-testid="rec-figures">{line}</p> })}
        {risk.map(|p| view! {
            <p class="note">{format!("Model risk of an injury or illness starting in the next 7 days: {}.", forma_core::policy::risk_percent(p))}</p>
        })}
        {risk_reading.map(|reading| view! {
            <dl class="risk-reading" data-testid="rec-risk-reading">
                <dt>"Standing risk (who)"</dt>
                <dd>{reading.standing_words.coach}</dd>
                <dt>"Today's change (when)"</dt>
                <dd>{reading.change_words.coach}</dd>
            </dl>
        })}
        {fallback.map(|_| view! {
            <p class="note" data-testid="rec-fallback">"The rule baseline answered: no active model, or it could not score this athlete today."</p>
        })}
        <h3>"Why"</h3>
        <ul class="reasons" data-testid="rec-reasons">
            {fired.into_iter().map(|f| view! { <li class="fired">{f.coach}</li> }).collect_view()}
            {reasons
                .into_iter()
                .map(|reason| {
                    let arrow = match reason.direction {
                        forma_core::policy::Direction::RaisesRisk => "↑",
                        forma_core::policy::Direction::LowersRisk => "↓",
                    };
                    view! { <li><span class="arrow" aria-hidden="true">{arrow}</span>" "{reason.coach}</li> }
                })
                .collect_view()}
        </ul>
        {(!what_would_change.is_empty()).then(|| view! {
            <h3>"What would change it"</h3>
            <ul class="reasons">
                {what_would_change.into_iter().map(|s| view! { <li>{s.coach}</li> }).collect_view()}
            </ul>
        })}
        <p class="note versions" data-testid="rec-versions">
            {format!("Policy {policy_version}; model {}", model_version.unwrap_or_else(|| "none".to_owned()))}
        </p>
    }
}

#[component]
fn ForCoach(
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

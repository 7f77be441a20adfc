//! The athlete's daily check-in, made for a phone: how they slept and feel today,
//! and yesterday's session (minutes and RPE). It writes through the API: the day's
//! wellness (`PUT .../wellness/{date}`, so a second check-in the same day
//! replaces the first) and, when minutes are given, yesterday's session.

use forma_core::api::{NewSession, NewWellness};
use forma_core::types::{date_from_epoch_day, epoch_day};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api;
use crate::auth::use_auth;
use crate::drafts::{self, DraftKey};

/// The form as typed, kept in this browser until it is sent (a session that
/// expires or a reload loses nothing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct CheckInForm {
    sleep_h: String,
    sleep_quality: Option<f64>,
    fatigue: Option<f64>,
    soreness: Option<f64>,
    stress: Option<f64>,
    mood: Option<f64>,
    minutes: String,
    rpe: String,
}

fn number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    (!text.is_empty()).then(|| text.parse().ok()).flatten()
}

/// One 1-to-5 item as a row of buttons (big enough to tap).
#[component]
fn Scale(
    label: &'static str,
    low: &'static str,
    high: &'static str,
    value: RwSignal<Option<f64>>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <fieldset class="scale" data-testid=testid>
            <legend>{label}</legend>
            <div class="scale-buttons">
                {(1..=5)
                    .map(|n| {
                        let v = f64::from(n);
                        view! {
                            <button
                                type="button"
                                class="segment"
                                aria-pressed=move || (value.get() == Some(v)).to_string()
                                on:click=move |_| value.set(Some(v))
                            >
                                {n}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="scale-ends"><span>{low}</span><span>{high}</span></div>
        </fieldset>
    }
}

#[component]
pub fn CheckIn(athlete: String, today: forma_core::types::Date) -> impl IntoView {
    let auth = use_auth();
    let yesterday = date_from_epoch_day(epoch_day(today) - 1);
    let email = auth
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.user.email.clone()))
        .unwrap_or_default();
    let key = DraftKey::check_in(&email, &athlete, &today.to_string());
    let kept = drafts::load::<CheckInForm>(&key);
    let form = kept.as_ref().map(|d| d.value.clone()).unwrap_or_default();
    let sleep_h = RwSignal::new(form.sleep_h);
    let sleep_quality = RwSignal::new(form.sleep_quality);
    let fatigue = RwSignal::new(form.fatigue);
    let soreness = RwSignal::new(form.soreness);
    let stress = RwSignal::new(form.stress);
    let mood = RwSignal::new(form.mood);
    let minutes = RwSignal::new(form.minutes);
    let rpe = RwSignal::new(form.rpe);
    let message = RwSignal::new(kept.map(|d| {
        (
            false,
            format!(
                "Your check-in from {} is back: it is not sent yet.",
                drafts::kept_at(&d.saved_at)
            ),
        )
    }));
    let sent = RwSignal::new(false);
    let draft = drafts::keep(key, move || {
        let form = CheckInForm {
            sleep_h: sleep_h.get(),
            sleep_quality: sleep_quality.get(),
            fatigue: fatigue.get(),
            soreness: soreness.get(),
            stress: stress.get(),
            mood: mood.get(),
            minutes: minutes.get(),
            rpe: rpe.get(),
        };
        (!sent.get() && form != CheckInForm::default()).then_some(form)
    });
    let send = Action::new_unsync(move |(): &()| {
        let athlete = athlete.clone();
        let wellness = NewWellness {
            sleep_h: number(&sleep_h.get_untracked()),
            sleep_quality: sleep_quality.get_untracked(),
            fatigue: fatigue.get_untracked(),
            soreness: soreness.get_untracked(),
            stress: stress.get_untracked(),
            mood: mood.get_untracked(),
            ..NewWellness::default()
        };
        let session_minutes = number(&minutes.get_untracked());
        let session_rpe = number(&rpe.get_untracked());
        draft.now();
        async move {
            let written = api::put_wellness(&athlete, &today.to_string(), &wellness).await;
            if let Err(failure) = written {
                let text = if failure.is_server_401() {
                    "Your session has expired, so the check-in is not sent. It is kept in this browser: sign in again and it is here.".to_owned()
                } else {
                    failure.to_string()
                };
                message.set(Some((false, text)));
                auth.session_lost(&failure);
                return;
            }
            if session_minutes.is_some() || session_rpe.is_some() {
                let session = NewSession {
                    id: None,
                    date: yesterday.to_string(),
                    sport: None,
                    duration_min: session_minutes,
                    rpe: session_rpe,
                    load: None,
                    distance_km: None,
                    avg_hr: None,
                };
                if let Err(failure) = api::add_session(&athlete, &session).await {
                    message.set(Some((
                        false,
                        format!(
                            "Your check-in is saved, but yesterday's session is not: {failure}"
                        ),
                    )));
                    return;
                }
            }
            sent.set(true);
            draft.now();
            message.set(Some((
                true,
                "Thanks, saved. Your coach sees it now.".to_owned(),
            )));
        }
    });
    view! {
        <section class="card check-in" data-testid="check-in">
            <h2>"Today's check-in"</h2>
            <p class="note">{format!("For {}. Skip anything you do not know.", today.strftime("%A %-d %B"))}</p>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send.dispatch(());
            }>
                <label>
                    "Hours of sleep"
                    <input
                        type="number"
                        inputmode="decimal"
                        min="0"
                        max="24"
                        step="0.25"
                        data-testid="check-in-sleep"
                        prop:value=sleep_h
                        on:input=move |ev| sleep_h.set(event_target_value(&ev))
                    />
                </label>
                <Scale label="Sleep quality" low="poor" high="great" value=sleep_quality testid="check-in-sleep-quality"/>
                <Scale label="Fatigue" low="fresh" high="exhausted" value=fatigue testid="check-in-fatigue"/>
                <Scale label="Soreness" low="none" high="very sore" value=soreness testid="check-in-soreness"/>
                <Scale label="Stress" low="relaxed" high="very stressed" value=stress testid="check-in-stress"/>
                <Scale label="Mood" low="low" high="great" value=mood testid="check-in-mood"/>
                <fieldset class="yesterday">
                    <legend>{format!("Yesterday's session ({})", yesterday.strftime("%a %-d %b"))}</legend>
                    <label>
                        "Minutes"
                        <input
                            type="number"
                            inputmode="numeric"
                            min="0"
                            data-testid="check-in-minutes"
                            prop:value=minutes
                            on:input=move |ev| minutes.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        "How hard (RPE 0 to 10)"
                        <input
                            type="number"
                            inputmode="numeric"
                            min="0"
                            max="10"
                            data-testid="check-in-rpe"
                            prop:value=rpe
                            on:input=move |ev| rpe.set(event_target_value(&ev))
                        />
                    </label>
                </fieldset>
                <button type="submit" class="button" data-testid="check-in-save" disabled=move || send.pending().get()>
                    {move || if send.pending().get() { "Saving…" } else { "Save check-in" }}
                </button>
            </form>
            {move || {
                message
                    .get()
                    .map(|(ok, text)| {
                        view! {
                            <p class=if ok { "form-note" } else { "form-error" } role="status" data-testid="check-in-message">
                                {text}
                            </p>
                        }
                    })
            }}
        </section>
    }
}

//! The athlete's daily check-in, made for a phone: how they slept and feel today,
//! and yesterday's session (sport, minutes and RPE).
//!
//! Once today's check-in is filed, the card shows it (every value with where it
//! came from, a watch's resting heart rate too) and editing is a second action.
//! The form sends only what the athlete changed (forma-core's
//! `wellness::check_in_write`), so nothing stored is erased, and it goes through
//! the outbox: kept in this browser first, then sent, and kept there (and said
//! so) when the server cannot be reached. Yesterday's session carries an id made
//! from the athlete and the day, so saving twice stores it once.

use forma_core::api::{NewSession, NewWellness, SessionRecord, WellnessRecord};
use forma_core::types::{date_from_epoch_day, epoch_day, AthleteId, Date, WellnessEntry};
use forma_core::wellness::{self, WellnessField};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::drafts::{self, DraftKey};
use crate::outbox::{new_label_id, use_label_outbox, Delivery};
use crate::typed::{parse_number as number, shown};

mod fields;

use fields::{CheckInForm, FiledValues, Scale, YesterdaySession, SPORTS};

/// The messages the card gives after a save, word for word as the tests read them.
pub mod says {
    pub const STORED: &str = "Thanks, saved. Your coach sees it now.";
    pub const OFFLINE: &str = "No connection to Forma right now. Your check-in is kept on this device and will be sent by itself when the connection is back; the header shows it waiting.";
    pub const BUSY: &str = "Forma is busy right now. Your check-in is kept on this device and will be sent again in a few seconds; the header shows it waiting.";
    pub const SIGNED_OUT: &str = "Your session has ended. Your check-in is kept on this device and will be sent once you sign in again.";
    pub const NOTHING: &str = "Nothing changed: this is what is stored already.";
    pub const SENT_LATER: &str =
        "Your check-in that waited on this device has reached Forma. Your coach sees it now.";
}

/// What the card shows about today, read when it opens.
#[derive(Clone)]
struct Today {
    stored: Option<WellnessRecord>,
    yesterday: Vec<SessionRecord>,
    /// The sport of the athlete's most recent session, to offer first.
    usual_sport: Option<String>,
}

async fn load(athlete: String, today: Date) -> Result<Today, ApiFailure> {
    let yesterday = date_from_epoch_day(epoch_day(today) - 1);
    let month_ago = date_from_epoch_day(epoch_day(today) - 28);
    let stored = api::wellness_days(&athlete, today, today)
        .await?
        .into_iter()
        .next();
    let recent = api::sessions_between(&athlete, month_ago, yesterday).await?;
    let usual_sport = recent.iter().rev().find_map(|s| s.session.sport.clone());
    Ok(Today {
        stored,
        yesterday: recent
            .into_iter()
            .filter(|s| s.session.date == yesterday)
            .collect(),
        usual_sport,
    })
}

#[component]
pub fn CheckIn(athlete: String, today: Date) -> impl IntoView {
    let auth = use_auth();
    let id = athlete.clone();
    // Outlives the card, which is made anew when the stored day is read again.
    let message = RwSignal::new(None::<(bool, String)>);
    let day = LocalResource::new(move || {
        let id = id.clone();
        auth.when_signed_in(move || load(id, today))
    });
    move || {
        let athlete = athlete.clone();
        day.get().map(|answer| match answer {
            Err(failure) => view! {
                <section class="card check-in" data-testid="check-in">
                    <h2>"Today's check-in"</h2>
                    <p class="form-error">{failure.to_string()}</p>
                </section>
            }
            .into_any(),
            Ok(loaded) => {
                view! { <CheckInCard athlete today loaded message reload=move || day.refetch()/> }
                    .into_any()
            }
        })
    }
}

#[component]
fn CheckInCard(
    athlete: String,
    today: Date,
    loaded: Today,
    message: RwSignal<Option<(bool, String)>>,
    reload: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let outbox = use_label_outbox();
    let auth = use_auth();
    let athlete_id: Option<AthleteId> = athlete.parse().ok();
    let yesterday = date_from_epoch_day(epoch_day(today) - 1);
    let stored_entry = loaded.stored.as_ref().map(|r| r.entry.clone());
    let filed = stored_entry.as_ref().is_some_and(wellness::is_filed);
    let waiting_id = athlete_id.clone();
    let waiting = Signal::derive(move || {
        waiting_id
            .as_ref()
            .is_some_and(|a| outbox.waiting_check_ins_of(a) > 0)
    });
    let value = |field: WellnessField| stored_entry.as_ref().and_then(|e| field.get(e));
    let stored_form = CheckInForm {
        sleep_h: shown(value(WellnessField::SleepH)),
        sleep_quality: value(WellnessField::SleepQuality),
        fatigue: value(WellnessField::Fatigue),
        soreness: value(WellnessField::Soreness),
        stress: value(WellnessField::Stress),
        mood: value(WellnessField::Mood),
        minutes: String::new(),
        rpe: String::new(),
    };
    let email = auth
        .user
        .with_untracked(|u| u.as_ref().map(|u| u.user.email.clone()))
        .unwrap_or_default();
    let key = DraftKey::check_in(&email, &athlete, &today.to_string());
    let kept = drafts::load::<CheckInForm>(&key);
    let form = kept
        .as_ref()
        .map_or_else(|| stored_form.clone(), |d| d.value.clone());
    if let Some(draft) = &kept {
        message.set(Some((
            true,
            format!(
                "Your check-in from {} is back: it is not sent yet.",
                drafts::kept_at(&draft.saved_at)
            ),
        )));
    }
    let editing = RwSignal::new(kept.is_some() || (!filed && !waiting.get_untracked()));
    let sleep_h = RwSignal::new(form.sleep_h);
    let sleep_quality = RwSignal::new(form.sleep_quality);
    let fatigue = RwSignal::new(form.fatigue);
    let soreness = RwSignal::new(form.soreness);
    let stress = RwSignal::new(form.stress);
    let mood = RwSignal::new(form.mood);
    let logged_yesterday = loaded
        .yesterday
        .iter()
        .any(|s| s.id == check_in_session_id(&athlete, yesterday));
    let sport = RwSignal::new(
        loaded
            .usual_sport
            .clone()
            .unwrap_or_else(|| SPORTS[0].to_owned()),
    );
    let minutes = RwSignal::new(form.minutes);
    let rpe = RwSignal::new(form.rpe);
    // Handed to the outbox: from then on the outbox keeps it, not the draft.
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
        (!sent.get() && form != stored_form).then_some(form)
    });
    let sport_options: Vec<String> = loaded
        .usual_sport
        .iter()
        .cloned()
        .chain(SPORTS.iter().map(|s| (*s).to_owned()))
        .fold(Vec::new(), |mut all, s| {
            if !all.contains(&s) {
                all.push(s);
            }
            all
        });

    let send_athlete = athlete.clone();
    let send_stored = stored_entry.clone();
    let reload_after = reload.clone();
    let send = Action::new_unsync(move |(): &()| {
        let athlete = send_athlete.clone();
        let Ok(athlete_id) = athlete.parse::<AthleteId>() else {
            return futures_ready();
        };
        let mut form = WellnessEntry::empty(athlete_id.clone(), today);
        form.sleep_h = number(&sleep_h.get_untracked());
        form.sleep_quality = sleep_quality.get_untracked();
        form.fatigue = fatigue.get_untracked();
        form.soreness = soreness.get_untracked();
        form.stress = stress.get_untracked();
        form.mood = mood.get_untracked();
        let wellness: Option<NewWellness> =
            wellness::check_in_write(send_stored.as_ref(), &form).map(NewWellness::from);
        let session_minutes = number(&minutes.get_untracked());
        let session_rpe = number(&rpe.get_untracked());
        let session = (session_minutes.is_some() || session_rpe.is_some()).then(|| {
            let id = if logged_yesterday {
                format!("ci-{}", new_label_id())
            } else {
                check_in_session_id(&athlete, yesterday)
            };
            NewSession {
                id: Some(id),
                date: yesterday.to_string(),
                sport: Some(sport.get_untracked()).filter(|s| !s.trim().is_empty()),
                duration_min: session_minutes,
                rpe: session_rpe,
                load: None,
                distance_km: None,
                avg_hr: None,
            }
        });
        // Checked here with the server's own rules, so nothing is kept on the
        // device that the server would refuse later.
        let problem = wellness
            .clone()
            .map(|w| w.into_update(athlete_id.clone(), today).err())
            .unwrap_or_default()
            .map(|e| e.to_string())
            .or_else(|| {
                session.as_ref().and_then(|s| {
                    s.clone()
                        .into_session(athlete_id.clone(), forma_core::bounds::DateWindow::new(today))
                        .err()
                        .map(|e| match e.field {
                            "load" => "For yesterday's session, give both the minutes and how hard it was (RPE), or leave both empty.".to_owned(),
                            _ => e.to_string(),
                        })
                })
            });
        let reload = reload_after.clone();
        Box::pin(async move {
            if let Some(problem) = problem {
                message.set(Some((
                    false,
                    format!("Not saved: {problem} Your answers are still here to correct."),
                )));
                return;
            }
            if wellness.is_none() && session.is_none() {
                message.set(Some((true, says::NOTHING.to_owned())));
                return;
            }
            let write = wellness.map(|w| (format!("w-{}", new_label_id()), today, w));
            sent.set(true);
            draft.now();
            match outbox.deliver_check_in(athlete_id, write, session).await {
                Delivery::Stored => {
                    message.set(Some((true, says::STORED.to_owned())));
                    minutes.set(String::new());
                    rpe.set(String::new());
                    reload();
                }
                Delivery::Offline => message.set(Some((true, says::OFFLINE.to_owned()))),
                Delivery::Busy => message.set(Some((true, says::BUSY.to_owned()))),
                Delivery::SignedOut => message.set(Some((true, says::SIGNED_OUT.to_owned()))),
                Delivery::Refused(words) => {
                    sent.set(false);
                    message.set(Some((
                        false,
                        format!("Not saved: {words} Your answers are still here to correct."),
                    )));
                }
            }
        }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
    });

    // A check-in that waited is read back from the server once the outbox has
    // sent it, so the card shows what is stored.
    let reload_when_sent = reload.clone();
    Effect::new(move |before: Option<bool>| {
        let now = waiting.get();
        if before == Some(true) && !now {
            // Only over a "kept" message (or none, for writes left from an earlier
            // visit): a save of this card's own says what became of it itself.
            let kept = message.with_untracked(|m| {
                m.as_ref().is_none_or(|(_, text)| {
                    [says::OFFLINE, says::BUSY, says::SIGNED_OUT].contains(&text.as_str())
                })
            });
            if kept {
                message.set(Some((true, says::SENT_LATER.to_owned())));
            }
            reload_when_sent();
        }
        now
    });

    let stored_record = loaded.stored.clone();
    let yesterday_sessions = loaded.yesterday.clone();
    view! {
        <section class="card check-in" data-testid="check-in" id="check-in">
            <h2>"Today's check-in"</h2>
            <p class="note">{format!("For {}.", today.strftime("%A %-d %B"))}</p>
            {
                let at = stored_record
                    .as_ref()
                    .and_then(|r| r.updated_at.as_deref())
                    .and_then(local_time)
                    .map(|hh_mm| format!(" (last change at {hh_mm})"))
                    .unwrap_or_default();
                move || {
                    let status = if waiting.get() {
                        Some("Your check-in is kept on this device and waits to be sent.".to_owned())
                    } else {
                        filed.then(|| format!("You have filed today's check-in{at}."))
                    };
                    status.map(|status| view! { <p class="filed-status" data-testid="check-in-filed">{status}</p> })
                }
            }
            {stored_record.clone().map(|record| view! { <FiledValues record/> })}
            {(!yesterday_sessions.is_empty()).then(|| {
                let rows: Vec<String> = yesterday_sessions
                    .iter()
                    .map(|s| {
                        let sport = s.session.sport.clone().unwrap_or_else(|| "session".to_owned());
                        let minutes = s.session.duration_min.map(|m| format!("{m:.0} min")).unwrap_or_default();
                        let rpe = s.session.rpe.map(|r| format!(" at RPE {r}")).unwrap_or_default();
                        format!("{sport} {minutes}{rpe}")
                    })
                    .collect();
                view! {
                    <p class="note" data-testid="check-in-yesterday-logged">
                        {format!("Yesterday ({}) you logged: {}.", yesterday.strftime("%a %-d %b"), rows.join("; "))}
                    </p>
                }
            })}
            <Show when=move || !editing.get()>
                <button type="button" class="button secondary" data-testid="check-in-edit" on:click=move |_| editing.set(true)>
                    "Edit today's check-in"
                </button>
            </Show>
            <Show when=move || editing.get()>
                <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send.dispatch(());
                }>
                    <p class="note">"Skip anything you do not know. Tap a chosen answer again to take it back."</p>
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
                    <YesterdaySession
                        legend=if logged_yesterday {
                            format!("Another session yesterday ({})", yesterday.strftime("%a %-d %b"))
                        } else {
                            format!("Yesterday's session ({})", yesterday.strftime("%a %-d %b"))
                        }
                        options=sport_options.clone()
                        sport
                        minutes
                        rpe
                    />
                    <button type="submit" class="button" data-testid="check-in-save" disabled=move || send.pending().get()>
                        {move || if send.pending().get() { "Saving…" } else { "Save check-in" }}
                    </button>
                </form>
            </Show>
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

/// The id of the session a check-in logs for `day`: the same for the same
/// athlete and day, so a second save (or a retry) stores one session.
pub fn check_in_session_id(athlete: &str, day: Date) -> String {
    format!("ci-{athlete}-{day}")
}

/// An RFC 3339 time as the browser's local `HH:MM`.
fn local_time(time: &str) -> Option<String> {
    let ms = web_sys::js_sys::Date::parse(time);
    if !ms.is_finite() {
        return None;
    }
    let date = web_sys::js_sys::Date::new(&ms.into());
    Some(format!("{:02}:{:02}", date.get_hours(), date.get_minutes()))
}

fn futures_ready() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
    Box::pin(async {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_in_session_id_is_a_valid_client_id_and_the_same_for_the_same_day() {
        let day = forma_core::types::parse_date("2020-03-30").expect("date");
        let id = check_in_session_id("p01", day);
        assert_eq!(id, check_in_session_id("p01", day));
        assert!(forma_core::api::check_client_id(&id).is_ok());
    }
}

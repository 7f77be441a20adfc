//! The profile form (name, time zone, sex, birth year, sport, heart rates), its
//! history from the audit log, archiving and moving to another team.

use forma_core::api::{AuditEntry, Sex, TeamSummary};
use forma_core::roster::{AthleteFields, ProfileView};
use leptos::prelude::*;

use super::Reload;
use crate::api;
use crate::typed::{parse_number, shown};

#[component]
pub fn ProfileCard(view: ProfileView, teams: Vec<TeamSummary>, reload: Reload) -> impl IntoView {
    let ProfileView {
        profile,
        archived_at,
        history,
    } = view;
    let id = profile.id.to_string();
    let name = RwSignal::new(profile.name.clone());
    let zone = RwSignal::new(profile.time_zone.clone());
    let sex = RwSignal::new(match profile.sex {
        Some(Sex::Female) => "female",
        Some(Sex::Male) => "male",
        None => "",
    });
    let birth = RwSignal::new(
        profile
            .birth_year
            .map(|y| y.to_string())
            .unwrap_or_default(),
    );
    let sport = RwSignal::new(profile.sport.clone().unwrap_or_default());
    let hr_max = RwSignal::new(shown(profile.hr_max));
    let hr_rest = RwSignal::new(shown(profile.hr_rest));
    let message = RwSignal::new(None::<(bool, String)>);
    let save = Action::new_unsync({
        let id = id.clone();
        move |(): &()| {
            let id = id.clone();
            let birth_text = birth.get_untracked();
            let fields = AthleteFields {
                id: None,
                name: name.get_untracked(),
                time_zone: zone.get_untracked(),
                sex: match sex.get_untracked() {
                    "female" => Some(Sex::Female),
                    "male" => Some(Sex::Male),
                    _ => None,
                },
                birth_year: birth_text.trim().parse().ok(),
                sport: Some(sport.get_untracked()),
                hr_max: parse_number(&hr_max.get_untracked()),
                hr_rest: parse_number(&hr_rest.get_untracked()),
            };
            let unreadable = !birth_text.trim().is_empty() && fields.birth_year.is_none();
            async move {
                if unreadable {
                    message.set(Some((false, format!("birth_year `{birth_text}` is not a year: give four digits such as 1998"))));
                    return;
                }
                match api::save_profile(&id, &fields).await {
                    Ok(_) => reload.now(),
                    Err(failure) => message.set(Some((false, failure.to_string()))),
                }
            }
        }
    });
    let archived = archived_at.is_some();
    let archive = Action::new_unsync({
        let id = id.clone();
        move |(): &()| {
            let id = id.clone();
            async move {
                match api::set_archived(&id, !archived).await {
                    Ok(_) => reload.now(),
                    Err(failure) => message.set(Some((false, failure.to_string()))),
                }
            }
        }
    });
    let others: Vec<TeamSummary> = teams
        .into_iter()
        .filter(|t| t.id != profile.team_id)
        .collect();
    let target = RwSignal::new(others.first().map(|t| t.id.clone()).unwrap_or_default());
    let move_to = Action::new_unsync({
        let id = id.clone();
        move |(): &()| {
            let id = id.clone();
            let team = target.get_untracked();
            async move {
                match api::move_athlete(&id, &team).await {
                    Ok(_) => reload.now(),
                    Err(failure) => message.set(Some((false, failure.to_string()))),
                }
            }
        }
    });
    let text_field = |label: &'static str,
                      testid: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input type=kind step="any" data-testid=testid prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    let can_move = !others.is_empty();
    view! {
        <section class="card profile-card" data-testid="profile-card">
            <h2>"Profile"</h2>
            <form class="profile-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch(());
            }>
                {text_field("Name", "profile-name", name, "text")}
                {text_field("Time zone (IANA, such as Europe/Oslo)", "profile-zone", zone, "text")}
                <label class="field">
                    <span>"Sex"</span>
                    <select data-testid="profile-sex" on:change=move |ev| {
                        sex.set(match event_target_value(&ev).as_str() { "female" => "female", "male" => "male", _ => "" })
                    }>
                        <option value="" selected=move || sex.get().is_empty()>"Not given"</option>
                        <option value="female" selected=move || sex.get() == "female">"Female"</option>
                        <option value="male" selected=move || sex.get() == "male">"Male"</option>
                    </select>
                </label>
                {text_field("Birth year", "profile-birth-year", birth, "number")}
                {text_field("Sport", "profile-sport", sport, "text")}
                {text_field("Maximal heart rate (bpm)", "profile-hr-max", hr_max, "number")}
                {text_field("Resting heart rate (bpm)", "profile-hr-rest", hr_rest, "number")}
                <button type="submit" class="button" data-testid="profile-save" disabled=move || save.pending().get()>"Save profile"</button>
            </form>
            {move || message.get().map(|(_, text)| view! { <p class="form-error" role="alert" data-testid="profile-error">{text}</p> })}
            <div class="profile-actions">
                <button class="button secondary" data-testid="archive" on:click=move |_| { archive.dispatch(()); }>
                    {if archived { "Make active again" } else { "Archive athlete" }}
                </button>
                {can_move.then(|| view! {
                    <span class="move">
                        <select aria-label="Move to team" data-testid="move-team" on:change=move |ev| target.set(event_target_value(&ev))>
                            {others.iter().map(|t| view! { <option value=t.id.clone()>{t.name.clone()}</option> }).collect_view()}
                        </select>
                        <button class="button secondary" data-testid="move" on:click=move |_| { move_to.dispatch(()); }>"Move to this team"</button>
                    </span>
                })}
            </div>
            <super::invite::InviteBox athlete=id.clone()/>
            <h3>"History"</h3>
            <ul class="history" data-testid="profile-history">
                {history.iter().map(|entry| view! { <li>{describe(entry)}</li> }).collect_view()}
            </ul>
        </section>
    }
}

/// One history entry in words: when, what, and each changed field before → after.
fn describe(entry: &AuditEntry) -> String {
    let when = entry.at.get(..16).unwrap_or(&entry.at).replace('T', " ");
    let what = match entry.action.as_str() {
        "create" => "added",
        "update" => "edited",
        "archive" => "archived",
        "restore" => "made active again",
        "move" => "moved",
        other => other,
    };
    let (Some(serde_json::Value::Object(before)), Some(serde_json::Value::Object(after))) =
        (&entry.before, &entry.after)
    else {
        return format!("{when} · {what}");
    };
    let text = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s
            .get(..10)
            .filter(|_| field_is_time(s))
            .unwrap_or(s)
            .to_owned(),
        // Heart rates are stored as decimals: 190, not 190.0.
        Some(serde_json::Value::Number(n)) => n
            .as_f64()
            .filter(|x| x.fract() == 0.0 && x.abs() < 1e9)
            .map_or_else(|| n.to_string(), |x| format!("{x:.0}")),
        Some(other) => other.to_string(),
    };
    let changes: Vec<String> = after
        .iter()
        .map(|(field, new)| format!("{field}: {} → {}", text(before.get(field)), text(Some(new))))
        .collect();
    format!("{when} · {what} · {}", changes.join(", "))
}

/// Whether a text is an RFC 3339 time (an archive's), shown by its day.
fn field_is_time(text: &str) -> bool {
    text.len() > 10 && text.as_bytes().get(10) == Some(&b'T')
}

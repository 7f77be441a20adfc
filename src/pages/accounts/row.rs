//! One account on the Accounts page: its teams (coaches), disable or enable, and
//! a reset link to copy.

use forma_core::api::{Role, TeamSummary, UserAccount};
use leptos::prelude::*;

use crate::api;
use crate::pages::records::Reload;

/// A checkbox per team, writing the checked ids into `chosen`.
pub fn team_checks(
    teams: &[TeamSummary],
    chosen: RwSignal<Vec<String>>,
    prefix: &str,
) -> impl IntoView {
    teams
        .iter()
        .map(|team| {
            let id = team.id.clone();
            let toggle = id.clone();
            let checked = move || chosen.with(|c| c.contains(&id));
            view! {
                <label class="check" data-testid=format!("{prefix}-team-{}", team.id)>
                    <input type="checkbox" prop:checked=checked on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        chosen.update(|c| {
                            c.retain(|t| t != &toggle);
                            if on {
                                c.push(toggle.clone());
                            }
                        });
                    }/>
                    {team.name.clone()}
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn AccountRow(account: UserAccount, teams: Vec<TeamSummary>, reload: Reload) -> impl IntoView {
    let id = StoredValue::new(account.id.clone());
    let chosen = RwSignal::new(account.teams.clone());
    let message = RwSignal::new(None::<String>);
    let link = RwSignal::new(None::<String>);
    let disabled = account.disabled;
    let save_teams = Action::new_unsync(move |(): &()| async move {
        match api::set_user_teams(&id.get_value(), chosen.get_untracked()).await {
            Ok(_) => reload.now(),
            Err(failure) => message.set(Some(failure.to_string())),
        }
    });
    let toggle = Action::new_unsync(move |(): &()| async move {
        match api::set_user_disabled(&id.get_value(), !disabled).await {
            Ok(_) => reload.now(),
            Err(failure) => message.set(Some(failure.to_string())),
        }
    });
    let reset = Action::new_unsync(move |(): &()| async move {
        match api::create_reset(&id.get_value()).await {
            Ok(invitation) => {
                let origin = window().location().origin().unwrap_or_default();
                link.set(Some(format!("{origin}{}", invitation.path)));
                message.set(None);
            }
            Err(failure) => message.set(Some(failure.to_string())),
        }
    });
    let what = format!(
        "{} · {} · {}{}",
        account.display_name,
        account.email,
        account.role.as_str(),
        if disabled { " · disabled" } else { "" }
    );
    let coach = account.role == Role::Coach;
    view! {
        <li class="record-row account-row" data-testid="account-row">
            <span class="record-text">{what}</span>
            <span class="record-buttons">
                <button class="button small secondary" data-testid="account-reset" on:click=move |_| { reset.dispatch(()); }>"Reset link"</button>
                <button class="button small danger" data-testid="account-disable" on:click=move |_| { toggle.dispatch(()); }>
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
            </span>
            {coach.then(|| view! {
                <form class="record-form team-checks" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    save_teams.dispatch(());
                }>
                    {team_checks(&teams, chosen, "row")}
                    <button type="submit" class="button small" data-testid="account-teams-save">"Save teams"</button>
                </form>
            })}
            {move || link.get().map(|url| view! {
                <input class="invite-link" readonly data-testid="reset-link" prop:value=url/>
                <p class="note">"Give this link to the account's owner; it works once, for 24 hours."</p>
            })}
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="account-error">{m}</p> })}
        </li>
    }
}

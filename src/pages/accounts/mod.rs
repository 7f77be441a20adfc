//! `/accounts`: admins keep the accounts: create coaches and admins, give and
//! take a coach's teams, disable and enable an account, and make a one-time
//! password reset link to copy. Everyone else is told who does this.

use forma_core::api::{NewAccount, Role, TeamSummary, UserAccount};
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::pages::records::Reload;

mod row;

#[derive(Clone)]
struct AccountsData {
    accounts: Vec<UserAccount>,
    teams: Vec<TeamSummary>,
}

async fn load() -> Result<AccountsData, ApiFailure> {
    let (accounts, teams) = futures::try_join!(api::users(), api::teams())?;
    Ok(AccountsData { accounts, teams })
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let auth = use_auth();
    let reload = Reload::new();
    let page = LocalResource::new(move || {
        reload.track();
        auth.when_signed_in(load)
    });
    move || {
        match auth.role() {
        Some(Role::Admin) | None => view! {
            <div class="page-header">
                <h1>"Accounts"</h1>
                <p class="page-summary">"Coaches and admins, and the athletes' own accounts (coaches invite their athletes from the athlete's records)."</p>
            </div>
            <Loaded data=page loading="Loading the accounts…" what="the accounts" let:data>
                <NewAccountForm teams=data.teams.clone() reload/>
                <section class="card" data-testid="accounts">
                    <h2>{format!("Accounts ({})", data.accounts.len())}</h2>
                    <ul class="records">
                        {data.accounts.iter().map(|account| {
                            view! { <row::AccountRow account=account.clone() teams=data.teams.clone() reload/> }
                        }).collect_view()}
                    </ul>
                </section>
            </Loaded>
        }
        .into_any(),
        Some(_) => view! {
            <section class="card not-allowed" data-testid="admins-only">
                <h1>"This page is for admins"</h1>
                <p>"An admin of Forma creates accounts and resets passwords. Change your own password on your account page."</p>
                <p><leptos_router::components::A href="/account" attr:class="button">"My account"</leptos_router::components::A></p>
            </section>
        }
        .into_any(),
    }
    }
}

#[component]
fn NewAccountForm(teams: Vec<TeamSummary>, reload: Reload) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<String>::new());
    let password = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let create = Action::new_unsync(move |(): &()| {
        let role = if admin.get_untracked() {
            Role::Admin
        } else {
            Role::Coach
        };
        let account = NewAccount {
            email: email.get_untracked(),
            password: password.get_untracked(),
            role,
            display_name: Some(name.get_untracked()).filter(|n| !n.trim().is_empty()),
            teams: if role == Role::Coach {
                chosen.get_untracked()
            } else {
                Vec::new()
            },
            athlete_id: None,
        };
        async move {
            match api::create_user(&account).await {
                Ok(created) => {
                    message.set(Some((true, format!("Account {} created.", created.email))));
                    for field in [email, name, password] {
                        field.set(String::new());
                    }
                    reload.now();
                }
                Err(failure) => message.set(Some((false, failure.to_string()))),
            }
        }
    });
    view! {
        <section class="card" data-testid="new-account">
            <h2>"New coach or admin"</h2>
            <form class="record-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(());
            }>
                <label class="field"><span>"Email"</span>
                    <input type="email" data-testid="account-email" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Name"</span>
                    <input type="text" data-testid="account-name" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label class="field"><span>"Role"</span>
                    <select data-testid="account-role" on:change=move |ev| admin.set(event_target_value(&ev) == "admin")>
                        <option value="coach">"Coach"</option>
                        <option value="admin">"Admin"</option>
                    </select>
                </label>
                <label class="field"><span>"First password (10 characters or more; send a reset link after)"</span>
                    <input type="password" autocomplete="new-password" data-testid="account-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <fieldset class="team-checks" hidden=move || admin.get()>
                    <legend>"Teams they coach"</legend>
                    {row::team_checks(&teams, chosen, "new")}
                </fieldset>
                <button type="submit" class="button" data-testid="account-create">"Create account"</button>
            </form>
            {move || message.get().map(|(ok, m)| view! {
                <p class=if ok { "note" } else { "form-error" } role="status" data-testid="account-message">{m}</p>
            })}
        </section>
    }
}

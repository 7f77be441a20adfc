//! `/account`: the signed-in person's own account: change the password, given
//! the current one (the same rules as every account's; the other sessions end).

use forma_core::roster::PasswordChange;
use leptos::prelude::*;

use crate::api;
use crate::auth::use_auth;
use crate::components::sign_in_required::SignInRequired;

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let change = Action::new_unsync(move |(): &()| {
        let input = PasswordChange {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let same = input.new_password == repeat.get_untracked();
        async move {
            if !same {
                message.set(Some((
                    false,
                    "The two new passwords differ; type the same one twice.".to_owned(),
                )));
                return;
            }
            match api::change_password(&input).await {
                Ok(()) => {
                    for field in [current, new, repeat] {
                        field.set(String::new());
                    }
                    message.set(Some((
                        true,
                        "Your password is changed. Your other sessions were signed out.".to_owned(),
                    )));
                }
                Err(failure) => message.set(Some((false, failure.to_string()))),
            }
        }
    });
    let field = |label: &'static str,
                 testid: &'static str,
                 value: RwSignal<String>,
                 complete: &'static str| {
        view! {
            <label>{label}<input type="password" autocomplete=complete data-testid=testid prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/></label>
        }
    };
    move || {
        match auth.user.get() {
        None if auth.checked.get() => view! { <SignInRequired what="your account"/> }.into_any(),
        None => ().into_any(),
        Some(user) => view! {
            <div class="page-header">
                <h1>"Your account"</h1>
                <p class="page-summary">{format!("{} · {} · {}", user.user.display_name, user.user.email, user.user.role.as_str())}</p>
            </div>
            <section class="card sign-in-card" data-testid="password-form">
                <h2>"Change your password"</h2>
                <form class="sign-in-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    change.dispatch(());
                }>
                    {field("Current password", "password-current", current, "current-password")}
                    {field("New password (10 characters or more)", "password-new", new, "new-password")}
                    {field("New password again", "password-repeat", repeat, "new-password")}
                    <button type="submit" class="button" data-testid="password-change" disabled=move || change.pending().get()>"Change password"</button>
                </form>
                {move || message.get().map(|(ok, m)| view! {
                    <p class=if ok { "note" } else { "form-error" } role="status" data-testid="password-message">{m}</p>
                })}
            </section>
        }.into_any(),
    }
    }
}

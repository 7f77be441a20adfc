//! `/invite/:code`: an athlete's invitation. They give their email and a
//! password (the same rules as every account's), the account is made and they
//! land on their own page, signed in. A used or expired link says so.

use forma_core::roster::AcceptInvite;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::auth::{landing_path, use_auth};

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let preview = LocalResource::new(move || {
        let code = code();
        async move { api::invite_preview(&code).await }
    });
    view! {
        <div class="page-header"><h1>"Your Forma account"</h1></div>
        <Transition fallback=move || view! { <p class="loading">"Reading the invitation…"</p> }>
            {move || preview.get().map(|answer| match answer {
                Ok(preview) => view! { <AcceptForm code=code() name=preview.athlete_name expires=preview.expires_at/> }.into_any(),
                Err(failure) => view! {
                    <p class="card error" role="alert" data-testid="invite-error">{failure.to_string()}</p>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn AcceptForm(code: String, name: String, expires: String) -> impl IntoView {
    let auth = use_auth();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let accept = Action::new_unsync(move |(): &()| {
        let (code, navigate) = (code.clone(), navigate.clone());
        let input = AcceptInvite {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let same = input.password == repeat.get_untracked();
        async move {
            if !same {
                message.set(Some(
                    "The two passwords differ; type the same one twice.".to_owned(),
                ));
                return;
            }
            match api::accept_invite(&code, &input).await {
                Ok(user) => {
                    let path = landing_path(&user);
                    auth.signed_in(user);
                    navigate(&path, Default::default());
                }
                Err(failure) => message.set(Some(failure.to_string())),
            }
        }
    });
    view! {
        <section class="card sign-in-card" data-testid="invite-form">
            <p>{format!("Your coach invited {name} to Forma. Choose the email you sign in with and a password of at least 10 characters.")}</p>
            <p class="note">{format!("The invitation can be used once, until {}.", expires.get(..10).unwrap_or(&expires))}</p>
            <form class="sign-in-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                accept.dispatch(());
            }>
                <label>"Email"<input type="email" autocomplete="username" data-testid="invite-email" prop:value=email on:input=move |ev| email.set(event_target_value(&ev))/></label>
                <label>"Password"<input type="password" autocomplete="new-password" data-testid="invite-password" prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/></label>
                <label>"Password again"<input type="password" autocomplete="new-password" data-testid="invite-repeat" prop:value=repeat on:input=move |ev| repeat.set(event_target_value(&ev))/></label>
                <button type="submit" class="button" data-testid="invite-accept" disabled=move || accept.pending().get()>"Make my account"</button>
            </form>
            {move || message.get().map(|m| view! { <p class="form-error" role="alert" data-testid="invite-message">{m}</p> })}
        </section>
    }
}
